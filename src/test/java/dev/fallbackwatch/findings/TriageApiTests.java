package dev.fallbackwatch.findings;

import static dev.fallbackwatch.findings.Fallbacks.TEST_ACTOR;
import static dev.fallbackwatch.findings.Fallbacks.fallback;
import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** PATCH /api/v1/findings/{id}: lifecycle, merge-patch rules, ETags, history, comments, and what findings carry. */
class TriageApiTests extends PostgresIntegrationTest {

    private static final Instant WINDOW_END = Instant.parse("2026-12-01T00:00:00Z");

    private static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");

    @Autowired
    DetectionService detection;

    private long critical;

    private long medium;

    /** Critical on ws-a (5 IPs on 3 ports, 5 connections) at 08:00, Medium on ws-b (3 IPs) at 10:00. */
    @BeforeEach
    void twoFindings() {
        List<DefenderEvents> events = new ArrayList<>();
        events.addAll(fallback("ws-a", 4242, "2026-11-30T08:00:00Z", 5, 443, 8080, 8443));
        events.addAll(fallback("ws-b", 4242, "2026-11-30T10:00:00Z", 3));
        ingest(events);
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        critical = idOf("ws-a");
        medium = idOf("ws-b");
    }

    @Test
    void aNewFindingCarriesItsAttackMappingWhyItFiredAndTriageDefaults() {
        MvcTestResult result = mvc.get().uri("/api/v1/findings/" + critical).exchange();

        assertThat(result).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"1\"");
        JsonNode finding = body(result);
        assertThat(finding.get("status").asString()).isEqualTo("NEW");
        assertThat(finding.get("assignee").isNull()).isTrue();
        assertThat(finding.get("classification").isNull()).isTrue();
        assertThat(finding.get("version").asLong()).isEqualTo(1);
        assertThat(finding.get("incidentId").isNumber()).isTrue();
        JsonNode attack = finding.get("attack");
        assertThat(attack.get("techniqueId").asString()).isEqualTo("T1008");
        assertThat(attack.get("techniqueName").asString()).isEqualTo("Fallback Channels");
        assertThat(attack.get("tacticId").asString()).isEqualTo("TA0011");
        assertThat(attack.get("tacticName").asString()).isEqualTo("Command and Control");
        assertThat(finding.at("/explanation/summary").asString())
                .isEqualTo("5 distinct public destination IPs (threshold 3) and 3 distinct destination ports over 5"
                        + " connections (thresholds 3 ports, 5 connections) in one 60-minute bucket. Critical: at"
                        + " least 5 IPs and 3 ports.");
        assertThat(texts(finding.at("/explanation/thresholdsCrossed")))
                .containsExactly(
                        "finding.minDistinctIps",
                        "finding.minDistinctPorts",
                        "finding.minConnections",
                        "critical.minDistinctIps",
                        "critical.minDistinctPorts");
        JsonNode other = body(mvc.get().uri("/api/v1/findings/" + medium).exchange());
        assertThat(other.at("/explanation/summary").asString())
                .isEqualTo("3 distinct public destination IPs (threshold 3) in one 60-minute bucket. Medium: at least"
                        + " 3 IPs.");
        assertThat(texts(other.at("/explanation/thresholdsCrossed")))
                .containsExactly("finding.minDistinctIps", "medium.minDistinctIps");
    }

    @Test
    void changesStatusAssigneeAndCommentAsOneRecordedChange() {
        MvcTestResult result = patch(critical, "\"1\"", """
                {"status": "in_progress", "assignee": "alice@contoso.com", "comment": "Isolating the host"}""");

        assertThat(result).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"2\"");
        JsonNode finding = body(result);
        assertThat(finding.get("status").asString()).isEqualTo("IN_PROGRESS");
        assertThat(finding.get("assignee").asString()).isEqualTo("alice@contoso.com");
        assertThat(finding.get("version").asLong()).isEqualTo(2);

        JsonNode comments =
                body(mvc.get().uri("/api/v1/findings/" + critical + "/comments").exchange());
        assertThat(comments).hasSize(1);
        assertThat(comments.get(0).get("author").asString()).isEqualTo(TEST_ACTOR);
        assertThat(comments.get(0).get("text").asString()).isEqualTo("Isolating the host");

        List<JsonNode> history = history(critical);
        assertThat(history).extracting(h -> h.get("kind").asString()).containsExactly("DETECTED", "TRIAGED");
        assertThat(history.get(0).get("changedBy").asString()).isEqualTo("detection");
        assertThat(history.get(0).get("runId").asLong()).isEqualTo(1);
        JsonNode triaged = history.get(1);
        assertThat(triaged.get("version").asLong()).isEqualTo(2);
        assertThat(triaged.get("changedBy").asString()).isEqualTo(TEST_ACTOR);
        assertThat(triaged.get("comment").asString()).isEqualTo("Isolating the host");
        assertThat(triaged.get("changes").propertyNames()).containsExactlyInAnyOrder("status", "assignee");
        assertThat(triaged.at("/changes/status/from").asString()).isEqualTo("NEW");
        assertThat(triaged.at("/changes/status/to").asString()).isEqualTo("IN_PROGRESS");
        assertThat(triaged.at("/changes/assignee/from").isNull()).isTrue();
        assertThat(triaged.at("/changes/assignee/to").asString()).isEqualTo("alice@contoso.com");
        assertThat(triaged.has("finding")).isFalse();
    }

    @Test
    void nullClearsAFieldAndALeftOutFieldStays() {
        patch(critical, null, """
                {"assignee": "alice", "classification": "TRUE_POSITIVE"}""");

        JsonNode finding = body(patch(critical, null, """
                {"assignee": null}"""));

        assertThat(finding.get("assignee").isNull()).isTrue();
        assertThat(finding.get("classification").asString()).isEqualTo("TRUE_POSITIVE");
        assertThat(finding.get("status").asString()).isEqualTo("NEW");
        assertThat(finding.get("version").asLong()).isEqualTo(3);
    }

    @Test
    void aPatchThatChangesNothingWritesNothing() {
        MvcTestResult result = patch(critical, "\"1\"", """
                {"status": "NEW", "assignee": null}""");

        assertThat(result).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"1\"");
        assertThat(history(critical)).hasSize(1);
    }

    @Test
    void refusesAStaleIfMatchWith412AndWritesNothing() {
        MvcTestResult result = patch(critical, "\"7\"", """
                {"status": "ACKNOWLEDGED", "comment": "mine"}""");

        assertProblem(result, 412, "precondition-failed");
        JsonNode finding = body(mvc.get().uri("/api/v1/findings/" + critical).exchange());
        assertThat(finding.get("status").asString()).isEqualTo("NEW");
        assertThat(finding.get("version").asLong()).isEqualTo(1);
        assertThat(history(critical)).hasSize(1);
        assertThat(body(mvc.get()
                        .uri("/api/v1/findings/" + critical + "/comments")
                        .exchange()))
                .isEmpty();
    }

    @Test
    void aDetectionRunThatChangesTheFindingRaisesItsVersionSoAnOlderETagGets412() {
        patch(critical, "\"1\"", """
                {"status": "ACKNOWLEDGED"}""");
        ingest(List.of(
                event().device("ws-a").pid(4242).at("2026-11-30T08:30:00Z").to("45.77.242.99", 443)));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode finding = body(mvc.get().uri("/api/v1/findings/" + critical).exchange());
        assertThat(finding.get("version").asLong()).isEqualTo(3);
        assertThat(finding.get("uniqueDestIps").asInt()).isEqualTo(6);
        assertThat(finding.get("status").asString()).isEqualTo("ACKNOWLEDGED");
        JsonNode update = history(critical).get(2);
        assertThat(update.get("kind").asString()).isEqualTo("UPDATED_BY_DETECTION");
        assertThat(update.at("/changes/uniqueDestIps/from").asInt()).isEqualTo(5);
        assertThat(update.at("/changes/uniqueDestIps/to").asInt()).isEqualTo(6);
        assertThat(update.at("/changes/totalConnections/to").asInt()).isEqualTo(6);
        assertProblem(patch(critical, "\"2\"", """
                        {"status": "RESOLVED"}"""), 412, "precondition-failed");
    }

    @Test
    void refusesInvalidPatchesNamingEachField() {
        MvcTestResult result = patch(critical, null, """
                {"status": null, "assignee": "  ", "classification": "maybe", "comment": "", "severity": "low"}""");

        assertProblem(result, 400, "validation-failed");
        assertThat(body(result)
                        .get("errors")
                        .valueStream()
                        .map(e -> e.get("field").asString()))
                .containsExactlyInAnyOrder("status", "assignee", "classification", "comment", "severity");
        assertProblem(patch(critical, null, "[]"), 400, "malformed-body");
        assertProblem(patch(critical, null, "{\"status\": "), 400, "malformed-body");
        assertProblem(patch(999_999, null, "{\"status\": \"RESOLVED\"}"), 404, "not-found");
        assertThat(history(critical)).hasSize(1);
    }

    @Test
    void acceptsPlainJsonAsWellAsMergePatchJson() {
        MvcTestResult result = mvc.patch()
                .uri("/api/v1/findings/" + critical)
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"classification\": \"informational_expected_activity\"}")
                .exchange();

        assertThat(result).hasStatusOk();
        assertThat(body(result).get("classification").asString()).isEqualTo("INFORMATIONAL_EXPECTED_ACTIVITY");
    }

    @Test
    void filtersFindingsByStatusAndAssignee() {
        patch(critical, null, """
                {"status": "IN_PROGRESS", "assignee": "Alice"}""");

        assertThat(devices("/api/v1/findings?status=in_progress")).containsExactly("ws-a");
        assertThat(devices("/api/v1/findings?status=NEW&status=RESOLVED")).containsExactly("ws-b");
        assertThat(devices("/api/v1/findings?assignee=ALICE")).containsExactly("ws-a");
        assertProblem(mvc.get().uri("/api/v1/findings?status=done").exchange(), 400, "invalid-status");
    }

    private MvcTestResult patch(long id, String ifMatch, String body) {
        var request = mvc.patch()
                .uri("/api/v1/findings/" + id)
                .contentType(MERGE_PATCH)
                .content(body);
        if (ifMatch != null) {
            request = request.header(HttpHeaders.IF_MATCH, ifMatch);
        }
        return request.exchange();
    }

    private List<JsonNode> history(long id) {
        MvcTestResult result =
                mvc.get().uri("/api/v1/findings/" + id + "/history").exchange();
        assertThat(result).hasStatusOk();
        return body(result).get("content").valueStream().toList();
    }

    private long idOf(String device) {
        return findings().stream()
                .filter(f -> f.get("deviceName").asString().equals(device))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asLong();
    }

    private List<String> devices(String uri) {
        return body(mvc.get().uri(uri).exchange())
                .get("content")
                .valueStream()
                .map(f -> f.get("deviceName").asString())
                .toList();
    }

    private JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    private static List<String> texts(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    private void assertProblem(MvcTestResult result, int status, String slug) {
        assertThat(result).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(body(result).get("type").asString()).isEqualTo("urn:fallback-watch:problem:" + slug);
    }
}
