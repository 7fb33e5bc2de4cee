package dev.fallbackwatch.findings;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Why a finding fired, in the terms of the threshold settings.
 *
 * @param summary one or two sentences for a ticket
 * @param thresholdsCrossed the settings it reached, named as in {@code GET /api/v1/settings/thresholds}
 */
@Schema(description = "Why the finding fired: the thresholds it crossed, computed when a run raised or changed it")
public record Explanation(
        @Schema(
                example = "5 distinct public destination IPs (threshold 3) in one 60-minute bucket. Critical: at"
                        + " least 5 IPs and 3 ports.")
        String summary,

        @Schema(example = "[\"finding.minDistinctIps\", \"critical.minDistinctIps\", \"critical.minDistinctPorts\"]")
        List<String> thresholdsCrossed) {}
