package dev.fallbackwatch.findings;

/** What changed a finding. */
public enum ChangeKind {

    /** A detection run raised it. */
    DETECTED,

    /** A detection run changed its figures, or raised it again after it had stopped matching. */
    UPDATED_BY_DETECTION,

    /** A detection run after a settings change found that it no longer crosses the thresholds. */
    NO_LONGER_MATCHING,

    /** An analyst changed its status, assignee or classification, or commented on it. */
    TRIAGED
}
