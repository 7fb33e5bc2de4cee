package dev.fallbackwatch.webhooks;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How webhook deliveries are dispatched.
 *
 * @param scheduleEnabled false leaves deliveries in the outbox until something calls the dispatcher (tests)
 * @param interval time between the end of one dispatcher pass and the start of the next
 * @param initialDelay delay of the first pass after start
 * @param batchSize deliveries one pass claims and sends at most, in parallel
 * @param connectTimeout time allowed to connect to a receiver
 * @param requestTimeout time allowed for a receiver's answer once the request is sent
 * @param maxAttempts attempts before a delivery is marked FAILED
 * @param initialBackoff wait after the first failed attempt; it doubles after each further one
 * @param maxBackoff the longest wait between two attempts
 * @param deliveryRetention how long a delivered or failed delivery stays listed after its last attempt; pending
 *     ones stay until they settle
 */
@ConfigurationProperties("fallbackwatch.webhooks")
record WebhookProperties(
        @DefaultValue("true") boolean scheduleEnabled,
        @DefaultValue("PT5S") Duration interval,
        @DefaultValue("PT10S") Duration initialDelay,
        @DefaultValue("50") int batchSize,
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT10S") Duration requestTimeout,
        @DefaultValue("8") int maxAttempts,
        @DefaultValue("PT30S") Duration initialBackoff,
        @DefaultValue("PT1H") Duration maxBackoff,
        @DefaultValue("P30D") Duration deliveryRetention) {

    WebhookProperties {
        require(batchSize >= 1, "batch-size must be at least 1");
        require(maxAttempts >= 1, "max-attempts must be at least 1");
        require(positive(connectTimeout) && positive(requestTimeout), "timeouts must be positive");
        require(
                positive(initialBackoff) && maxBackoff.compareTo(initialBackoff) >= 0,
                "initial-backoff must be positive and max-backoff at least as long");
        require(positive(deliveryRetention), "delivery-retention must be positive");
    }

    /**
     * How long a claim keeps other dispatchers away from a delivery: longer than any attempt can take, so only a
     * dispatcher that stopped mid-attempt lets a claim expire, and its delivery is then sent again.
     */
    Duration lease() {
        return connectTimeout.plus(requestTimeout).plusSeconds(30);
    }

    /** The wait after a failed attempt: initialBackoff, doubled for each attempt before it, at most maxBackoff. */
    Duration backoff(int attemptsMade) {
        int doublings = Math.min(Math.max(attemptsMade - 1, 0), 30);
        Duration wait = initialBackoff.multipliedBy(1L << doublings);
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("fallbackwatch.webhooks: " + message);
        }
    }
}
