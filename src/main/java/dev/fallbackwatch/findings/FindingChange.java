package dev.fallbackwatch.findings;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One change of a finding, as the change feed and a finding's history show it.
 *
 * @param position where the change sits in the feed; a later change has a higher position
 * @param changes every field the change altered, as {@code {"field": {"from": …, "to": …}}}
 * @param finding the finding as it was right after the change; in the change feed only
 */
@Schema(description = "One change of a finding: by whom, when, what changed, and the finding after it")
public record FindingChange(
        @Schema(description = "Position in the change feed; use the last one received as the next 'after'")
        long position,

        long findingId,

        @Schema(description = "The finding's version after the change")
        long version,

        ChangeKind kind,
        Instant changedAt,

        @Schema(description = "The analyst, or 'detection' for a detection run")
        String changedBy,

        @Schema(description = "The detection run that made the change, for changes by detection")
        Long runId,

        @Schema(type = "object", example = "{\"status\": {\"from\": \"NEW\", \"to\": \"ACKNOWLEDGED\"}}")
        JsonNode changes,

        @Schema(description = "The comment added with the change, if any")
        String comment,

        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(implementation = Finding.class, description = "The finding right after the change")
        JsonNode finding) {}
