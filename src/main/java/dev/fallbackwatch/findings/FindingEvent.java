package dev.fallbackwatch.findings;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * One connection behind a finding.
 *
 * @param newAddress true for the first connection to this address within the finding's bucket
 * @param newPort true for the first connection on this port within the finding's bucket
 */
@Schema(description = "One DeviceNetworkEvents record behind a finding, in time order")
public record FindingEvent(
        Instant timestamp,
        String reportId,

        @Schema(example = "ConnectionFailed") String actionType,

        String remoteIp,
        Integer remotePort,
        String remoteUrl,
        String protocol,
        String localIp,
        Integer localPort,

        @Schema(description = "First contact with this address in the bucket: where the process fell back to")
        boolean newAddress,

        @Schema(description = "First contact on this port in the bucket")
        boolean newPort) {}
