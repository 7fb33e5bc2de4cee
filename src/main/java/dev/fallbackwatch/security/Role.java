package dev.fallbackwatch.security;

/** What a caller may do. ADMIN implies ANALYST and INGEST. */
public enum Role {

    /** Send events. */
    INGEST,

    /** Read findings, incidents and evidence; triage. */
    ANALYST,

    /** Change settings, webhooks and API keys; start detection runs. */
    ADMIN
}
