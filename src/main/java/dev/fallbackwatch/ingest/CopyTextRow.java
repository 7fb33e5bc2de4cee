package dev.fallbackwatch.ingest;

import java.util.Arrays;

/**
 * Encodes events as rows of PostgreSQL's COPY text format, in the column order of {@link NetworkEventStore#COLUMNS}:
 * tab-separated, {@code \N} for null, backslash escapes, UTF-8. Rows accumulate in one reusable byte array, so
 * encoding an event allocates nothing.
 */
final class CopyTextRow {

    private static final byte[] NULL = {'\\', 'N'};

    private byte[] bytes;

    private int size;

    CopyTextRow(int initialCapacity) {
        this.bytes = new byte[initialCapacity];
    }

    /** Appends one event as one row. */
    void append(NetworkEvent event) {
        text(event.deviceName());
        text(event.reportId());
        text(event.timestamp().toString());
        text(event.deviceId());
        text(event.actionType());
        nullableText(event.remoteIp());
        number(event.remotePort());
        text(event.remoteIpType());
        text(String.valueOf(event.remoteIpTypeDerived()));
        text(event.remoteUrl());
        nullableText(event.localIp());
        number(event.localPort());
        text(event.protocol());
        text(event.accountName());
        text(event.initiatingProcessAccountName());
        text(event.initiatingProcessAccountDomain());
        text(event.initiatingProcessFileName());
        text(event.initiatingProcessCommandLine());
        number(event.initiatingProcessId());
        text(event.initiatingProcessParentFileName());
        bytes[size - 1] = '\n';
    }

    byte[] bytes() {
        return bytes;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    private void nullableText(String value) {
        if (value.isEmpty()) {
            nullValue();
        } else {
            text(value);
        }
    }

    private void number(Number value) {
        if (value == null) {
            nullValue();
        } else {
            text(value.toString());
        }
    }

    private void nullValue() {
        ensureCapacity(NULL.length + 1);
        bytes[size++] = NULL[0];
        bytes[size++] = NULL[1];
        bytes[size++] = '\t';
    }

    /**
     * Escapes COPY's special characters and encodes UTF-8; the mapper has already refused unpaired surrogates.
     * Three bytes a character are reserved first: no character takes more, escaped or encoded.
     */
    private void text(String value) {
        ensureCapacity(value.length() * 3 + 1);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                ascii(c);
            } else if (c < 0x800) {
                bytes[size++] = (byte) (0xC0 | (c >> 6));
                bytes[size++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                bytes[size++] = (byte) (0xF0 | (codePoint >> 18));
                bytes[size++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                bytes[size++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (codePoint & 0x3F));
            } else {
                bytes[size++] = (byte) (0xE0 | (c >> 12));
                bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        bytes[size++] = '\t';
    }

    private void ascii(char c) {
        switch (c) {
            case '\\' -> escaped('\\');
            case '\t' -> escaped('t');
            case '\n' -> escaped('n');
            case '\r' -> escaped('r');
            default -> bytes[size++] = (byte) c;
        }
    }

    private void escaped(char code) {
        bytes[size++] = '\\';
        bytes[size++] = (byte) code;
    }

    private void ensureCapacity(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
        }
    }
}
