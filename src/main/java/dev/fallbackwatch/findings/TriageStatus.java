package dev.fallbackwatch.findings;

/** Where the triage of a finding stands. */
public enum TriageStatus {
    NEW,
    ACKNOWLEDGED,
    IN_PROGRESS,
    RESOLVED,
    FALSE_POSITIVE;

    /** True while someone still has to act on the finding. */
    public boolean open() {
        return this == NEW || this == ACKNOWLEDGED || this == IN_PROGRESS;
    }
}
