package dev.fallbackwatch.webhooks;

import dev.fallbackwatch.web.FieldProblem;
import dev.fallbackwatch.web.Problems;
import dev.fallbackwatch.web.Versions;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Changes subscriptions in one transaction each, and shows and retries their deliveries. */
@Service
class WebhookSubscriptions {

    private static final Logger log = LoggerFactory.getLogger(WebhookSubscriptions.class);

    private final WebhookSubscriptionStore subscriptions;

    private final WebhookDeliveryStore deliveries;

    private final Clock clock;

    WebhookSubscriptions(WebhookSubscriptionStore subscriptions, WebhookDeliveryStore deliveries, Clock clock) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    List<WebhookSubscription> all() {
        return subscriptions.findAll();
    }

    WebhookSubscription get(long id) {
        return subscriptions.find(id).orElseThrow(() -> Problems.notFound("Webhook subscription", id));
    }

    @Transactional
    WebhookSubscription create(WebhookSubscriptionRequest request, String actor) {
        WebhookSubscriptionRequest.Checked checked = checked(request, true);
        long id = subscriptions.insert(checked, actor);
        log.info("Webhook subscription changed id={} action=CREATE host={} by={}", id, host(checked.url()), actor);
        return get(id);
    }

    @Transactional
    WebhookSubscription replace(long id, WebhookSubscriptionRequest request, String ifMatch, String actor) {
        WebhookSubscriptionRequest.Checked checked = checked(request, false);
        WebhookSubscription current =
                subscriptions.findForUpdate(id).orElseThrow(() -> Problems.notFound("Webhook subscription", id));
        Versions.requireMatch(ifMatch, current.version(), "Webhook subscription " + id);

        subscriptions.update(id, checked);
        log.info("Webhook subscription changed id={} action=UPDATE host={} by={}", id, host(checked.url()), actor);
        return get(id);
    }

    @Transactional
    void delete(long id, String ifMatch, String actor) {
        WebhookSubscription current =
                subscriptions.findForUpdate(id).orElseThrow(() -> Problems.notFound("Webhook subscription", id));
        Versions.requireMatch(ifMatch, current.version(), "Webhook subscription " + id);

        subscriptions.delete(id);
        log.info("Webhook subscription changed id={} action=DELETE by={}", id, actor);
    }

    Page<WebhookDelivery> deliveries(long subscriptionId, String status, Pageable pageable) {
        get(subscriptionId);
        return deliveries.find(subscriptionId, status, pageable);
    }

    WebhookDelivery delivery(long subscriptionId, UUID deliveryId) {
        return deliveries
                .find(subscriptionId, deliveryId)
                .orElseThrow(
                        () -> Problems.notFound("Delivery", deliveryId + " of webhook subscription " + subscriptionId));
    }

    /** Makes a FAILED delivery due at once, with a fresh count of attempts and the same delivery id. */
    @Transactional
    WebhookDelivery retry(long subscriptionId, UUID deliveryId, String actor) {
        WebhookDelivery delivery = delivery(subscriptionId, deliveryId);
        if (!deliveries.retry(subscriptionId, deliveryId, clock.instant())) {
            throw Problems.problem(
                    HttpStatus.CONFLICT,
                    "delivery-not-failed",
                    "Delivery is not failed",
                    "Delivery " + deliveryId + " is " + delivery.status() + "; only a FAILED delivery can be retried"
                            + " by hand, a PENDING one is retried by itself.");
        }
        log.info("Webhook delivery retried by hand id={} subscriptionId={} by={}", deliveryId, subscriptionId, actor);
        return delivery(subscriptionId, deliveryId);
    }

    private static WebhookSubscriptionRequest.Checked checked(WebhookSubscriptionRequest request, boolean create) {
        List<FieldProblem> problems = new ArrayList<>();
        WebhookSubscriptionRequest.Checked checked = request.check(create, problems);
        if (!problems.isEmpty()) {
            throw Problems.invalid(problems);
        }
        return checked;
    }

    /** Only the host goes to the log: a URL's path or query may carry a token. */
    private static String host(String url) {
        return URI.create(url).getHost();
    }
}
