package dev.fallbackwatch.findings;

import java.util.List;

/**
 * Published inside the transaction that changed findings, before the change feed records them. Listeners that
 * write (incident status, webhook outbox) join that transaction. They must not take row locks on findings: the
 * change feed lock comes last, after every row lock, so writers of findings never wait on each other in a cycle.
 *
 * @param origin a detection run or triage
 * @param changes each changed finding as it is after the change
 */
public record FindingsChanged(Origin origin, List<Change> changes) {

    /** Who changed the findings. */
    public enum Origin {
        DETECTION_RUN,
        TRIAGE
    }

    /** One finding after a change. */
    public record Change(Finding finding, ChangeKind kind) {}
}
