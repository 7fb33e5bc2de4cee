package dev.fallbackwatch.detection;

import java.time.Instant;

/**
 * The counts one evaluation of the window produced.
 *
 * @param newestEvent the newest event the run evaluated that is not stamped after its window end; null when it
 *     evaluated none
 */
record RunFigures(
        long eventsScanned,
        Instant newestEvent,
        long eventsMatched,
        int findingsCreated,
        int findingsUpdated,
        int findingsNoLongerMatching) {}
