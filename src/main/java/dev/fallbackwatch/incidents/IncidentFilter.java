package dev.fallbackwatch.incidents;

import dev.fallbackwatch.findings.RiskScore;
import java.util.Set;

/**
 * Narrows the list of incidents; every criterion is optional and they all apply together.
 *
 * @param statuses statuses to keep, empty for both
 * @param risks highest risk levels to keep, empty for all
 * @param deviceName device name, case-insensitive exact match
 */
record IncidentFilter(Set<IncidentStatus> statuses, Set<RiskScore> risks, String deviceName) {}
