package dev.fallbackwatch.webhooks;

import dev.fallbackwatch.security.AdminAccess;
import dev.fallbackwatch.web.Actor;
import dev.fallbackwatch.web.Problems;
import dev.fallbackwatch.web.Versions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PageableDefault;
import org.springframework.data.web.PagedModel;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Webhook subscriptions and their deliveries. */
@RestController
@AdminAccess
@RequestMapping("/api/v1/webhooks")
@Tag(
        name = "Webhooks",
        description = "Push new and changed findings and incidents to a receiver, signed, with retries. Each"
                + " delivery is a POST of {\"id\",\"type\",\"occurredAt\",\"data\"} with the headers"
                + " X-Fallbackwatch-Delivery (the id, the same on every attempt), X-Fallbackwatch-Event and"
                + " X-Fallbackwatch-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with the secret>.")
class WebhookController {

    private final WebhookSubscriptions subscriptions;

    WebhookController(WebhookSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    @GetMapping
    @Operation(summary = "List webhook subscriptions")
    List<WebhookSubscription> list() {
        return subscriptions.all();
    }

    @PostMapping
    @Operation(
            summary = "Add a webhook subscription",
            description = "Changes from now on are delivered to it: events of the listed types about findings of at"
                    + " least minRisk, and incidents whose highest risk is at least minRisk.")
    ResponseEntity<WebhookSubscription> create(
            @RequestBody WebhookSubscriptionRequest body, HttpServletRequest request) {
        WebhookSubscription created = subscriptions.create(body, Actor.of(request));
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + created.id()))
                .eTag(Versions.etag(created.version()))
                .body(created);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Show one webhook subscription")
    ResponseEntity<WebhookSubscription> get(@PathVariable long id) {
        WebhookSubscription subscription = subscriptions.get(id);
        return ResponseEntity.ok().eTag(Versions.etag(subscription.version())).body(subscription);
    }

    @PutMapping("/{id}")
    @Operation(
            summary = "Replace a webhook subscription",
            description = "Leave out secret to keep it. 412 when If-Match does not match its ETag. Deliveries"
                    + " already in the outbox keep the body they were written with and go to the new URL.")
    ResponseEntity<WebhookSubscription> put(
            @PathVariable long id,
            @RequestBody WebhookSubscriptionRequest body,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            HttpServletRequest request) {
        WebhookSubscription updated = subscriptions.replace(id, body, ifMatch, Actor.of(request));
        return ResponseEntity.ok().eTag(Versions.etag(updated.version())).body(updated);
    }

    @DeleteMapping("/{id}")
    @Operation(
            summary = "Delete a webhook subscription and its deliveries",
            description = "412 when If-Match does not match its ETag.")
    ResponseEntity<Void> delete(
            @PathVariable long id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            HttpServletRequest request) {
        subscriptions.delete(id, ifMatch, Actor.of(request));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/deliveries")
    @Operation(
            summary = "List a subscription's deliveries, newest first",
            description = "PENDING: waiting for its next attempt; DELIVERED: the receiver answered 2xx; FAILED: every"
                    + " attempt failed, retry it by hand.")
    PagedModel<WebhookDelivery> deliveries(
            @PathVariable long id,
            @Parameter(description = "Only deliveries with this status: PENDING, DELIVERED, FAILED")
                    @RequestParam(required = false)
                    String status,
            @ParameterObject @PageableDefault(size = 20) Pageable pageable) {
        if (pageable.getSort().isSorted()) {
            throw Problems.badRequest(
                    "invalid-sort", "Invalid sort property", "Deliveries are always newest first; leave out sort.");
        }
        return new PagedModel<>(subscriptions.deliveries(id, status(status), pageable));
    }

    @GetMapping("/{id}/deliveries/{deliveryId}")
    @Operation(summary = "Show one delivery")
    WebhookDelivery delivery(@PathVariable long id, @PathVariable UUID deliveryId) {
        return subscriptions.delivery(id, deliveryId);
    }

    @PostMapping("/{id}/deliveries/{deliveryId}/retry")
    @Operation(
            summary = "Retry a failed delivery",
            description = "Makes a FAILED delivery due at once with a fresh count of attempts; it keeps its id and"
                    + " body. 409 when the delivery is not FAILED.")
    ResponseEntity<WebhookDelivery> retry(
            @PathVariable long id, @PathVariable UUID deliveryId, HttpServletRequest request) {
        return ResponseEntity.accepted().body(subscriptions.retry(id, deliveryId, Actor.of(request)));
    }

    private static String status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String status = value.trim().toUpperCase(Locale.ROOT);
        if (!List.of("PENDING", "DELIVERED", "FAILED").contains(status)) {
            throw Problems.badRequest(
                    "invalid-status",
                    "Invalid status",
                    "Unknown status '" + value + "'; use PENDING, DELIVERED or FAILED.");
        }
        return status;
    }
}
