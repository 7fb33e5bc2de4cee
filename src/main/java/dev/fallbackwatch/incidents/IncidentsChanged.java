package dev.fallbackwatch.incidents;

import java.util.List;

/**
 * Published inside the transaction that changed incidents, for listeners that write in it (the webhook outbox).
 *
 * @param changes each changed incident as it is after the change
 */
public record IncidentsChanged(List<Change> changes) {

    /** What happened to an incident. */
    public enum Kind {
        CREATED,
        UPDATED,
        REOPENED
    }

    /** One incident after a change. */
    public record Change(Incident incident, Kind kind) {}
}
