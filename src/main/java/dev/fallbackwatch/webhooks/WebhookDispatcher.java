package dev.fallbackwatch.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries from the outbox. One pass claims up to a batch, sends the batch in parallel and records
 * each outcome: a 2xx answer delivers; anything else (another status, no answer, a timeout) is retried after a
 * backoff that doubles with each attempt, until the attempts run out and the delivery is FAILED. Any number of
 * dispatchers, in one process or in several, may run passes at the same time: a claim is exclusive.
 */
class WebhookDispatcher {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final WebhookDeliveryStore deliveries;

    private final WebhookSender sender;

    private final WebhookProperties properties;

    private final Clock clock;

    WebhookDispatcher(
            WebhookDeliveryStore deliveries, WebhookSender sender, WebhookProperties properties, Clock clock) {
        this.deliveries = deliveries;
        this.sender = sender;
        this.properties = properties;
        this.clock = clock;
    }

    /** The figures of one pass. */
    record Pass(int claimed, int delivered, int retrying, int failed) {

        static final Pass NOTHING = new Pass(0, 0, 0, 0);
    }

    /** Runs one pass now, on the caller's thread. */
    Pass dispatchOnce() {
        Instant started = clock.instant();
        List<WebhookDeliveryStore.ClaimedDelivery> claimed =
                deliveries.claimDue(started, started.plus(properties.lease()), properties.batchSize());
        if (claimed.isEmpty()) {
            return Pass.NOTHING;
        }

        List<CompletableFuture<WebhookSender.Outcome>> attempts =
                claimed.stream().map(sender::send).toList();

        int delivered = 0;
        int retrying = 0;
        int failed = 0;
        for (int i = 0; i < claimed.size(); i++) {
            WebhookDeliveryStore.ClaimedDelivery claim = claimed.get(i);
            WebhookSender.Outcome outcome = attempts.get(i).join();
            Instant now = clock.instant();
            if (outcome.delivered()) {
                deliveries.recordAttempt(claim, "DELIVERED", now, outcome.statusCode(), null, null);
                delivered++;
            } else if (claim.attempts() >= properties.maxAttempts()) {
                deliveries.recordAttempt(claim, "FAILED", now, outcome.statusCode(), outcome.error(), null);
                failed++;
                log.warn(
                        "Webhook delivery failed for good id={} subscriptionId={} eventType={} attempts={}"
                                + " lastError={}",
                        claim.id(),
                        claim.subscriptionId(),
                        claim.eventType(),
                        claim.attempts(),
                        outcome.error());
            } else {
                Instant next = now.plus(properties.backoff(claim.attempts()));
                deliveries.recordAttempt(claim, "PENDING", now, outcome.statusCode(), outcome.error(), next);
                retrying++;
            }
        }

        log.info(
                "Webhook dispatch pass finished claimed={} delivered={} retrying={} failed={} durationMs={}",
                claimed.size(),
                delivered,
                retrying,
                failed,
                Duration.between(started, clock.instant()).toMillis());
        return new Pass(claimed.size(), delivered, retrying, failed);
    }

    /**
     * Deletes deliveries that were delivered or failed longer than {@code delivery-retention} ago, so the outbox
     * holds what is pending and recent history only. Returns how many went.
     */
    int pruneSettled() {
        int deleted = deliveries.deleteSettled(clock.instant().minus(properties.deliveryRetention()));
        if (deleted > 0) {
            log.info(
                    "Pruned settled webhook deliveries deleted={} retention={}",
                    deleted,
                    properties.deliveryRetention());
        }
        return deleted;
    }
}
