package dev.fallbackwatch.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The settings resources over HTTP: validation, versions and 412, expiry, audit. */
class SettingsApiTests extends PostgresIntegrationTest {

    private static final String THRESHOLDS = "/api/v1/settings/thresholds";

    private static final String PORTS = "/api/v1/settings/ports";

    private static final String PROCESS_EXCLUSIONS = "/api/v1/settings/process-exclusions";

    private static final String DESTINATION_EXCLUSIONS = "/api/v1/settings/destination-exclusions";

    private static final String SEED_THRESHOLDS = """
            {"lookbackHours":24,"bucketMinutes":60,
             "finding":{"minDistinctIps":3,"minDistinctPorts":3,"minConnections":5},
             "critical":{"minDistinctIps":5,"minDistinctPorts":3},
             "high":{"minDistinctIps":4,"minDistinctPorts":3,"minConnections":8},
             "medium":{"minDistinctIps":3}}""";

    @Test
    void servesTheSeedThresholdsWithAnEtag() {
        MvcTestResult result = mvc.get().uri(THRESHOLDS).exchange();

        assertThat(result).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"1\"");
        assertThat(read(result)).isEqualTo(json.readTree(SEED_THRESHOLDS));
    }

    @Test
    void replacesTheThresholdsAndAuditsTheChange() {
        String raised =
                SEED_THRESHOLDS.replace("\"medium\":{\"minDistinctIps\":3}", "\"medium\":{\"minDistinctIps\":4}");

        MvcTestResult result = put(THRESHOLDS, raised, "\"1\"");

        assertThat(result).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"2\"");
        assertThat(read(result).at("/medium/minDistinctIps").asInt()).isEqualTo(4);
        JsonNode entry = read(mvc.get().uri("/api/v1/settings/audit").exchange())
                .get("content")
                .get(0);
        assertThat(entry.get("resource").asString()).isEqualTo("thresholds");
        assertThat(entry.get("action").asString()).isEqualTo("UPDATE");
        assertThat(entry.get("changedBy").asString()).isEqualTo("api-key:admin (configuration)");
        assertThat(entry.at("/before/medium/minDistinctIps").asInt()).isEqualTo(3);
        assertThat(entry.at("/after/medium/minDistinctIps").asInt()).isEqualTo(4);
    }

    @Test
    void refusesAStaleThresholdChangeWith412AndKeepsTheStoredOnes() {
        put(THRESHOLDS, SEED_THRESHOLDS.replace("\"lookbackHours\":24", "\"lookbackHours\":12"), "\"1\"");

        MvcTestResult stale =
                put(THRESHOLDS, SEED_THRESHOLDS.replace("\"lookbackHours\":24", "\"lookbackHours\":6"), "\"1\"");

        assertThat(stale).hasStatus(412).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(read(stale).get("type").asString()).isEqualTo("urn:fallback-watch:problem:precondition-failed");
        assertThat(read(mvc.get().uri(THRESHOLDS).exchange())
                        .get("lookbackHours")
                        .asInt())
                .isEqualTo(12);
    }

    @Test
    void namesEachInvalidThresholdAndChangesNothing() {
        String invalid = SEED_THRESHOLDS
                .replace("\"lookbackHours\":24", "\"lookbackHours\":0")
                .replace("\"minConnections\":5", "\"minConnections\":-1");
        String inconsistent =
                SEED_THRESHOLDS.replace("\"critical\":{\"minDistinctIps\":5", "\"critical\":{\"minDistinctIps\":2");
        ObjectNode incomplete = (ObjectNode) json.readTree(SEED_THRESHOLDS);
        incomplete.remove("medium");
        String misspelt = SEED_THRESHOLDS.replace("\"medium\":{\"minDistinctIps\"", "\"medium\":{\"minDistinctIP\"");

        assertThat(fields(put(THRESHOLDS, invalid, null))).containsExactly("finding.minConnections", "lookbackHours");
        assertThat(fields(put(THRESHOLDS, inconsistent, null))).containsExactly("critical.minDistinctIps");
        assertThat(fields(put(THRESHOLDS, incomplete.toString(), null))).containsExactly("medium");
        MvcTestResult unknownField = put(THRESHOLDS, misspelt, null);
        assertThat(unknownField).hasStatus(400);
        assertThat(read(unknownField).get("detail").asString()).contains("medium.minDistinctIP");
        assertThat(mvc.get().uri(THRESHOLDS).exchange()).hasHeader(HttpHeaders.ETAG, "\"1\"");
    }

    @Test
    void replacesThePortListAndRejectsBadOnes() {
        MvcTestResult replaced = put(PORTS, "{\"ports\":[443,8443,53]}", "\"1\"");

        assertThat(replaced).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"2\"");
        assertThat(read(replaced).get("ports").toString()).isEqualTo("[53,443,8443]");
        assertThat(fields(put(PORTS, "{\"ports\":[443,80,443]}", null))).containsExactly("ports[2]");
        assertThat(fields(put(PORTS, "{\"ports\":[]}", null))).containsExactly("ports");
        assertThat(fields(put(PORTS, "{\"ports\":[0,65536]}", null))).containsExactly("ports[0]", "ports[1]");
        assertThat(put(PORTS, "{\"ports\":[443]}", "\"1\"")).hasStatus(412);
    }

    @Test
    void listsTheSeedProcessExclusions() {
        JsonNode list = read(mvc.get().uri(PROCESS_EXCLUSIONS).exchange());

        assertThat(list).hasSize(20);
        assertThat(names(list)).contains("chrome.exe", "WINWORD.EXE", "MsMpEng.exe");
    }

    @Test
    void createsReadsReplacesAndDeletesAProcessExclusionWithVersions() {
        MvcTestResult created = post(PROCESS_EXCLUSIONS, """
                {"processName":"veeamagent.exe","reason":"Backup agent","deviceName":"srv-file-01",
                 "commandLinePattern":"*\\\\Veeam\\\\*"}""");
        assertThat(created).hasStatus(201).hasHeader(HttpHeaders.ETAG, "\"1\"");
        String location = created.getResponse().getHeader(HttpHeaders.LOCATION);
        JsonNode entry = read(created);
        assertThat(entry.get("createdBy").asString()).isEqualTo("api-key:admin (configuration)");
        assertThat(entry.get("expired").asBoolean()).isFalse();

        MvcTestResult replaced = put(location, """
                {"processName":"veeamagent.exe","reason":"Backup agent on every server"}""", "\"1\"");
        assertThat(replaced).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"2\"");
        assertThat(read(replaced).get("deviceName").isNull()).isTrue();

        assertThat(delete(location, "\"1\"")).hasStatus(412);
        assertThat(delete(location, "\"2\"")).hasStatus(204);
        assertThat(mvc.get().uri(location).exchange()).hasStatus(404);
        JsonNode audit = read(mvc.get()
                .uri("/api/v1/settings/audit?resource=process-exclusions")
                .exchange());
        assertThat(audit.get("content").valueStream().map(e -> e.get("action").asString()))
                .containsExactly("DELETE", "UPDATE", "CREATE");
    }

    @Test
    void rejectsInvalidProcessExclusions() {
        assertThat(fields(post(PROCESS_EXCLUSIONS, "{\"processName\":\"x.exe\"}")))
                .containsExactly("reason");
        assertThat(fields(post(PROCESS_EXCLUSIONS, "{\"processName\":\"C:\\\\Tools\\\\x.exe\",\"reason\":\"r\"}")))
                .containsExactly("processName");
        String past = Instant.now().minus(1, ChronoUnit.DAYS).toString();
        assertThat(fields(post(
                        PROCESS_EXCLUSIONS,
                        "{\"processName\":\"x.exe\",\"reason\":\"r\",\"expiresAt\":\"" + past + "\"}")))
                .containsExactly("expiresAt");
        MvcTestResult duplicate = post(PROCESS_EXCLUSIONS, "{\"processName\":\"CHROME.exe\",\"reason\":\"again\"}");
        assertThat(duplicate).hasStatus(409);
    }

    @Test
    void showsAnEntryWhoseExpiryPassedAsExpiredWithoutDeletingIt() {
        long id = read(post(PROCESS_EXCLUSIONS, "{\"processName\":\"tool.exe\",\"reason\":\"trial\"}"))
                .get("id")
                .asLong();
        jdbc.update("UPDATE process_exclusion SET expires_at = now() - interval '1 minute' WHERE id = ?", id);

        JsonNode entry = read(mvc.get().uri(PROCESS_EXCLUSIONS + "/" + id).exchange());

        assertThat(entry.get("expired").asBoolean()).isTrue();
        assertThat(names(read(mvc.get().uri(PROCESS_EXCLUSIONS).exchange()))).contains("tool.exe");
    }

    @Test
    void normalisesDestinationExclusionsAndRejectsAmbiguousOnes() {
        JsonNode network = read(post(DESTINATION_EXCLUSIONS, "{\"cidr\":\"2001:DB8:0:0::/32\",\"reason\":\"lab\"}"));
        JsonNode domain = read(
                post(DESTINATION_EXCLUSIONS, "{\"remoteUrl\":\"*.Backblaze.com\",\"port\":443,\"reason\":\"backup\"}"));

        assertThat(network.get("cidr").asString()).isEqualTo("2001:db8::/32");
        assertThat(domain.get("remoteUrl").asString()).isEqualTo("backblaze.com");
        assertThat(fields(post(DESTINATION_EXCLUSIONS, "{\"reason\":\"neither\"}")))
                .containsExactly("cidr");
        assertThat(fields(post(
                        DESTINATION_EXCLUSIONS,
                        "{\"cidr\":\"10.0.0.0/8\",\"remoteUrl\":\"a.com\",\"reason\":\"both\"}")))
                .containsExactly("cidr");
        MvcTestResult hostBits = post(DESTINATION_EXCLUSIONS, "{\"cidr\":\"10.1.2.3/8\",\"reason\":\"r\"}");
        assertThat(read(hostBits).at("/errors/0/message").asString()).contains("10.0.0.0/8");
        assertThat(fields(post(DESTINATION_EXCLUSIONS, "{\"remoteUrl\":\"https://a.com/x\",\"reason\":\"r\"}")))
                .containsExactly("remoteUrl");
        assertThat(fields(post(DESTINATION_EXCLUSIONS, "{\"cidr\":\"10.0.0.0/33\",\"reason\":\"r\"}")))
                .containsExactly("cidr");
    }

    private MvcTestResult put(String uri, String body, String ifMatch) {
        var request = mvc.put().uri(uri).contentType(MediaType.APPLICATION_JSON).content(body);
        if (ifMatch != null) {
            request = request.header(HttpHeaders.IF_MATCH, ifMatch);
        }
        return request.exchange();
    }

    private MvcTestResult post(String uri, String body) {
        return mvc.post()
                .uri(uri)
                .contentType(MediaType.APPLICATION_JSON)
                .content(body)
                .exchange();
    }

    private MvcTestResult delete(String uri, String ifMatch) {
        return mvc.delete().uri(uri).header(HttpHeaders.IF_MATCH, ifMatch).exchange();
    }

    private JsonNode read(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    /** The fields a validation problem names, in order. */
    private List<String> fields(MvcTestResult result) {
        assertThat(result).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        JsonNode problem = read(result);
        assertThat(problem.get("type").asString()).isEqualTo("urn:fallback-watch:problem:validation-failed");
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(error -> fields.add(error.get("field").asString()));
        return fields;
    }

    private static List<String> names(JsonNode list) {
        return list.valueStream().map(e -> e.get("processName").asString()).toList();
    }
}
