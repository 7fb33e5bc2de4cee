package dev.fallbackwatch.webhooks;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a delivery announces, by its name on the wire. */
enum WebhookEventType {
    FINDING_CREATED("finding.created"),
    FINDING_UPDATED("finding.updated"),
    INCIDENT_CREATED("incident.created"),
    INCIDENT_UPDATED("incident.updated"),
    INCIDENT_REOPENED("incident.reopened");

    private final String wireName;

    WebhookEventType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    String wireName() {
        return wireName;
    }

    static Optional<WebhookEventType> of(String wireName) {
        return Arrays.stream(values())
                .filter(type -> type.wireName.equals(wireName))
                .findFirst();
    }

    static String allNames() {
        return Arrays.stream(values()).map(WebhookEventType::wireName).collect(Collectors.joining(", "));
    }
}
