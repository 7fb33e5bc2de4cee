package dev.fallbackwatch.settings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.List;

/**
 * Candidate settings to try: any subset. A list given replaces the stored list whole; what is left out stays
 * as stored.
 *
 * @param windowEnd end of the window to evaluate; omitted means now
 */
@Schema(description = "Candidate settings, any subset; a list given replaces the stored list whole")
public record SettingsPreviewRequest(
        @Valid ThresholdSettings thresholds,
        @Valid PortList ports,
        List<@Valid ProcessExclusionRequest> processExclusions,
        List<@Valid DestinationExclusionRequest> destinationExclusions,
        @Schema(example = "2026-12-01T00:00:00Z") Instant windowEnd) {}
