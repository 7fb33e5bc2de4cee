package dev.fallbackwatch.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Ingest figures for Prometheus: {@code fallbackwatch_ingest_records_total{outcome}} and the latency of
 * requests, {@code fallbackwatch_ingest_requests_seconds{outcome}}.
 */
@Component
class IngestMetrics {

    private final Counter accepted;

    private final Counter duplicates;

    private final Counter rejected;

    private final Counter skipped;

    private final MeterRegistry registry;

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = records(registry, "accepted");
        this.duplicates = records(registry, "duplicate");
        this.rejected = records(registry, "rejected");
        this.skipped = records(registry, "skipped");
    }

    void recorded(IngestResult result, Duration took) {
        accepted.increment(result.accepted());
        duplicates.increment(result.duplicates());
        rejected.increment(result.rejected());
        skipped.increment(result.skipped());
        request("stored").record(took);
    }

    void refused(Duration took) {
        request("refused").record(took);
    }

    private Timer request(String outcome) {
        return Timer.builder("fallbackwatch.ingest.requests")
                .description("Ingest requests, stored or refused whole")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }

    private static Counter records(MeterRegistry registry, String outcome) {
        return Counter.builder("fallbackwatch.ingest.records")
                .description("Records received, by what became of them")
                .tag("outcome", outcome)
                .register(registry);
    }
}
