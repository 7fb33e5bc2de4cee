package dev.fallbackwatch.ingest;

import java.time.Instant;

/** A validated DeviceNetworkEvents record, ready to store. Absent texts are empty strings, as in Kusto. */
record NetworkEvent(
        String deviceName,
        String reportId,
        Instant timestamp,
        String deviceId,
        String actionType,
        String remoteIp,
        Integer remotePort,
        String remoteIpType,
        boolean remoteIpTypeDerived,
        String remoteUrl,
        String localIp,
        Integer localPort,
        String protocol,
        String accountName,
        String initiatingProcessAccountName,
        String initiatingProcessAccountDomain,
        String initiatingProcessFileName,
        String initiatingProcessCommandLine,
        Long initiatingProcessId,
        String initiatingProcessParentFileName) {}
