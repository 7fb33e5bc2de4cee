package dev.fallbackwatch.settings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** A destination exclusion as an admin writes it: exactly one of {@code cidr} and {@code remoteUrl}. */
@Schema(description = "A destination exclusion to create or replace: give cidr or remoteUrl, not both")
public record DestinationExclusionRequest(
        @Schema(example = "13.107.64.0/18") @Size(max = 64) String cidr,

        @Schema(description = "Domain; matches itself and its subdomains", example = "backblazeb2.com") @Size(max = 253)
        String remoteUrl,

        @Min(1) @Max(65535) Integer port,

        @Schema(example = "Backup storage endpoints", requiredMode = Schema.RequiredMode.REQUIRED)
        @NotBlank
        @Size(max = 1000)
        String reason,

        @Size(max = 255) String deviceName,
        @Size(max = 255) String accountName,
        @Size(max = 260) String processName,

        @Schema(description = "When the entry stops applying; must be in the future")
        Instant expiresAt) {

    DestinationExclusionRequest normalized() {
        return new DestinationExclusionRequest(
                Blank.toNull(cidr),
                Blank.toNull(remoteUrl),
                port,
                reason.trim(),
                Blank.toNull(deviceName),
                Blank.toNull(accountName),
                Blank.toNull(processName),
                expiresAt);
    }
}
