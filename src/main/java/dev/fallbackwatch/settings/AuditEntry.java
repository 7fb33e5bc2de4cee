package dev.fallbackwatch.settings;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One change to a setting.
 *
 * @param resource {@code thresholds}, {@code ports}, {@code process-exclusions} or {@code destination-exclusions}
 * @param resourceId the exclusion entry changed, null for the thresholds and the port list
 * @param before the resource before the change, null when it was created
 * @param after the resource after the change, null when it was deleted
 */
@Schema(description = "One change to a setting: who, when, what, before and after")
public record AuditEntry(
        long id,
        Instant changedAt,
        String changedBy,
        String resource,
        Long resourceId,

        @Schema(allowableValues = {"CREATE", "UPDATE", "DELETE"})
        String action,

        @Schema(type = "object") JsonNode before,
        @Schema(type = "object") JsonNode after) {}
