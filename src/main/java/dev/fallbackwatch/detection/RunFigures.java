package dev.fallbackwatch.detection;

/** The counts one evaluation of the window produced. */
record RunFigures(
        long eventsScanned,
        long eventsMatched,
        int findingsCreated,
        int findingsUpdated,
        int findingsNoLongerMatching) {}
