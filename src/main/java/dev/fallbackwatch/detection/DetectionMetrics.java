package dev.fallbackwatch.detection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Detection figures for Prometheus: run durations by status, events scanned, findings by risk, and the detection
 * lag — how long ago the newest event the last run evaluated happened.
 */
@Component
class DetectionMetrics {

    private final MeterRegistry registry;

    private final JdbcTemplate jdbc;

    private final Clock clock;

    private final Counter eventsScanned;

    private final MultiGauge findingsByRisk;

    private final AtomicReference<Instant> newestEvaluatedEvent = new AtomicReference<>();

    DetectionMetrics(MeterRegistry registry, JdbcTemplate jdbc, Clock clock) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.clock = clock;
        this.eventsScanned = Counter.builder("fallbackwatch.detection.events.scanned")
                .description("Events inside the lookback window of each run")
                .register(registry);
        this.findingsByRisk = MultiGauge.builder("fallbackwatch.findings")
                .description("Findings that still cross the thresholds, by risk")
                .register(registry);
        Gauge.builder("fallbackwatch.detection.lag", this, DetectionMetrics::lagSeconds)
                .description("Seconds from the newest event the last run evaluated to now")
                .baseUnit("seconds")
                .register(registry);
    }

    /**
     * Records a successful run. The detection lag runs from the newest event any run has evaluated: an incremental
     * run that found nothing new leaves it where it was, and a back-test of older history never moves it back.
     */
    void succeeded(RunFigures figures, Duration took) {
        run("succeeded").record(took);
        eventsScanned.increment(figures.eventsScanned());
        if (figures.newestEvent() != null) {
            newestEvaluatedEvent.accumulateAndGet(figures.newestEvent(), DetectionMetrics::later);
        }
        findingsByRisk.register(
                jdbc.query(
                        "SELECT risk_score, count(*) FROM finding WHERE NOT no_longer_matching GROUP BY risk_score",
                        (rs, rowNum) -> MultiGauge.Row.of(Tags.of("risk", rs.getString(1)), rs.getLong(2))),
                true);
    }

    private static Instant later(Instant current, Instant candidate) {
        return current == null || candidate.isAfter(current) ? candidate : current;
    }

    void failed(Duration took) {
        run("failed").record(took);
    }

    private Timer run(String status) {
        return Timer.builder("fallbackwatch.detection.runs")
                .description("Detection runs, by how they ended")
                .tag("status", status)
                .register(registry);
    }

    private double lagSeconds() {
        Instant newest = newestEvaluatedEvent.get();
        return newest == null
                ? Double.NaN
                : Duration.between(newest, clock.instant()).toMillis() / 1000.0;
    }
}
