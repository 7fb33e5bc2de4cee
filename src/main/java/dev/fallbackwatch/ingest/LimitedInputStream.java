package dev.fallbackwatch.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails a read that would take the stream past its limit, so an oversized body is never read whole. */
final class LimitedInputStream extends FilterInputStream {

    /** Thrown from a read past the limit; an IOException so that parsers pass it through unchanged. */
    static final class LimitExceeded extends IOException {

        private final String what;

        private final long limitBytes;

        LimitExceeded(String what, long limitBytes) {
            super(what + " exceeds " + limitBytes + " bytes");
            this.what = what;
            this.limitBytes = limitBytes;
        }

        String what() {
            return what;
        }

        long limitBytes() {
            return limitBytes;
        }
    }

    private final String what;

    private final long limitBytes;

    private long readBytes;

    LimitedInputStream(InputStream in, String what, long limitBytes) {
        super(in);
        this.what = what;
        this.limitBytes = limitBytes;
    }

    @Override
    public int read() throws IOException {
        int value = super.read();
        if (value >= 0) {
            count(1);
        }
        return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        if (read > 0) {
            count(read);
        }
        return read;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count(skipped);
        return skipped;
    }

    private void count(long bytes) throws LimitExceeded {
        readBytes += bytes;
        if (readBytes > limitBytes) {
            throw new LimitExceeded(what, limitBytes);
        }
    }
}
