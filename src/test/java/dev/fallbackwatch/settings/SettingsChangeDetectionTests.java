package dev.fallbackwatch.settings;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Settings changes followed by real detection runs: the exact findings after each, the marking of findings that
 * stop matching, the suppression figures of exclusions, and a preview that equals the run it predicts.
 */
class SettingsChangeDetectionTests extends PostgresIntegrationTest {

    private static final Instant SAMPLE_DAY_END = Instant.parse("2026-12-01T00:00:00Z");

    @Autowired
    DetectionService detection;

    @Test
    void marksFindingsBelowRaisedThresholdsWithTheChangeAndRaisesThemAgainWhenRestored() throws IOException {
        sampleDayDetected();
        ObjectNode raised = thresholds();
        ((ObjectNode) raised.get("finding")).put("minDistinctIps", 4);
        ((ObjectNode) raised.get("medium")).put("minDistinctIps", 4);
        put("/api/v1/settings/thresholds", raised);
        long changeId = latestAuditId();

        DetectionRun afterRaise = detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);

        assertThat(afterRaise.findingsNoLongerMatching()).isEqualTo(4);
        assertThat(afterRaise.findingsCreated()).isZero();
        assertThat(afterRaise.findingsUpdated()).isZero();
        assertThat(processes("/api/v1/findings?matching=false"))
                .containsExactlyInAnyOrder("jucheck64.exe", "cfgsync64.exe", "update-chrome.exe", "msupdate.exe");
        assertThat(findings().stream()
                        .filter(f -> f.get("noLongerMatching").asBoolean())
                        .map(f -> f.get("noLongerMatchingChangeId").asLong()))
                .containsOnly(changeId);
        assertThat(processes("/api/v1/findings?matching=true"))
                .containsExactlyInAnyOrder(
                        "wdmsvc.exe", "rundll32.exe", "svchost32.exe", "SystemSync.exe", "syncsvc.exe");

        put("/api/v1/settings/thresholds", thresholdsAsSeeded());
        DetectionRun afterRestore = detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);

        assertThat(afterRestore.findingsUpdated()).isEqualTo(4);
        assertThat(processes("/api/v1/findings?matching=false")).isEmpty();
    }

    @Test
    void rescoresFindingsWhenARiskThresholdChanges() throws IOException {
        sampleDayDetected();
        ObjectNode easierHigh = thresholds();
        ((ObjectNode) easierHigh.get("high")).put("minConnections", 6);
        put("/api/v1/settings/thresholds", easierHigh);

        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);

        assertThat(run.findingsUpdated()).isEqualTo(1);
        assertThat(risk("syncsvc.exe")).isEqualTo("High");
    }

    @Test
    void appliesANewProcessExclusionAndCountsWhatEachEntrySuppressed() throws IOException {
        sampleDayDetected();
        long id = post(
                        "/api/v1/settings/process-exclusions",
                        "{\"processName\":\"SYNCSVC.EXE\",\"reason\":\"Vendor sync client, confirmed benign\"}")
                .get("id")
                .asLong();

        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);

        assertThat(run.findingsNoLongerMatching()).isEqualTo(1);
        assertThat(processes("/api/v1/findings?matching=false")).containsExactly("syncsvc.exe");
        Map<String, Long> suppressed = suppressedByProcessName();
        assertThat(suppressed.get("SYNCSVC.EXE"))
                .isEqualTo(candidateEvents("lower(initiating_process_file_name) = 'syncsvc.exe'"));
        assertThat(suppressed.get("chrome.exe"))
                .isEqualTo(candidateEvents("lower(initiating_process_file_name) = 'chrome.exe'"));
        assertThat(suppressed.get("chrome.exe")).isPositive();
        assertThat(suppressed.get("lync.exe")).isZero();
        JsonNode entry = get("/api/v1/settings/process-exclusions/" + id);
        assertThat(entry.get("lastRunId").asLong()).isEqualTo(run.id());
    }

    @Test
    void appliesAProcessExclusionOnlyWithinItsScope() {
        ingest(fourAddresses("ws-a"));
        ingest(fourAddresses("ws-b"));
        post("/api/v1/settings/process-exclusions", """
                {"processName":"rundll32.exe","reason":"Signed plug-in host on ws-a","deviceName":"WS-A",
                 "commandLinePattern":"*wdm.dll,Start"}""");
        post("/api/v1/settings/process-exclusions", """
                {"processName":"rundll32.exe","reason":"Never matches","commandLinePattern":"*other.dll*"}""");

        detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);

        assertThat(findings()).extracting(f -> f.get("deviceName").asString()).containsExactly("ws-b");
    }

    @Test
    void stopsApplyingAnExclusionOnceItExpired() {
        ingest(fourAddresses("ws-a"));
        long id = post("/api/v1/settings/process-exclusions", "{\"processName\":\"rundll32.exe\",\"reason\":\"Trial\"}")
                .get("id")
                .asLong();
        detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);
        assertThat(findings()).isEmpty();

        jdbc.update("UPDATE process_exclusion SET expires_at = now() - interval '1 second' WHERE id = ?", id);
        detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);

        assertThat(findings()).hasSize(1);
        assertThat(get("/api/v1/settings/process-exclusions/" + id)
                        .get("suppressedEventsLastRun")
                        .asLong())
                .isZero();
    }

    @Test
    void appliesDestinationExclusionsByNetworkDomainAndPort() {
        List<DefenderEvents> events = new ArrayList<>(fourAddresses("ws-a"));
        events.add(event().device("ws-a")
                .at("2026-11-30T10:10:00Z")
                .to("93.184.216.34", 443)
                .with("RemoteUrl", "https://eu.backup.example.net/upload"));
        events.add(event().device("ws-a")
                .at("2026-11-30T10:11:00Z")
                .to("93.184.216.35", 8443)
                .with("RemoteUrl", "backup.example.net"));
        ingest(events);
        post("/api/v1/settings/destination-exclusions", "{\"cidr\":\"45.77.0.0/30\",\"reason\":\"CDN\"}");
        post(
                "/api/v1/settings/destination-exclusions",
                "{\"remoteUrl\":\"backup.example.net\",\"port\":443,\"reason\":\"Backup storage\"}");

        detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);

        // 45.77.0.1-3 and the port-443 backup connection are excluded: 45.77.0.4 and 93.184.216.35 remain.
        assertThat(findings()).isEmpty();
        List<Long> suppressed = get("/api/v1/settings/destination-exclusions")
                .valueStream()
                .map(e -> e.get("suppressedEventsLastRun").asLong())
                .toList();
        assertThat(suppressed).containsExactly(3L, 1L);
    }

    @Test
    void previewsExactlyWhatTheNextRunThenDoes() throws IOException {
        sampleDayDetected();
        Map<Long, String> before = stateById();
        ObjectNode candidate = json.createObjectNode();
        ObjectNode thresholds = thresholds();
        ((ObjectNode) thresholds.get("finding")).put("minDistinctIps", 4);
        ((ObjectNode) thresholds.get("medium")).put("minDistinctIps", 4);
        ((ObjectNode) thresholds.get("high")).put("minConnections", 6);
        candidate.set("thresholds", thresholds);
        ArrayNode processes = json.createArrayNode();
        get("/api/v1/settings/process-exclusions")
                .forEach(e -> processes.add(json.createObjectNode()
                        .put("processName", e.get("processName").asString())
                        .put("reason", e.get("reason").asString())));
        processes.add(json.createObjectNode().put("processName", "rundll32.exe").put("reason", "test"));
        candidate.set("processExclusions", processes);
        candidate.put("windowEnd", SAMPLE_DAY_END.toString());

        JsonNode preview = read(mvc.post()
                .uri("/api/v1/settings/preview")
                .contentType(MediaType.APPLICATION_JSON)
                .content(candidate.toString())
                .exchange());

        assertThat(stateById()).as("the preview saved nothing").isEqualTo(before);
        assertThat(get("/api/v1/settings/audit").get("content")).isEmpty();

        put("/api/v1/settings/thresholds", thresholds);
        post("/api/v1/settings/process-exclusions", "{\"processName\":\"rundll32.exe\",\"reason\":\"test\"}");
        detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);
        Map<Long, String> after = stateById();

        List<Long> disappeared = new ArrayList<>();
        List<String> rescored = new ArrayList<>();
        after.forEach((id, state) -> {
            if (state.startsWith("gone") && !before.get(id).startsWith("gone")) {
                disappeared.add(id);
            } else if (!state.equals(before.get(id))) {
                rescored.add(id + ":" + before.get(id) + "->" + state);
            }
        });
        assertThat(ids(preview.get("disappear"))).containsExactlyInAnyOrderElementsOf(disappeared);
        assertThat(preview.get("riskChanges")
                        .valueStream()
                        .map(c -> c.get("findingId").asLong() + ":"
                                + c.get("previousRiskScore").asString() + "->"
                                + c.get("riskScore").asString())
                        .toList())
                .containsExactlyInAnyOrderElementsOf(rescored);
        assertThat(preview.get("appear")).hasSize(after.size() - before.size());
        assertThat(disappeared).hasSize(5);
        assertThat(rescored)
                .containsExactly(before.entrySet().stream()
                        .filter(e -> e.getValue().equals("Low"))
                        .map(e -> e.getKey() + ":Low->High")
                        .findFirst()
                        .orElseThrow());
    }

    @Test
    void answersProblemDetailsForAnInvalidPreview() {
        MvcTestResult result = mvc.post()
                .uri("/api/v1/settings/preview")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"ports\":{\"ports\":[443,443]},\"processExclusions\":[{\"processName\":\"a.exe\"}]}")
                .exchange();

        assertThat(result).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(read(result)
                        .get("errors")
                        .valueStream()
                        .map(e -> e.get("field").asString()))
                .contains("processExclusions[0].reason");
    }

    private void sampleDayDetected() throws IOException {
        ingestJson(Files.readString(Path.of("samples/device-network-events.json")));
        DetectionRun baseline = detection.run(DetectionRun.Trigger.MANUAL, SAMPLE_DAY_END);
        assertThat(baseline.findingsCreated()).isEqualTo(9);
    }

    /** Each finding's state: its risk, or gone when marked no longer matching. */
    private Map<Long, String> stateById() {
        Map<Long, String> states = new TreeMap<>();
        for (JsonNode f : findings()) {
            states.put(
                    f.get("id").asLong(),
                    f.get("noLongerMatching").asBoolean()
                            ? "gone"
                            : f.get("riskScore").asString());
        }
        return states;
    }

    private static List<Long> ids(JsonNode changes) {
        return changes.valueStream().map(c -> c.get("findingId").asLong()).toList();
    }

    private static List<DefenderEvents> fourAddresses(String device) {
        List<DefenderEvents> events = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            events.add(event().device(device)
                    .at(Instant.parse("2026-11-30T10:00:00Z").plus(i, ChronoUnit.MINUTES))
                    .to("45.77.0." + i, 443));
        }
        return events;
    }

    private List<String> processes(String uri) {
        return get(uri).get("content")
                .valueStream()
                .map(f -> f.get("initiatingProcessFileName").asString())
                .toList();
    }

    private String risk(String process) {
        return findings().stream()
                .filter(f -> f.get("initiatingProcessFileName").asString().equals(process))
                .map(f -> f.get("riskScore").asString())
                .findFirst()
                .orElseThrow();
    }

    private Map<String, Long> suppressedByProcessName() {
        Map<String, Long> suppressed = new TreeMap<>();
        get("/api/v1/settings/process-exclusions")
                .forEach(e -> suppressed.put(
                        e.get("processName").asString(),
                        e.get("suppressedEventsLastRun").asLong()));
        return suppressed;
    }

    /** Events of the sample window that pass the address type and port filters, counted independently. */
    private long candidateEvents(String condition) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM network_event WHERE event_time > '2026-11-30T00:00:00Z'"
                        + " AND event_time <= '2026-12-01T00:00:00Z' AND remote_ip_type = 'Public'"
                        + " AND remote_port IN (SELECT port FROM detection_port) AND " + condition,
                Long.class);
    }

    private long latestAuditId() {
        return get("/api/v1/settings/audit").get("content").get(0).get("id").asLong();
    }

    private ObjectNode thresholds() {
        return (ObjectNode) get("/api/v1/settings/thresholds");
    }

    private ObjectNode thresholdsAsSeeded() {
        ObjectNode seeded = thresholds();
        ((ObjectNode) seeded.get("finding")).put("minDistinctIps", 3);
        ((ObjectNode) seeded.get("medium")).put("minDistinctIps", 3);
        return seeded;
    }

    private void put(String uri, JsonNode body) {
        MvcTestResult result = mvc.put()
                .uri(uri)
                .contentType(MediaType.APPLICATION_JSON)
                .content(body.toString())
                .exchange();
        assertThat(result).as(uri).hasStatusOk();
    }

    private JsonNode post(String uri, String body) {
        MvcTestResult result = mvc.post()
                .uri(uri)
                .contentType(MediaType.APPLICATION_JSON)
                .content(body)
                .exchange();
        assertThat(result).as(uri).hasStatus(201);
        assertThat(result.getResponse().getHeader(HttpHeaders.ETAG)).isNotNull();
        return read(result);
    }

    private JsonNode get(String uri) {
        MvcTestResult result = mvc.get().uri(uri).exchange();
        assertThat(result).as(uri).hasStatusOk();
        return read(result);
    }

    private JsonNode read(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }
}
