package dev.fallbackwatch.findings;

import java.time.Instant;
import java.util.Set;

/**
 * Narrows the list of findings; every criterion is optional and they all apply together.
 *
 * @param risks risk levels to keep, empty for all
 * @param matching true for findings that still cross the thresholds, false for those marked no longer matching,
 *     null for both
 * @param deviceName device name, case-insensitive exact match
 * @param accountName account name, case-insensitive exact match
 * @param processFileName initiating process file name, case-insensitive exact match
 * @param from keep findings with activity at or after this instant (lastSeen &gt;= from)
 * @param to keep findings with activity before this instant (firstSeen &lt; to)
 * @param statuses triage states to keep, empty for all
 * @param assignee assignee, case-insensitive exact match
 */
record FindingFilter(
        Set<RiskScore> risks,
        Boolean matching,
        String deviceName,
        String accountName,
        String processFileName,
        Instant from,
        Instant to,
        Set<TriageStatus> statuses,
        String assignee) {}
