package dev.fallbackwatch.ingest;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits NDJSON into lines without ever holding more than one bounded line: a line longer than the limit is
 * skipped to its end and reported as too long.
 */
final class NdjsonLines {

    /** One line: its text, or null when it exceeded the limit. */
    record Line(String text) {

        boolean tooLong() {
            return text == null;
        }
    }

    private final Reader in;

    private final int maxChars;

    private final char[] buffer = new char[64 * 1024];

    private int position;

    private int limit;

    private boolean ended;

    NdjsonLines(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** Returns the next line without its line break, or null at the end of the input. */
    Line next() throws IOException {
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        boolean sawAny = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!sawAny) {
                    return null;
                }
                return tooLong ? new Line(null) : new Line(withoutCarriageReturn(line));
            }
            sawAny = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            if (!tooLong && line.length() + (position - start) > maxChars) {
                tooLong = true;
                line.setLength(0);
            }
            if (!tooLong) {
                line.append(buffer, start, position - start);
            }
            if (position < limit) {
                position++;
                return tooLong ? new Line(null) : new Line(withoutCarriageReturn(line));
            }
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

    private static String withoutCarriageReturn(StringBuilder line) {
        int length = line.length();
        return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
    }
}
