package dev.fallbackwatch.testing;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds DeviceNetworkEvents records for tests, with sensible defaults so a test states only what matters to it.
 * Each record gets a fresh ReportId unless the test sets one.
 */
public final class DefenderEvents {

    private static final AtomicLong REPORT_IDS = new AtomicLong(1);

    private final Map<String, Object> columns = new LinkedHashMap<>();

    private DefenderEvents() {
        columns.put("Timestamp", "2026-11-30T10:00:00.0000000Z");
        columns.put("DeviceId", "0f3c9a1e5b7d2c4e6a8b0d1f3e5c7a9b1d3f5e7a");
        columns.put("DeviceName", "ws-fin-042.contoso.local");
        columns.put("ActionType", "ConnectionSuccess");
        columns.put("RemoteIP", "93.184.216.34");
        columns.put("RemotePort", 443);
        columns.put("RemoteIPType", "Public");
        columns.put("RemoteUrl", "");
        columns.put("LocalIP", "10.20.30.40");
        columns.put("LocalPort", 50123);
        columns.put("Protocol", "Tcp");
        columns.put("InitiatingProcessFileName", "rundll32.exe");
        columns.put("InitiatingProcessCommandLine", "rundll32.exe C:\\Users\\Public\\wdm.dll,Start");
        columns.put("InitiatingProcessId", 4242);
        columns.put("InitiatingProcessParentFileName", "explorer.exe");
        columns.put("InitiatingProcessAccountName", "jdoe");
        columns.put("InitiatingProcessAccountDomain", "contoso");
        columns.put("ReportId", REPORT_IDS.getAndIncrement());
    }

    /** A successful TCP connection of rundll32.exe on one workstation to a public address on 443. */
    public static DefenderEvents event() {
        return new DefenderEvents();
    }

    public DefenderEvents at(String timestamp) {
        return with("Timestamp", timestamp);
    }

    public DefenderEvents at(Instant timestamp) {
        return with("Timestamp", timestamp.toString());
    }

    public DefenderEvents device(String deviceName) {
        return with("DeviceName", deviceName);
    }

    public DefenderEvents process(String fileName) {
        return with("InitiatingProcessFileName", fileName);
    }

    public DefenderEvents pid(long processId) {
        return with("InitiatingProcessId", processId);
    }

    public DefenderEvents to(String remoteIp, int remotePort) {
        return with("RemoteIP", remoteIp).with("RemotePort", remotePort);
    }

    public DefenderEvents reportId(Object reportId) {
        return with("ReportId", reportId);
    }

    public DefenderEvents with(String column, Object value) {
        columns.put(column, value);
        return this;
    }

    public DefenderEvents without(String column) {
        columns.remove(column);
        return this;
    }

    public Map<String, Object> build() {
        return new LinkedHashMap<>(columns);
    }
}
