package dev.fallbackwatch.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One event sent, or to be sent, to one subscription.
 *
 * @param id the delivery id, sent as {@code X-Fallbackwatch-Delivery} and in the body; the same on every attempt
 * @param subjectId the finding or incident the event is about
 * @param attempts attempts made since the delivery was created or last retried by hand
 */
@Schema(description = "One event for one subscription: its attempts and outcome")
public record WebhookDelivery(
        UUID id,
        long subscriptionId,
        @Schema(example = "finding.created") String eventType,
        long subjectId,
        long subjectVersion,

        @Schema(allowableValues = {"PENDING", "DELIVERED", "FAILED"})
        String status,

        int attempts,
        Instant createdAt,

        @Schema(description = "When the next attempt is due; null unless PENDING")
        Instant nextAttemptAt,

        Instant lastAttemptAt,
        Instant deliveredAt,

        @Schema(description = "HTTP status of the last answer; null when there was none")
        Integer lastStatusCode,

        @Schema(description = "Why the last attempt failed") String lastError,

        @Schema(type = "object", description = "The body sent on every attempt")
        JsonNode payload) {}
