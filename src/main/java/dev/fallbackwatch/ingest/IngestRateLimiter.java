package dev.fallbackwatch.ingest;

import dev.fallbackwatch.web.Problems;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * Limits ingest requests per caller (API key or user) with a token bucket in this instance's memory, so one
 * misbehaving sender cannot starve the others.
 */
@Component
class IngestRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(IngestRateLimiter.class);

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private final IngestLimits.RateLimit limit;

    IngestRateLimiter(IngestLimits limits) {
        this.limit = limits.rateLimit();
    }

    /** Takes one request from the caller's bucket, or throws 429 with the seconds to wait. */
    void acquire(String caller) {
        Bucket bucket = buckets.computeIfAbsent(
                caller,
                name -> Bucket.builder()
                        .addLimit(bandwidth -> bandwidth
                                .capacity(limit.burst())
                                .refillGreedy(limit.requestsPerSecond(), Duration.ofSeconds(1)))
                        .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return;
        }

        long retryAfterSeconds =
                Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
        log.warn(
                "Ingest rate limit reached caller={} requestsPerSecond={} burst={}",
                caller,
                limit.requestsPerSecond(),
                limit.burst());
        ErrorResponseException tooMany = Problems.problem(
                HttpStatus.TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                "This credential may send " + limit.requestsPerSecond() + " ingest requests per second (bursts of "
                        + limit.burst() + "); retry after " + retryAfterSeconds + " s, or send larger batches.");
        tooMany.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds));
        throw tooMany;
    }
}
