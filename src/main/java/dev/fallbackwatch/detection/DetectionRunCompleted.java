package dev.fallbackwatch.detection;

import java.time.Instant;

/**
 * Published inside a detection run's transaction, after its findings were written and before it commits.
 * Listeners that write (incidents, outbox entries) join that transaction, so they commit or roll back with the
 * findings. The findings the run created, changed or marked carry {@code last_run_id = runId}.
 */
public record DetectionRunCompleted(long runId, Instant windowStart, Instant windowEnd, RunFiguresView figures) {

    /** The run's counts, for listeners that report them. */
    public record RunFiguresView(int findingsCreated, int findingsUpdated, int findingsNoLongerMatching) {}
}
