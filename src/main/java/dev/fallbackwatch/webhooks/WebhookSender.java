package dev.fallbackwatch.webhooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** POSTs a delivery's body, signed, and reports the answer; never follows redirects. */
class WebhookSender {

    static final String DELIVERY_HEADER = "X-Fallbackwatch-Delivery";

    static final String EVENT_HEADER = "X-Fallbackwatch-Event";

    private final HttpClient client;

    private final WebhookProperties properties;

    WebhookSender(WebhookProperties properties) {
        this.properties = properties;
        this.client = HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * What an attempt came to.
     *
     * @param statusCode the receiver's HTTP status, null when there was no answer
     * @param error why the attempt failed, null when it succeeded
     */
    record Outcome(Integer statusCode, String error) {

        boolean delivered() {
            return error == null;
        }
    }

    CompletableFuture<Outcome> send(WebhookDeliveryStore.ClaimedDelivery delivery) {
        if (delivery.secret() == null) {
            return CompletableFuture.completedFuture(
                    new Outcome(null, "the subscription's secret does not open with this instance's encryption key"));
        }
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(delivery.url()))
                    .timeout(properties.requestTimeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "fallback-watch")
                    .header(DELIVERY_HEADER, delivery.id().toString())
                    .header(EVENT_HEADER, delivery.eventType())
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(delivery.secret(), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (IllegalArgumentException ex) {
            return CompletableFuture.completedFuture(new Outcome(null, "invalid URL"));
        }
        long limitMillis =
                properties.connectTimeout().plus(properties.requestTimeout()).toMillis();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .orTimeout(limitMillis, TimeUnit.MILLISECONDS)
                .handle((response, error) -> error == null ? answered(response.statusCode()) : failed(error));
    }

    private static Outcome answered(int statusCode) {
        return statusCode >= 200 && statusCode < 300
                ? new Outcome(statusCode, null)
                : new Outcome(statusCode, "HTTP " + statusCode);
    }

    /** Names the failure without a stack trace: the kind of error and its message. */
    private static Outcome failed(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return new Outcome(null, "timed out");
        }
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return new Outcome(null, text.length() > 300 ? text.substring(0, 300) : text);
    }
}
