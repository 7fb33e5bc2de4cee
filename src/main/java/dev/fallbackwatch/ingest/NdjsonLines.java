package dev.fallbackwatch.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits NDJSON into lines of raw bytes without ever holding more than one bounded line: a line longer than the
 * limit is skipped to its end and reported as too long. The bytes go to the JSON parser undecoded, which reads
 * UTF-8 itself and refuses a line that is not UTF-8.
 */
final class NdjsonLines {

    /** One line without its line break: {@code length} bytes of {@code bytes}, or too long when bytes is null. */
    record Line(byte[] bytes, int length) {

        boolean tooLong() {
            return bytes == null;
        }

        boolean isBlank() {
            for (int i = 0; i < length; i++) {
                if (!Character.isWhitespace(bytes[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final Line TOO_LONG = new Line(null, 0);

    private final InputStream in;

    private final int maxBytes;

    private final byte[] buffer = new byte[64 * 1024];

    /** The line being assembled; it grows up to the limit and is reused for every line. */
    private byte[] line = new byte[4 * 1024];

    private int position;

    private int limit;

    private boolean ended;

    NdjsonLines(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * Returns the next line, or null at the end of the input. The returned line's bytes are valid until the next
     * call.
     */
    Line next() throws IOException {
        int length = 0;
        boolean tooLong = false;
        boolean sawAny = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!sawAny) {
                    return null;
                }
                return tooLong ? TOO_LONG : withoutCarriageReturn(length);
            }
            sawAny = true;

            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int taken = position - start;
            if (!tooLong && length + taken > maxBytes) {
                tooLong = true;
            }
            if (!tooLong) {
                ensureCapacity(length + taken);
                System.arraycopy(buffer, start, line, length, taken);
                length += taken;
            }

            if (position < limit) {
                position++;
                return tooLong ? TOO_LONG : withoutCarriageReturn(length);
            }
        }
    }

    private void ensureCapacity(int needed) {
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.max(needed, Math.min(maxBytes, line.length * 2)));
        }
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            ended = true;
            position = 0;
            limit = 0;
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    private Line withoutCarriageReturn(int length) {
        return length > 0 && line[length - 1] == '\r' ? new Line(line, length - 1) : new Line(line, length);
    }
}
