package dev.fallbackwatch.settings;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * A destination whose connections detection ignores: a network or a domain and its subdomains, optionally on one
 * port, optionally only within a scope, optionally until a date.
 *
 * @param suppressedEventsLastRun events the entry kept out of the last full detection run, among those that passed
 *     the address type and port filters; 0 means it matched nothing
 */
@Schema(description = "A destination detection ignores, within its scope, until it expires")
public record DestinationExclusion(
        long id,

        @Schema(description = "Network in CIDR notation", example = "13.107.64.0/18")
        String cidr,

        @Schema(description = "Domain suffix matched against the host of RemoteUrl", example = "windowsupdate.com")
        String remoteUrl,

        @Schema(description = "Applies only on this remote port")
        Integer port,

        String reason,
        @Schema(description = "Applies only on this device") String deviceName,

        @Schema(description = "Applies only to this account")
        String accountName,

        @Schema(description = "Applies only to this initiating process file name")
        String processName,

        Instant expiresAt,
        boolean expired,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        long version,
        Long lastRunId,
        Long suppressedEventsLastRun) {}
