package dev.fallbackwatch.operations;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;

/** The Prometheus endpoint exposes the ingest and detection figures, and only to a credential with a role. */
class MetricsTests extends PostgresIntegrationTest {

    @Autowired
    DetectionService detection;

    @Test
    void exposesIngestAndDetectionFigures() throws Exception {
        ingest(List.of(
                event().at("2026-11-30T10:00:00Z").to("45.77.40.1", 443),
                event().at("2026-11-30T10:01:00Z").to("45.77.40.2", 443),
                event().at("2026-11-30T10:02:00Z").to("45.77.40.3", 443).with("RemotePort", 99999)));
        detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T00:00:00Z"));

        String scrape =
                mvc.get().uri("/actuator/prometheus").exchange().getResponse().getContentAsString();

        assertThat(scrape)
                .contains("fallbackwatch_ingest_records_total{outcome=\"accepted\"}")
                .contains("fallbackwatch_ingest_records_total{outcome=\"rejected\"}")
                .contains("fallbackwatch_ingest_requests_seconds_count{outcome=\"stored\"}")
                .contains("fallbackwatch_detection_runs_seconds_count{status=\"succeeded\"}")
                .contains("fallbackwatch_detection_events_scanned_total")
                .contains("fallbackwatch_detection_lag_seconds")
                .contains("fallbackwatch_webhook_backlog");
    }

    @Test
    void detectionLagRunsFromTheNewestEvaluatedEvent() throws Exception {
        Instant newest = Instant.now().minusSeconds(90).truncatedTo(ChronoUnit.SECONDS);
        ingest(List.of(event().at(newest.minusSeconds(30)), event().at(newest)));

        detection.run(DetectionRun.Trigger.MANUAL, null);

        String scrape =
                mvc.get().uri("/actuator/prometheus").exchange().getResponse().getContentAsString();
        double sinceNewest = Duration.between(newest, Instant.now()).toMillis() / 1000.0;
        assertThat(gauge(scrape, "fallbackwatch_detection_lag_seconds")).isBetween(90.0, sinceNewest);
    }

    private static double gauge(String scrape, String name) {
        return scrape.lines()
                .filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void keepsMetricsFromCallersWithoutACredential() {
        assertThat(mvc.get()
                        .uri("/actuator/prometheus")
                        .header(HttpHeaders.AUTHORIZATION, "")
                        .exchange())
                .hasStatus(401);
    }
}
