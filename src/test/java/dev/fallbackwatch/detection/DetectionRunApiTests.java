package dev.fallbackwatch.detection;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** POST and GET /api/v1/detection/runs: a run started over HTTP finishes and reports its figures. */
class DetectionRunApiTests extends PostgresIntegrationTest {

    @Test
    void startsARunThatFinishesWithItsFigures() throws InterruptedException {
        ingest(List.of(
                event().at("2026-11-30T10:00:00Z").to("45.77.20.1", 443),
                event().at("2026-11-30T10:01:00Z").to("45.77.20.2", 443),
                event().at("2026-11-30T10:02:00Z").to("45.77.20.3", 443)));

        MvcTestResult started = mvc.post()
                .uri("/api/v1/detection/runs")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"windowEnd\":\"2026-12-01T00:00:00Z\"}")
                .exchange();

        assertThat(started).hasStatus(202);
        String location = started.getResponse().getHeader(HttpHeaders.LOCATION);
        assertThat(location).matches("/api/v1/detection/runs/\\d+");
        JsonNode run = awaitFinished(location);
        assertThat(run.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("trigger").asString()).isEqualTo("MANUAL");
        assertThat(run.get("windowStart").asString()).isEqualTo("2026-11-30T00:00:00Z");
        assertThat(run.get("windowEnd").asString()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(run.get("eventsScanned").asLong()).isEqualTo(3);
        assertThat(run.get("findingsCreated").asInt()).isEqualTo(1);
        assertThat(run.get("findingsUpdated").asInt()).isZero();
        assertThat(run.get("durationMs").asLong()).isNotNegative();
        assertThat(read(mvc.get().uri("/api/v1/detection/runs").exchange())
                        .get(0)
                        .get("id")
                        .asLong())
                .isEqualTo(run.get("id").asLong());
    }

    @Test
    void startsARunOverTheLastDayWithoutABody() throws InterruptedException {
        MvcTestResult started = mvc.post().uri("/api/v1/detection/runs").exchange();

        JsonNode run = awaitFinished(started.getResponse().getHeader(HttpHeaders.LOCATION));
        Instant windowEnd = Instant.parse(run.get("windowEnd").asString());
        Instant windowStart = Instant.parse(run.get("windowStart").asString());
        assertThat(Duration.between(windowStart, windowEnd)).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void answersProblemDetailsForUnknownRunsAndBadBodies() {
        MvcTestResult missing = mvc.get().uri("/api/v1/detection/runs/424242").exchange();
        MvcTestResult badBody = mvc.post()
                .uri("/api/v1/detection/runs")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"windowEnd\":\"soon\"}")
                .exchange();
        MvcTestResult badLimit = mvc.get().uri("/api/v1/detection/runs?limit=0").exchange();

        assertThat(missing).hasStatus(404).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(badBody).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(badLimit).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private JsonNode awaitFinished(String location) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            JsonNode run = read(mvc.get().uri(location).exchange());
            if (!run.get("status").asString().equals("RUNNING")) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + location + " did not finish within 10 s");
    }

    private JsonNode read(MvcTestResult result) {
        assertThat(result).hasStatusOk();
        return json.readTree(result.getResponse().getContentAsByteArray());
    }
}
