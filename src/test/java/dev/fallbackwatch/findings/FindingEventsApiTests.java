package dev.fallbackwatch.findings;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** GET /api/v1/findings/{id}/events: the exact events behind a finding, in time order, page by page. */
class FindingEventsApiTests extends PostgresIntegrationTest {

    @Autowired
    DetectionService detection;

    private long findingId;

    /**
     * One finding of rundll32.exe pid 4242 on ws-e at 10:00 (3 addresses, 3 ports, 5 connections), among events
     * of the same process that detection does not count and events of other groups.
     */
    @BeforeEach
    void aFindingAmongNoise() {
        assertThat(mvc.post()
                        .uri("/api/v1/settings/destination-exclusions")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"cidr\": \"13.107.64.0/18\", \"reason\": \"Microsoft 365 front doors\"}")
                        .exchange())
                .hasStatus(201);
        ingest(List.of(
                event().device("ws-e")
                        .at("2026-11-30T10:00:00Z")
                        .to("45.77.20.1", 443)
                        .with("ActionType", "ConnectionFailed"),
                event().device("ws-e")
                        .at("2026-11-30T10:00:30Z")
                        .to("45.77.20.1", 443)
                        .with("ActionType", "ConnectionFailed"),
                event().device("ws-e")
                        .at("2026-11-30T10:01:00Z")
                        .to("45.77.20.2", 8080)
                        .with("ActionType", "ConnectionFailed"),
                event().device("ws-e").at("2026-11-30T10:02:00Z").to("45.77.20.3", 8443),
                event().device("ws-e").at("2026-11-30T10:03:00Z").to("45.77.20.3", 8443),
                // not counted by detection: private address, unwatched port, excluded destination
                event().device("ws-e")
                        .at("2026-11-30T10:01:30Z")
                        .to("10.0.0.5", 443)
                        .with("RemoteIPType", "Private"),
                event().device("ws-e").at("2026-11-30T10:02:30Z").to("45.77.20.9", 22),
                event().device("ws-e").at("2026-11-30T10:04:00Z").to("13.107.64.10", 443),
                // other groups or buckets: another process instance, another hour, another device
                event().device("ws-e").pid(99).at("2026-11-30T10:01:45Z").to("45.77.20.7", 443),
                event().device("ws-e").at("2026-11-30T11:00:00Z").to("45.77.20.8", 443),
                event().device("ws-f").at("2026-11-30T10:01:50Z").to("45.77.20.6", 443)));
        detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T00:00:00Z"));
        List<JsonNode> findings = findings();
        assertThat(findings).hasSize(1);
        findingId = findings.get(0).get("id").asLong();
        assertThat(findings.get(0).get("totalConnections").asInt()).isEqualTo(5);
    }

    @Test
    void pagesThroughTheEventsDetectionCountedInTimeOrder() {
        JsonNode first = get("/api/v1/findings/" + findingId + "/events?size=2");
        JsonNode second = get("/api/v1/findings/" + findingId + "/events?size=2&page=1");
        JsonNode third = get("/api/v1/findings/" + findingId + "/events?size=2&page=2");

        assertThat(first.at("/page/totalElements").asLong()).isEqualTo(5);
        assertThat(first.at("/page/totalPages").asInt()).isEqualTo(3);
        List<JsonNode> events = List.of(
                first.get("content").get(0),
                first.get("content").get(1),
                second.get("content").get(0),
                second.get("content").get(1),
                third.get("content").get(0));
        assertThat(third.get("content")).hasSize(1);
        assertThat(events)
                .extracting(e -> e.get("timestamp").asString())
                .containsExactly(
                        "2026-11-30T10:00:00Z",
                        "2026-11-30T10:00:30Z",
                        "2026-11-30T10:01:00Z",
                        "2026-11-30T10:02:00Z",
                        "2026-11-30T10:03:00Z");
        assertThat(events)
                .extracting(e ->
                        e.get("remoteIp").asString() + ":" + e.get("remotePort").asInt())
                .containsExactly(
                        "45.77.20.1:443", "45.77.20.1:443", "45.77.20.2:8080", "45.77.20.3:8443", "45.77.20.3:8443");
        assertThat(events)
                .extracting(e -> e.get("actionType").asString())
                .containsExactly(
                        "ConnectionFailed",
                        "ConnectionFailed",
                        "ConnectionFailed",
                        "ConnectionSuccess",
                        "ConnectionSuccess");
        assertThat(events)
                .extracting(e -> e.get("newAddress").asBoolean())
                .containsExactly(true, false, true, true, false);
        assertThat(events)
                .extracting(e -> e.get("newPort").asBoolean())
                .containsExactly(true, false, true, true, false);
    }

    @Test
    void answersProblemDetailsForAnUnknownFindingAndASort() {
        MvcTestResult unknown = mvc.get().uri("/api/v1/findings/999999/events").exchange();
        MvcTestResult sorted = mvc.get()
                .uri("/api/v1/findings/" + findingId + "/events?sort=remoteIp")
                .exchange();

        assertThat(unknown).hasStatus(404).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(sorted).hasStatus(400);
        assertThat(json.readTree(sorted.getResponse().getContentAsByteArray())
                        .get("type")
                        .asString())
                .isEqualTo("urn:fallback-watch:problem:invalid-sort");
    }

    private JsonNode get(String uri) {
        MvcTestResult result = mvc.get().uri(uri).exchange();
        assertThat(result).as(uri).hasStatusOk();
        return json.readTree(result.getResponse().getContentAsByteArray());
    }
}
