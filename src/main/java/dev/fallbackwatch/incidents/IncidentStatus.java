package dev.fallbackwatch.incidents;

/** Whether anyone still has to act on an incident; derived from the triage status of its findings. */
public enum IncidentStatus {

    /** At least one of its findings is NEW, ACKNOWLEDGED or IN_PROGRESS. */
    OPEN,

    /** Every one of its findings is RESOLVED or FALSE_POSITIVE. */
    RESOLVED
}
