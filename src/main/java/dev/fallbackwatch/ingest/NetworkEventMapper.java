package dev.fallbackwatch.ingest;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Turns one Defender record into a {@link NetworkEvent}, or into the list of reasons it cannot be stored.
 *
 * <p>Only what would make the stored event wrong is rejected: a missing timestamp or device, an address that
 * is not an IP literal, a port out of range, a text that PostgreSQL cannot hold. Unknown columns are ignored.
 */
final class NetworkEventMapper {

    static final int MAX_DEVICE_NAME_LENGTH = 255;

    static final int MAX_REPORT_ID_LENGTH = 128;

    private static final String TIMESTAMP_EXPECTED =
            "must be an ISO 8601 date-time such as 2026-11-30T09:14:03.1234567Z";

    private final List<RecordError> errors = new ArrayList<>();

    private final DefenderRecord record;

    private final int index;

    private final RecordRules rules;

    private NetworkEventMapper(DefenderRecord record, int index, RecordRules rules) {
        this.record = record;
        this.index = index;
        this.rules = rules;
    }

    /** The outcome of mapping one record: an event, or the errors that reject it. */
    record Mapped(NetworkEvent event, List<RecordError> errors) {

        boolean isValid() {
            return event != null;
        }
    }

    static Mapped map(DefenderRecord record, int index, RecordRules rules) {
        return new NetworkEventMapper(record, index, rules).map();
    }

    private Mapped map() {
        Instant timestamp = timestamp("Timestamp");
        String deviceName = requiredText("DeviceName", MAX_DEVICE_NAME_LENGTH);
        String reportId = text("ReportId", MAX_REPORT_ID_LENGTH);
        String deviceId = text("DeviceId");
        String actionType = text("ActionType");
        String remoteIp = ipLiteral("RemoteIP");
        Integer remotePort = port("RemotePort");
        String remoteIpType = text("RemoteIPType");
        String remoteUrl = text("RemoteUrl");
        String localIp = ipLiteral("LocalIP");
        Integer localPort = port("LocalPort");
        String protocol = text("Protocol");
        String accountName = text("AccountName");
        String processAccountName = text("InitiatingProcessAccountName");
        String processAccountDomain = text("InitiatingProcessAccountDomain");
        String processFileName = text("InitiatingProcessFileName");
        String processCommandLine = text("InitiatingProcessCommandLine");
        Long processId = processId("InitiatingProcessId");
        String parentFileName = text("InitiatingProcessParentFileName");
        if (!errors.isEmpty()) {
            return new Mapped(null, List.copyOf(errors));
        }

        // The seed groups by AccountName, which Defender's table does not have.
        String groupAccountName = accountName.isEmpty() ? processAccountName : accountName;

        // Without RemoteIPType the service classifies the address itself.
        boolean derivedType = remoteIpType.isBlank() && !remoteIp.isEmpty();
        String ipType = derivedType ? RemoteIpClassifier.classify(remoteIp).defenderName() : remoteIpType;

        // Without ReportId, identical content is the same event.
        String eventId = reportId.isEmpty()
                ? contentReportId(
                        deviceId,
                        actionType,
                        remoteIp,
                        String.valueOf(remotePort),
                        remoteUrl,
                        localIp,
                        String.valueOf(localPort),
                        protocol,
                        groupAccountName,
                        processFileName,
                        processCommandLine,
                        String.valueOf(processId),
                        parentFileName)
                : reportId;

        NetworkEvent event = new NetworkEvent(
                deviceName,
                eventId,
                timestamp,
                deviceId,
                actionType,
                remoteIp,
                remotePort,
                ipType,
                derivedType,
                remoteUrl,
                localIp,
                localPort,
                protocol,
                groupAccountName,
                processAccountName,
                processAccountDomain,
                processFileName,
                processCommandLine,
                processId,
                parentFileName);
        return new Mapped(event, List.of());
    }

    private Instant timestamp(String column) {
        String value = text(column);
        if (value.isEmpty()) {
            reject(column, "is required");
            return null;
        }
        Instant timestamp;
        try {
            timestamp = parseTimestamp(value);
        } catch (DateTimeParseException ex) {
            reject(column, TIMESTAMP_EXPECTED);
            return null;
        }
        if (timestamp.isAfter(rules.latestTimestamp())) {
            reject(
                    column,
                    "lies more than " + rules.maxClockSkew() + " after the request arrived; check the"
                            + " sender's clock");
            return null;
        }
        return timestamp;
    }

    /**
     * Parses ISO 8601 with any number of fractional digits; without an offset the time is UTC, as in Defender.
     * PostgreSQL keeps microseconds, so the seventh fractional digit is dropped here, not rounded.
     */
    static Instant parseTimestamp(String value) {
        String iso = value.length() > 10 && value.charAt(10) == ' '
                ? value.substring(0, 10) + 'T' + value.substring(11)
                : value;
        TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(iso);
        Instant instant = parsed.isSupported(ChronoField.OFFSET_SECONDS)
                ? Instant.from(parsed)
                : LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private String requiredText(String column, int maxLength) {
        String value = text(column, maxLength);
        if (value.isBlank() && !hasError(column)) {
            reject(column, "is required");
        }
        return value;
    }

    private String text(String column, int maxLength) {
        String value = text(column);
        if (value.length() > maxLength) {
            reject(column, "must be at most " + maxLength + " characters");
        }
        return value;
    }

    /** Returns the column as text, empty when absent; numbers and booleans are taken as their JSON text. */
    private String text(String column) {
        JsonNode node = record.get(column);
        if (node == null) {
            return "";
        }
        if (node.isContainer()) {
            reject(column, "must be a string, not a JSON " + (node.isArray() ? "array" : "object"));
            return "";
        }
        String value = node.asString();
        if (value.length() > rules.maxFieldLength()) {
            reject(column, "must be at most " + rules.maxFieldLength() + " characters, got " + value.length());
            return "";
        }
        if (hasUnpairedSurrogate(value)) {
            reject(column, "contains an unpaired UTF-16 surrogate, which is not Unicode text");
            return "";
        }
        if (value.indexOf('\0') >= 0) {
            reject(column, "must not contain the NUL character (U+0000)");
            return "";
        }
        return value;
    }

    /** JSON may escape half of a surrogate pair; such text cannot be stored without being altered. */
    private static boolean hasUnpairedSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private String ipLiteral(String column) {
        String value = text(column).trim();
        if (value.isEmpty()) {
            return "";
        }
        try {
            RemoteIpClassifier.parseLiteral(value);
            return value;
        } catch (IllegalArgumentException ex) {
            reject(column, "must be an IPv4 or IPv6 address literal, got '" + abbreviate(value) + "'");
            return "";
        }
    }

    private Integer port(String column) {
        Long value = integer(column);
        if (value != null && (value < 0 || value > 65535)) {
            reject(column, "must be an integer between 0 and 65535, got " + value);
            return null;
        }
        return value == null ? null : value.intValue();
    }

    private Long processId(String column) {
        Long value = integer(column);
        if (value != null && value < 0) {
            reject(column, "must not be negative, got " + value);
            return null;
        }
        return value;
    }

    /** Reads an integral JSON number, or a string holding one as some exporters send. */
    private Long integer(String column) {
        JsonNode node = record.get(column);
        if (node == null || (node.isString() && node.stringValue().isBlank())) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isString()) {
            try {
                return Long.parseLong(node.stringValue().trim());
            } catch (NumberFormatException ex) {
                // reported below
            }
        }
        reject(column, "must be an integer, got " + abbreviate(node.toString()));
        return null;
    }

    private void reject(String column, String message) {
        errors.add(new RecordError(index, column, message));
    }

    private boolean hasError(String column) {
        return errors.stream().anyMatch(error -> column.equals(error.field()));
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }

    private static String contentReportId(String... values) {
        Hasher hasher = Hashing.sha256().newHasher();
        for (String value : values) {
            hasher.putString(value, StandardCharsets.UTF_8).putByte((byte) 0);
        }
        return "sha256:" + hasher.hash();
    }
}
