package dev.fallbackwatch.findings;

import static dev.fallbackwatch.findings.Fallbacks.TEST_ACTOR;
import static dev.fallbackwatch.findings.Fallbacks.fallback;
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

/** POST /api/v1/findings/{id}/process-exclusion: a scoped exclusion from a false positive, in one call. */
class FalsePositiveExclusionTests extends PostgresIntegrationTest {

    private static final Instant WINDOW_END = Instant.parse("2026-12-01T00:00:00Z");

    @Autowired
    DetectionService detection;

    private long onA;

    private long onB;

    /** The same process, command line and parent falling back on two devices: one finding each. */
    @BeforeEach
    void twoFindingsOfOneProcess() {
        List<DefenderEvents> events = new ArrayList<>();
        events.addAll(fallback("ws-a", 4242, "2026-11-30T08:00:00Z", 4));
        events.addAll(fallback("ws-b", 4242, "2026-11-30T08:00:00Z", 4));
        ingest(events);
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        onA = idOf("ws-a");
        onB = idOf("ws-b");
    }

    @Test
    void refusesWhileTheFindingIsNotAFalsePositive() {
        MvcTestResult result = exclude(onA, null);

        assertThat(result).hasStatus(409).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(body(result).get("type").asString())
                .isEqualTo("urn:fallback-watch:problem:finding-not-false-positive");
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM process_exclusion WHERE lower(process_name) = 'rundll32.exe'",
                        Long.class))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM settings_audit", Long.class))
                .isZero();
    }

    @Test
    void excludesTheProcessOnlyWithinTheFindingsScopeAndAuditsIt() {
        markFalsePositive(onA);

        MvcTestResult result = exclude(onA, "{\"note\": \"Vendor inventory tool\"}");

        assertThat(result).hasStatus(201);
        JsonNode exclusion = body(result);
        long exclusionId = exclusion.get("id").asLong();
        assertThat(result).hasHeader(HttpHeaders.LOCATION, "/api/v1/settings/process-exclusions/" + exclusionId);
        assertThat(exclusion.get("processName").asString()).isEqualTo("rundll32.exe");
        assertThat(exclusion.get("deviceName").asString()).isEqualTo("ws-a");
        assertThat(exclusion.get("parentProcessName").asString()).isEqualTo("explorer.exe");
        assertThat(exclusion.get("commandLinePattern").asString())
                .isEqualTo("rundll32.exe C:\\Users\\Public\\wdm.dll,Start");
        assertThat(exclusion.get("accountName").isNull()).isTrue();
        assertThat(exclusion.get("reason").asString())
                .isEqualTo("False positive: finding " + onA + " (ws-a, rundll32.exe, bucket 2026-11-30T08:00:00Z):"
                        + " Vendor inventory tool");
        assertThat(exclusion.get("createdBy").asString()).isEqualTo(TEST_ACTOR);

        JsonNode audit = body(mvc.get()
                        .uri("/api/v1/settings/audit?resource=process-exclusions")
                        .exchange())
                .get("content")
                .get(0);
        assertThat(audit.get("action").asString()).isEqualTo("CREATE");
        assertThat(audit.get("resourceId").asLong()).isEqualTo(exclusionId);
        assertThat(audit.get("changedBy").asString()).isEqualTo(TEST_ACTOR);
        assertThat(audit.at("/after/deviceName").asString()).isEqualTo("ws-a");

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode excluded = finding(onA);
        assertThat(excluded.get("noLongerMatching").asBoolean()).isTrue();
        assertThat(excluded.get("noLongerMatchingChangeId").asLong())
                .isEqualTo(audit.get("id").asLong());
        assertThat(finding(onB).get("noLongerMatching").asBoolean()).isFalse();
    }

    @Test
    void refusesASecondExclusionOfTheSameScope() {
        markFalsePositive(onA);
        assertThat(exclude(onA, null)).hasStatus(201);

        MvcTestResult again = exclude(onA, null);

        assertThat(again).hasStatus(409);
        assertThat(body(again).get("type").asString()).isEqualTo("urn:fallback-watch:problem:duplicate-exclusion");
    }

    private void markFalsePositive(long id) {
        assertThat(mvc.patch()
                        .uri("/api/v1/findings/" + id)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"status\": \"FALSE_POSITIVE\", \"classification\": \"FALSE_POSITIVE\"}")
                        .exchange())
                .hasStatusOk();
    }

    private MvcTestResult exclude(long id, String body) {
        var request = mvc.post().uri("/api/v1/findings/" + id + "/process-exclusion");
        if (body != null) {
            request = request.contentType(MediaType.APPLICATION_JSON).content(body);
        }
        return request.exchange();
    }

    private JsonNode finding(long id) {
        return body(mvc.get().uri("/api/v1/findings/" + id).exchange());
    }

    private long idOf(String device) {
        return findings().stream()
                .filter(f -> f.get("deviceName").asString().equals(device))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asLong();
    }

    private JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }
}
