package dev.fallbackwatch.settings;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * A process whose connections detection ignores, optionally only within a scope, optionally until a date.
 *
 * @param expired true once {@code expiresAt} has passed: the entry no longer applies but is kept
 * @param suppressedEventsLastRun events the entry kept out of the last full detection run, among those that passed
 *     the address type and port filters; 0 means it matched nothing
 */
@Schema(description = "A process detection ignores, within its scope, until it expires")
public record ProcessExclusion(
        long id,

        @Schema(description = "File name, matched whole and case-insensitively", example = "veeamagent.exe")
        String processName,

        String reason,
        @Schema(description = "Applies only on this device") String deviceName,

        @Schema(description = "Applies only to this account")
        String accountName,

        @Schema(description = "Applies only under this parent process file name")
        String parentProcessName,

        @Schema(description = "Applies only when the command line matches; * and ? are wildcards, case-insensitive")
        String commandLinePattern,

        Instant expiresAt,
        boolean expired,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        long version,
        Long lastRunId,
        Long suppressedEventsLastRun) {}
