package dev.fallbackwatch.webhooks;

import dev.fallbackwatch.findings.RiskScore;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * A receiver of webhook deliveries, as the API shows it: never with its secret.
 *
 * @param minRisk deliveries announce findings of at least this risk, and incidents whose highest risk is at least
 *     this
 */
@Schema(description = "A webhook subscription; its secret is write-only")
public record WebhookSubscription(
        long id,

        @Schema(example = "https://soar.contoso.com/hooks/fallback-watch")
        String url,

        RiskScore minRisk,

        @Schema(example = "[\"finding.created\", \"incident.reopened\"]")
        List<String> eventTypes,

        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        long version) {

    boolean wants(WebhookEventType type, RiskScore risk) {
        return eventTypes.contains(type.wireName()) && risk.compareTo(minRisk) <= 0;
    }
}
