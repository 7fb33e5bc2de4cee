package dev.fallbackwatch.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long events are kept and how the daily partitions that hold them are maintained.
 *
 * @param events how long an event is kept after its Timestamp; a day's partition goes once its last instant is
 *     older than this. The detection lookback can never be longer.
 * @param partitionsAhead how far past now partitions exist, so that ingest never waits for one
 * @param interval time between two maintenance passes
 * @param scheduleEnabled {@code false} leaves only the pass at start
 * @param lateArrivalGrace how long an event already older than the retention when it arrives is kept after its
 *     arrival, so that imported history, such as the bundled sample day, can be back-tested
 */
@ConfigurationProperties("fallbackwatch.retention")
public record RetentionProperties(
        @DefaultValue("P7D") Duration events,
        @DefaultValue("P2D") Duration partitionsAhead,
        @DefaultValue("PT1H") Duration interval,
        @DefaultValue("true") boolean scheduleEnabled,
        @DefaultValue("P1D") Duration lateArrivalGrace) {

    public RetentionProperties {
        if (events.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("fallbackwatch.retention.events must be at least P1D, got " + events);
        }
        if (partitionsAhead.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException(
                    "fallbackwatch.retention.partitions-ahead must be at least P1D, got " + partitionsAhead);
        }
        if (lateArrivalGrace.isNegative()) {
            throw new IllegalArgumentException(
                    "fallbackwatch.retention.late-arrival-grace must not be negative, got " + lateArrivalGrace);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("fallbackwatch.retention.interval must be positive, got " + interval);
        }
    }

    /** The longest lookback the retention allows, in whole hours. */
    public long maxLookbackHours() {
        return events.toHours();
    }
}
