package dev.fallbackwatch.ingest;

import java.time.Duration;
import java.time.Instant;

/**
 * The checks of one request's records that depend on configuration and time.
 *
 * @param receivedAt when the request arrived; a Timestamp later than this plus {@code maxClockSkew} is rejected
 */
record RecordRules(Instant receivedAt, Duration maxClockSkew, int maxFieldLength) {

    Instant latestTimestamp() {
        return receivedAt.plus(maxClockSkew);
    }
}
