package dev.fallbackwatch.detection;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;

/**
 * One evaluation of the lookback window and what it found.
 *
 * @param windowStart events strictly after this instant were evaluated
 * @param windowEnd events up to and including this instant were evaluated
 * @param eventsScanned stored events inside the window
 * @param eventsMatched of those, events that passed the address type, port and exclusion filters
 * @param findingsNoLongerMatching findings in the window that stopped crossing the thresholds, after a settings
 *     change
 * @param evaluation whether the run evaluated the whole window or only the buckets with new events; empty while
 *     running
 * @param fullEvaluationReason why a full run could not build on the previous one
 */
@Schema(description = "One evaluation of the lookback window")
public record DetectionRun(
        long id,
        Trigger trigger,
        Status status,
        Instant windowStart,
        Instant windowEnd,
        Long eventsScanned,
        Long eventsMatched,
        Integer findingsCreated,
        Integer findingsUpdated,
        Integer findingsNoLongerMatching,
        Instant startedAt,
        Instant finishedAt,
        Long durationMs,
        String errorMessage,
        Evaluation evaluation,
        String fullEvaluationReason) {

    /** What started a run. */
    public enum Trigger {
        SCHEDULED,
        MANUAL
    }

    /** How much of the window a run evaluated. */
    public enum Evaluation {
        /** Every event of the lookback window. */
        FULL,
        /** Only the device buckets that received events since the previous run. */
        INCREMENTAL
    }

    /** Where a run is in its life. */
    public enum Status {
        RUNNING,
        SUCCEEDED,
        FAILED
    }

    static Long durationMs(Instant startedAt, Instant finishedAt) {
        return finishedAt == null
                ? null
                : Duration.between(startedAt, finishedAt).toMillis();
    }
}
