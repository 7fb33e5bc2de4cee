package dev.fallbackwatch.incidents;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.fallbackwatch.findings.Finding;
import dev.fallbackwatch.findings.RiskScore;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * One process instance misbehaving over consecutive buckets: its findings, when it was first and last seen, and
 * the highest risk any of its findings reached.
 */
@Schema(description = "The findings of one process instance (device, process, PID) in consecutive buckets")
public record Incident(
        long id,

        @Schema(description = "OPEN while any of its findings is NEW, ACKNOWLEDGED or IN_PROGRESS, else RESOLVED")
        IncidentStatus status,

        String deviceName,
        String initiatingProcessFileName,
        Long initiatingProcessId,

        @Schema(description = "Earliest firstSeen of its findings")
        Instant firstSeen,

        @Schema(description = "Latest lastSeen of its findings")
        Instant lastSeen,

        @Schema(description = "Start of its first bucket") Instant windowStart,

        @Schema(description = "End of its last bucket; a finding whose bucket starts here joins the incident")
        Instant windowEnd,

        @Schema(description = "The highest risk any of its findings has reached so far; it never goes down")
        RiskScore highestRisk,

        int findingCount,

        @Schema(description = "How often it went from RESOLVED back to OPEN")
        int reopenCount,

        Instant createdAt,
        Instant updatedAt,

        @Schema(description = "When it was last resolved; null while open")
        Instant resolvedAt,

        @Schema(description = "Increases with every change; its ETag")
        long version,

        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "Its findings in time order; in GET /api/v1/incidents/{id} only")
        List<Finding> findings) {

    Incident withFindings(List<Finding> findings) {
        return new Incident(
                id,
                status,
                deviceName,
                initiatingProcessFileName,
                initiatingProcessId,
                firstSeen,
                lastSeen,
                windowStart,
                windowEnd,
                highestRisk,
                findingCount,
                reopenCount,
                createdAt,
                updatedAt,
                resolvedAt,
                version,
                findings);
    }
}
