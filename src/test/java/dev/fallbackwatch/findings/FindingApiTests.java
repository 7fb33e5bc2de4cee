package dev.fallbackwatch.findings;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** GET /api/v1/findings: paging, the seed's order, filters, and errors as problem details. */
class FindingApiTests extends PostgresIntegrationTest {

    @Autowired
    DetectionService detection;

    /** Three findings: Critical on ws-a (5 IPs), High on ws-b (4 IPs), Medium on ws-c (3 IPs). */
    @BeforeEach
    void threeFindings() {
        List<DefenderEvents> events = new ArrayList<>();
        events.addAll(pattern("ws-a", 5, new int[] {443, 8080, 8443}, "2026-11-30T08:00:00Z"));
        events.addAll(pattern("ws-c", 3, new int[] {443}, "2026-11-30T10:00:00Z"));
        events.addAll(pattern("ws-b", 4, new int[] {443}, "2026-11-30T09:00:00Z"));
        ingest(events);
        detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void listsFindingsInTheSeedOrderWithPageMetadata() {
        JsonNode page = get("/api/v1/findings");

        assertThat(page.get("content")
                        .valueStream()
                        .map(f -> f.get("deviceName").asString()))
                .containsExactly("ws-a", "ws-b", "ws-c");
        assertThat(page.get("page").get("totalElements").asInt()).isEqualTo(3);
        assertThat(page.get("page").get("totalPages").asInt()).isEqualTo(1);
        assertThat(page.get("page").get("number").asInt()).isZero();
        assertThat(page.get("page").get("size").asInt()).isEqualTo(20);
    }

    @Test
    void pagesThroughFindings() {
        JsonNode second = get("/api/v1/findings?size=2&page=1");

        assertThat(second.get("content")).hasSize(1);
        assertThat(second.get("content").get(0).get("deviceName").asString()).isEqualTo("ws-c");
        assertThat(second.get("page").get("totalPages").asInt()).isEqualTo(2);
    }

    @Test
    void sortsByAnotherColumnWhenAsked() {
        JsonNode page = get("/api/v1/findings?sort=firstSeen,asc");

        assertThat(page.get("content")
                        .valueStream()
                        .map(f -> f.get("deviceName").asString()))
                .containsExactly("ws-a", "ws-b", "ws-c");
        JsonNode byRisk = get("/api/v1/findings?sort=riskScore,asc");
        assertThat(byRisk.get("content")
                        .valueStream()
                        .map(f -> f.get("riskScore").asString()))
                .containsExactly("Medium", "High", "Critical");
    }

    @Test
    void filtersByRiskDeviceProcessAndTime() {
        assertThat(devices("/api/v1/findings?risk=critical&risk=High")).containsExactly("ws-a", "ws-b");
        assertThat(devices("/api/v1/findings?deviceName=WS-C")).containsExactly("ws-c");
        assertThat(devices("/api/v1/findings?initiatingProcessFileName=RUNDLL32.EXE&accountName=jdoe"))
                .hasSize(3);
        assertThat(devices("/api/v1/findings?initiatingProcessFileName=other.exe"))
                .isEmpty();
        assertThat(devices("/api/v1/findings?from=2026-11-30T09:00:00Z&to=2026-11-30T10:00:00Z"))
                .containsExactly("ws-b");
    }

    @Test
    void showsOneFindingWithTheSeedColumns() {
        long id = get("/api/v1/findings?deviceName=ws-a")
                .get("content")
                .get(0)
                .get("id")
                .asLong();

        JsonNode finding = get("/api/v1/findings/" + id);

        assertThat(finding.get("riskScore").asString()).isEqualTo("Critical");
        assertThat(finding.get("technique").asString()).isEqualTo("T1008");
        for (String column : List.of(
                "firstSeen",
                "lastSeen",
                "connectionSpanMinutes",
                "deviceName",
                "accountName",
                "initiatingProcessFileName",
                "initiatingProcessCommandLine",
                "initiatingProcessId",
                "initiatingProcessParentFileName",
                "uniqueDestIps",
                "uniqueDestPorts",
                "totalConnections",
                "destinationIps",
                "destinationPorts",
                "windowStart",
                "windowEnd",
                "detectedAt",
                "updatedAt")) {
            assertThat(finding.has(column)).as(column).isTrue();
        }
    }

    @Test
    void answersProblemDetailsForBadQueries() {
        assertProblem("/api/v1/findings/999999", 404, "not-found");
        assertProblem("/api/v1/findings?sort=password,asc", 400, "invalid-sort");
        assertProblem("/api/v1/findings?risk=severe", 400, "invalid-risk");
        assertProblem("/api/v1/findings?from=yesterday", 400, "invalid-parameter");
        assertProblem("/api/v1/findings?from=2026-11-30T10:00:00Z&to=2026-11-30T09:00:00Z", 400, "invalid-time-range");
        assertProblem("/api/v1/findings/abc", 400, "invalid-parameter");
        assertProblem("/api/v1/no-such-resource", 404, "not-found");
    }

    @Test
    void answersSpringMvcsOwnRefusalsWithAStableProblemType() {
        MvcTestResult wrongMethod = mvc.delete().uri("/api/v1/findings").exchange();
        MvcTestResult csv = mvc.get().uri("/api/v1/findings").accept("text/csv").exchange();

        assertThat(wrongMethod).hasStatus(405).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(json.readTree(wrongMethod.getResponse().getContentAsByteArray())
                        .get("type")
                        .asString())
                .isEqualTo("urn:fallback-watch:problem:method-not-allowed");
        assertThat(csv).hasStatus(406);
        assertThat(json.readTree(csv.getResponse().getContentAsByteArray())
                        .get("type")
                        .asString())
                .isEqualTo("urn:fallback-watch:problem:not-acceptable");
    }

    private void assertProblem(String uri, int status, String slug) {
        MvcTestResult result = mvc.get().uri(uri).exchange();
        assertThat(result).as(uri).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        JsonNode problem = json.readTree(result.getResponse().getContentAsByteArray());
        assertThat(problem.get("type").asString()).as(uri).isEqualTo("urn:fallback-watch:problem:" + slug);
        assertThat(problem.get("detail").asString()).as(uri).isNotBlank();
    }

    private List<String> devices(String uri) {
        return get(uri).get("content")
                .valueStream()
                .map(f -> f.get("deviceName").asString())
                .toList();
    }

    private JsonNode get(String uri) {
        MvcTestResult result = mvc.get().uri(uri).exchange();
        assertThat(result).as(uri).hasStatusOk();
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    private static List<DefenderEvents> pattern(String device, int addresses, int[] ports, String start) {
        List<DefenderEvents> events = new ArrayList<>();
        for (int i = 0; i < addresses; i++) {
            events.add(event().device(device)
                    .at(Instant.parse(start).plus(i, ChronoUnit.MINUTES))
                    .to("45.77.10." + (i + 1), ports[i % ports.length]));
        }
        return events;
    }
}
