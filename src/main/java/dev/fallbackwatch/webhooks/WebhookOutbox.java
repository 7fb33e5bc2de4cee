package dev.fallbackwatch.webhooks;

import dev.fallbackwatch.findings.ChangeKind;
import dev.fallbackwatch.findings.FindingsChanged;
import dev.fallbackwatch.findings.RiskScore;
import dev.fallbackwatch.incidents.IncidentsChanged;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Writes a delivery for each subscription that wants an announced change, in the transaction of the change: the
 * change and its deliveries commit together or not at all, so nothing is announced that did not happen and
 * nothing that happened goes unannounced.
 */
@Component
class WebhookOutbox {

    private final WebhookSubscriptionStore subscriptions;

    private final WebhookDeliveryStore deliveries;

    private final ObjectMapper json;

    private final Clock clock;

    WebhookOutbox(
            WebhookSubscriptionStore subscriptions, WebhookDeliveryStore deliveries, ObjectMapper json, Clock clock) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.json = json;
        this.clock = clock;
    }

    /**
     * The body of a delivery.
     *
     * @param id the delivery id, also in the {@code X-Fallbackwatch-Delivery} header
     * @param data the finding or incident right after the change
     */
    record Envelope(UUID id, WebhookEventType type, Instant occurredAt, Object data) {}

    @EventListener
    void findingsChanged(FindingsChanged changed) {
        List<Event> events = changed.changes().stream()
                .map(change -> new Event(
                        change.kind() == ChangeKind.DETECTED
                                ? WebhookEventType.FINDING_CREATED
                                : WebhookEventType.FINDING_UPDATED,
                        change.finding().id(),
                        change.finding().version(),
                        change.finding().riskScore(),
                        change.finding()))
                .toList();
        enqueue(events);
    }

    @EventListener
    void incidentsChanged(IncidentsChanged changed) {
        List<Event> events = changed.changes().stream()
                .map(change -> new Event(
                        switch (change.kind()) {
                            case CREATED -> WebhookEventType.INCIDENT_CREATED;
                            case UPDATED -> WebhookEventType.INCIDENT_UPDATED;
                            case REOPENED -> WebhookEventType.INCIDENT_REOPENED;
                        },
                        change.incident().id(),
                        change.incident().version(),
                        change.incident().highestRisk(),
                        change.incident()))
                .toList();
        enqueue(events);
    }

    private record Event(WebhookEventType type, long subjectId, long subjectVersion, RiskScore risk, Object data) {}

    private void enqueue(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        List<WebhookSubscription> all = subscriptions.findAll();
        if (all.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<WebhookDeliveryStore.NewDelivery> outbox = new ArrayList<>();
        for (Event event : events) {
            for (WebhookSubscription subscription : all) {
                if (subscription.wants(event.type(), event.risk())) {
                    UUID id = UUID.randomUUID();
                    String payload = json.writeValueAsString(new Envelope(id, event.type(), now, event.data()));
                    outbox.add(new WebhookDeliveryStore.NewDelivery(
                            id,
                            subscription.id(),
                            event.type(),
                            event.subjectId(),
                            event.subjectVersion(),
                            payload,
                            now));
                }
            }
        }
        if (!outbox.isEmpty()) {
            deliveries.enqueue(outbox);
        }
    }
}
