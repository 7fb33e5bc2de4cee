package dev.fallbackwatch.incidents;

import static dev.fallbackwatch.findings.Fallbacks.fallback;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/**
 * Incidents: findings of one process instance (device, process, PID) whose buckets follow each other without a
 * gap belong to one incident; a bucket that starts where the incident's last one ended is the next one.
 */
class IncidentTests extends PostgresIntegrationTest {

    private static final Instant WINDOW_END = Instant.parse("2026-12-01T00:00:00Z");

    @Autowired
    DetectionService detection;

    @Test
    void groupsConsecutiveBucketsOfOneProcessInstanceAndStartsAnotherAfterAGap() {
        List<DefenderEvents> events = new ArrayList<>();
        events.addAll(fallback("ws-i", 100, "2026-11-30T08:00:00Z", 3));
        events.addAll(fallback("ws-i", 100, "2026-11-30T09:00:00Z", 5, 443, 8080, 8443));
        events.addAll(fallback("ws-i", 100, "2026-11-30T10:00:00Z", 4));
        events.addAll(fallback("ws-i", 200, "2026-11-30T09:10:00Z", 3));
        events.addAll(fallback("ws-i", 100, "2026-11-30T12:00:00Z", 3));
        ingest(events);

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode page = get("/api/v1/incidents");
        assertThat(page.at("/page/totalElements").asInt()).isEqualTo(3);
        List<JsonNode> incidents = page.get("content").valueStream().toList();
        assertThat(incidents)
                .extracting(i -> i.get("initiatingProcessId").asLong() + " "
                        + i.get("windowStart").asString())
                .containsExactly("100 2026-11-30T12:00:00Z", "100 2026-11-30T08:00:00Z", "200 2026-11-30T09:00:00Z");
        JsonNode chain = incidents.get(1);
        assertThat(chain.get("status").asString()).isEqualTo("OPEN");
        assertThat(chain.get("deviceName").asString()).isEqualTo("ws-i");
        assertThat(chain.get("initiatingProcessFileName").asString()).isEqualTo("rundll32.exe");
        assertThat(chain.get("windowEnd").asString()).isEqualTo("2026-11-30T11:00:00Z");
        assertThat(chain.get("firstSeen").asString()).isEqualTo("2026-11-30T08:00:00Z");
        assertThat(chain.get("lastSeen").asString()).isEqualTo("2026-11-30T10:03:00Z");
        assertThat(chain.get("highestRisk").asString()).isEqualTo("Critical");
        assertThat(chain.get("findingCount").asInt()).isEqualTo(3);
        assertThat(chain.get("version").asLong()).isEqualTo(1);
        assertThat(chain.has("findings")).isFalse();

        MvcTestResult detail =
                mvc.get().uri("/api/v1/incidents/" + chain.get("id").asLong()).exchange();
        assertThat(detail).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"1\"");
        JsonNode findings = body(detail).get("findings");
        assertThat(findings.valueStream().map(f -> f.get("windowStart").asString()))
                .containsExactly("2026-11-30T08:00:00Z", "2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z");
        assertThat(findings.valueStream().map(f -> f.get("riskScore").asString()))
                .containsExactly("Medium", "Critical", "High");
        assertThat(findings.valueStream().map(f -> f.get("incidentId").asLong()))
                .containsOnly(chain.get("id").asLong());
    }

    @Test
    void aLaterRunsNextBucketJoinsTheIncidentAndTheHighestRiskNeverGoesDown() {
        ingest(fallback("ws-i", 100, "2026-11-30T08:00:00Z", 5, 443, 8080, 8443));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        long id = single().get("id").asLong();

        ingest(fallback("ws-i", 100, "2026-11-30T09:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode incident = single();
        assertThat(incident.get("id").asLong()).isEqualTo(id);
        assertThat(incident.get("findingCount").asInt()).isEqualTo(2);
        assertThat(incident.get("highestRisk").asString()).isEqualTo("Critical");
        assertThat(incident.get("lastSeen").asString()).isEqualTo("2026-11-30T09:02:00Z");
        assertThat(incident.get("windowEnd").asString()).isEqualTo("2026-11-30T10:00:00Z");
        assertThat(incident.get("version").asLong()).isEqualTo(2);
    }

    @Test
    void aResolvedIncidentReopensWhenItsProcessKeepsMisbehavingInTheNextBucket() {
        ingest(fallback("ws-i", 100, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        JsonNode opened = single();
        long findingId = get("/api/v1/findings").at("/content/0/id").asLong();
        patchStatus(findingId, "RESOLVED");
        JsonNode resolved = single();
        assertThat(resolved.get("status").asString()).isEqualTo("RESOLVED");
        assertThat(resolved.get("resolvedAt").isNull()).isFalse();
        assertThat(resolved.get("version").asLong()).isEqualTo(2);

        ingest(fallback("ws-i", 100, "2026-11-30T09:00:00Z", 4));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode reopened = single();
        assertThat(reopened.get("id").asLong()).isEqualTo(opened.get("id").asLong());
        assertThat(reopened.get("status").asString()).isEqualTo("OPEN");
        assertThat(reopened.get("reopenCount").asInt()).isEqualTo(1);
        assertThat(reopened.get("resolvedAt").isNull()).isTrue();
        assertThat(reopened.get("findingCount").asInt()).isEqualTo(2);
        assertThat(reopened.get("highestRisk").asString()).isEqualTo("High");
        assertThat(reopened.get("version").asLong()).isEqualTo(3);
    }

    @Test
    void aResolvedIncidentStaysResolvedWhenTheProcessReturnsAfterAGap() {
        ingest(fallback("ws-i", 100, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        patchStatus(get("/api/v1/findings").at("/content/0/id").asLong(), "FALSE_POSITIVE");

        ingest(fallback("ws-i", 100, "2026-11-30T10:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(get("/api/v1/incidents?sort=id,asc")
                        .get("content")
                        .valueStream()
                        .map(i -> i.get("windowStart").asString() + " "
                                + i.get("status").asString()))
                .containsExactly("2026-11-30T08:00:00Z RESOLVED", "2026-11-30T10:00:00Z OPEN");
    }

    @Test
    void aBucketThatFillsTheGapBetweenTwoIncidentsJoinsTheOlderOneWithoutMergingThem() {
        ingest(fallback("ws-i", 100, "2026-11-30T08:00:00Z", 3));
        ingest(fallback("ws-i", 100, "2026-11-30T10:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        ingest(fallback("ws-i", 100, "2026-11-30T09:00:00Z", 4));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(get("/api/v1/incidents?sort=id,asc")
                        .get("content")
                        .valueStream()
                        .map(i -> i.get("windowStart").asString() + " "
                                + i.get("windowEnd").asString() + " "
                                + i.get("findingCount").asInt() + " "
                                + i.get("highestRisk").asString()))
                .containsExactly(
                        "2026-11-30T08:00:00Z 2026-11-30T10:00:00Z 2 High",
                        "2026-11-30T10:00:00Z 2026-11-30T11:00:00Z 1 Medium");
    }

    @Test
    void filtersByStatusRiskAndDeviceAndAnswersProblemDetails() {
        List<DefenderEvents> events = new ArrayList<>();
        events.addAll(fallback("ws-x", 1, "2026-11-30T08:00:00Z", 4));
        events.addAll(fallback("ws-y", 2, "2026-11-30T08:00:00Z", 3));
        ingest(events);
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        patchStatus(get("/api/v1/findings?deviceName=ws-y").at("/content/0/id").asLong(), "RESOLVED");

        assertThat(devices("/api/v1/incidents?status=open")).containsExactly("ws-x");
        assertThat(devices("/api/v1/incidents?status=RESOLVED")).containsExactly("ws-y");
        assertThat(devices("/api/v1/incidents?risk=high")).containsExactly("ws-x");
        assertThat(devices("/api/v1/incidents?deviceName=WS-Y")).containsExactly("ws-y");
        assertThat(devices("/api/v1/incidents?sort=highestRisk,asc")).containsExactly("ws-y", "ws-x");
        assertProblem("/api/v1/incidents?status=closed", 400, "invalid-status");
        assertProblem("/api/v1/incidents?risk=severe", 400, "invalid-risk");
        assertProblem("/api/v1/incidents?sort=deviceName", 400, "invalid-sort");
        assertProblem("/api/v1/incidents/999999", 404, "not-found");
    }

    private void patchStatus(long findingId, String status) {
        assertThat(mvc.patch()
                        .uri("/api/v1/findings/" + findingId)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"status\": \"" + status + "\"}")
                        .exchange())
                .hasStatusOk();
    }

    private JsonNode single() {
        JsonNode page = get("/api/v1/incidents");
        assertThat(page.get("content")).hasSize(1);
        return page.get("content").get(0);
    }

    private List<String> devices(String uri) {
        return get(uri).get("content")
                .valueStream()
                .map(i -> i.get("deviceName").asString())
                .toList();
    }

    private void assertProblem(String uri, int status, String slug) {
        MvcTestResult result = mvc.get().uri(uri).exchange();
        assertThat(result).as(uri).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(body(result).get("type").asString()).as(uri).isEqualTo("urn:fallback-watch:problem:" + slug);
    }

    private JsonNode get(String uri) {
        MvcTestResult result = mvc.get().uri(uri).exchange();
        assertThat(result).as(uri).hasStatusOk();
        return body(result);
    }

    private JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }
}
