package dev.fallbackwatch.findings;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * A process instance that crossed the T1008 thresholds within one hour bucket: the seed's projected columns, its
 * ATT&CK mapping and why it fired, and where triage stands.
 */
@Schema(description = "A process instance that crossed the T1008 thresholds within one bucket")
public record Finding(
        long id,

        @Schema(description = "MITRE ATT&CK technique", example = "T1008")
        String technique,

        @Schema(description = "MITRE ATT&CK technique and tactic")
        AttackMapping attack,

        @Schema(description = "Which thresholds it crossed, and of which risk level")
        Explanation explanation,

        @Schema(description = "Start of the bucket (bin(Timestamp, 1h))")
        Instant windowStart,

        @Schema(description = "End of the bucket, exclusive")
        Instant windowEnd,

        Instant firstSeen,
        Instant lastSeen,

        @Schema(description = "Minute boundaries crossed between firstSeen and lastSeen, as KQL datetime_diff")
        long connectionSpanMinutes,

        String deviceName,
        String accountName,
        String initiatingProcessFileName,
        String initiatingProcessCommandLine,
        Long initiatingProcessId,
        String initiatingProcessParentFileName,
        int uniqueDestIps,
        int uniqueDestPorts,
        int totalConnections,

        @Schema(description = "Up to 10 distinct destination IPs, in the order first contacted")
        List<String> destinationIps,

        @Schema(description = "Up to 10 distinct destination ports, in the order first contacted")
        List<Integer> destinationPorts,

        RiskScore riskScore,

        @Schema(description = "When a detection run first raised this finding")
        Instant detectedAt,

        @Schema(description = "When a detection run last changed this finding")
        Instant updatedAt,

        @Schema(description = "True when a run after a settings change found it no longer crosses the thresholds")
        boolean noLongerMatching,

        Instant noLongerMatchingSince,

        @Schema(description = "The settings change (audit entry id) that made it stop matching")
        Long noLongerMatchingChangeId,

        @Schema(description = "Where triage stands") TriageStatus status,

        @Schema(description = "Who works on it; null when nobody does")
        String assignee,

        Classification classification,

        @Schema(description = "The incident of its process instance")
        Long incidentId,

        @Schema(
                description = "Increases with every change, by detection or by triage; the ETag of the finding,"
                        + " for If-Match on PATCH")
        long version) {}
