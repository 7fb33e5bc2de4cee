package dev.fallbackwatch.ingest;

/**
 * Encodes an event as one row of PostgreSQL's COPY text format, in the column order of
 * {@link NetworkEventStore#COLUMNS}: tab-separated, {@code \N} for null, backslash escapes.
 */
final class CopyTextRow {

    private static final String NULL = "\\N";

    private CopyTextRow() {}

    static void append(StringBuilder row, NetworkEvent event) {
        text(row, event.deviceName());
        text(row, event.reportId());
        text(row, event.timestamp().toString());
        text(row, event.deviceId());
        text(row, event.actionType());
        nullableText(row, event.remoteIp());
        value(row, event.remotePort());
        text(row, event.remoteIpType());
        value(row, event.remoteIpTypeDerived());
        text(row, event.remoteUrl());
        nullableText(row, event.localIp());
        value(row, event.localPort());
        text(row, event.protocol());
        text(row, event.accountName());
        text(row, event.initiatingProcessAccountName());
        text(row, event.initiatingProcessAccountDomain());
        text(row, event.initiatingProcessFileName());
        text(row, event.initiatingProcessCommandLine());
        value(row, event.initiatingProcessId());
        text(row, event.initiatingProcessParentFileName());
        row.setCharAt(row.length() - 1, '\n');
    }

    private static void nullableText(StringBuilder row, String value) {
        if (value.isEmpty()) {
            row.append(NULL).append('\t');
        } else {
            text(row, value);
        }
    }

    private static void value(StringBuilder row, Object value) {
        row.append(value == null ? NULL : value.toString()).append('\t');
    }

    private static void text(StringBuilder row, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> row.append("\\\\");
                case '\t' -> row.append("\\t");
                case '\n' -> row.append("\\n");
                case '\r' -> row.append("\\r");
                default -> row.append(c);
            }
        }
        row.append('\t');
    }
}
