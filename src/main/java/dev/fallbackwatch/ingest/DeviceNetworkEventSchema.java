package dev.fallbackwatch.ingest;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documents the record layout in the OpenAPI description; the service reads records as JSON trees, so this type
 * is never deserialised. Names are Defender's; any letter case is accepted.
 */
@Schema(
        name = "DeviceNetworkEvent",
        description = "One Microsoft Defender for Endpoint DeviceNetworkEvents record. Unknown columns are ignored.")
record DeviceNetworkEventSchema(
        @Schema(
                name = "Timestamp",
                requiredMode = Schema.RequiredMode.REQUIRED,
                description = "ISO 8601, up to 7 fractional digits; UTC when no offset is given",
                example = "2026-11-30T14:03:11.5126000Z")
        String timestamp,

        @Schema(name = "DeviceName", requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 255)
        String deviceName,

        @Schema(name = "ReportId", description = "With DeviceName and Timestamp, identifies the event")
        String reportId,

        @Schema(name = "DeviceId") String deviceId,

        @Schema(name = "ActionType", example = "ConnectionFailed")
        String actionType,

        @Schema(name = "RemoteIP", description = "IPv4 or IPv6 literal")
        String remoteIp,

        @Schema(name = "RemotePort", minimum = "0", maximum = "65535")
        Integer remotePort,

        @Schema(
                name = "RemoteIPType",
                description = "Public, Private, Loopback, …; derived from RemoteIP when absent or empty")
        String remoteIpType,

        @Schema(name = "RemoteUrl") String remoteUrl,
        @Schema(name = "LocalIP") String localIp,

        @Schema(name = "LocalPort", minimum = "0", maximum = "65535")
        Integer localPort,

        @Schema(name = "Protocol", example = "Tcp") String protocol,

        @Schema(name = "AccountName", description = "Grouping account; InitiatingProcessAccountName when absent")
        String accountName,

        @Schema(name = "InitiatingProcessAccountName") String initiatingProcessAccountName,
        @Schema(name = "InitiatingProcessAccountDomain") String initiatingProcessAccountDomain,

        @Schema(name = "InitiatingProcessFileName", example = "rundll32.exe")
        String initiatingProcessFileName,

        @Schema(name = "InitiatingProcessCommandLine") String initiatingProcessCommandLine,
        @Schema(name = "InitiatingProcessId", minimum = "0") Long initiatingProcessId,
        @Schema(name = "InitiatingProcessParentFileName") String initiatingProcessParentFileName) {}
