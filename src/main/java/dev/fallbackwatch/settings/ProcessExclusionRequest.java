package dev.fallbackwatch.settings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** A process exclusion as an admin writes it; blank scope fields mean no narrowing. */
@Schema(description = "A process exclusion to create or replace")
public record ProcessExclusionRequest(
        @Schema(example = "veeamagent.exe", requiredMode = Schema.RequiredMode.REQUIRED)
        @NotBlank
        @Size(max = 260)
        @Pattern(regexp = "[^\\\\/]*", message = "must be a file name, without a directory")
        String processName,

        @Schema(
                example = "Backup agent contacting several storage endpoints",
                requiredMode = Schema.RequiredMode.REQUIRED)
        @NotBlank
        @Size(max = 1000)
        String reason,

        @Size(max = 255) String deviceName,
        @Size(max = 255) String accountName,
        @Size(max = 260) String parentProcessName,

        @Schema(example = "*\\\\Veeam\\\\*") @Size(max = 2000)
        String commandLinePattern,

        @Schema(description = "When the entry stops applying; must be in the future")
        Instant expiresAt) {

    /** The same request with blank optional fields as absent and names trimmed. */
    ProcessExclusionRequest normalized() {
        return new ProcessExclusionRequest(
                processName.trim(),
                reason.trim(),
                Blank.toNull(deviceName),
                Blank.toNull(accountName),
                Blank.toNull(parentProcessName),
                commandLinePattern == null || commandLinePattern.isEmpty() ? null : commandLinePattern,
                expiresAt);
    }
}
