package dev.fallbackwatch.webhooks;

import static dev.fallbackwatch.findings.Fallbacks.fallback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * With an encryption key, subscription secrets are stored as AES-GCM ciphertext, deliveries are still signed with
 * the secret itself, secrets stored in clear earlier are sealed at start, and a key that does not open the stored
 * secrets stops the start.
 */
@TestPropertySource(properties = "fallbackwatch.webhooks.encryption.key=" + WebhookSecretEncryptionTests.KEY)
class WebhookSecretEncryptionTests extends WebhookIntegrationTest {

    static final String KEY = "k3y-for-tests-0123456789abcdef0123456789";

    @Autowired
    DetectionService detection;

    @Autowired
    WebhookDispatcher dispatcher;

    @Autowired
    WebhookSecrets secrets;

    @Autowired
    WebhookSubscriptionStore subscriptions;

    private final Receiver receiver = new Receiver();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void storesTheSecretEncryptedAndSignsDeliveriesWithTheSecretItself() {
        long subscription = subscribe(receiver.url(), "Low", "finding.created");
        ingest(fallback("ws-e", 21, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T00:00:00Z"));

        dispatcher.dispatchOnce();

        String stored = storedSecret(subscription);
        assertThat(stored).startsWith(WebhookSecrets.SEALED_PREFIX).doesNotContain(SECRET);
        assertThat(secrets.open(stored)).isEqualTo(SECRET);
        List<Receiver.Request> received = receiver.received();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).signature())
                .isEqualTo(hmacSha256(SECRET, received.get(0).body()));
    }

    @Test
    void sealsSecretsStoredInClearBeforeTheKeyWasSet() {
        long subscription = subscribe(receiver.url(), "Low", "finding.created");
        jdbc.update("UPDATE webhook_subscription SET secret = ? WHERE id = ?", SECRET, subscription);

        new WebhookSecretSealing(subscriptions, secrets).afterPropertiesSet();

        assertThat(storedSecret(subscription)).startsWith(WebhookSecrets.SEALED_PREFIX);
        assertThat(secrets.open(storedSecret(subscription))).isEqualTo(SECRET);
    }

    @Test
    void refusesToStartWhenAStoredSecretDoesNotOpenWithTheKey() {
        subscribe(receiver.url(), "Low", "finding.created");
        WebhookSecrets otherKey =
                new WebhookSecrets(new WebhookEncryptionProperties("another-key-0123456789abcdef0123456789"));
        WebhookSecrets noKey = new WebhookSecrets(new WebhookEncryptionProperties(""));

        assertThatThrownBy(() -> new WebhookSecretSealing(subscriptions, otherKey).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stored with another key");
        assertThatThrownBy(() -> new WebhookSecretSealing(subscriptions, noKey).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fallbackwatch.webhooks.encryption.key is not set");
    }

    @Test
    void failsTheAttemptWithItsReasonWhenASecretWasStoredWithAnotherKey() {
        long subscription = subscribe(receiver.url(), "Low", "finding.created");
        WebhookSecrets otherKey =
                new WebhookSecrets(new WebhookEncryptionProperties("another-key-0123456789abcdef0123456789"));
        jdbc.update("UPDATE webhook_subscription SET secret = ? WHERE id = ?", otherKey.seal(SECRET), subscription);
        ingest(fallback("ws-k", 22, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T00:00:00Z"));

        WebhookDispatcher.Pass pass = dispatcher.dispatchOnce();

        assertThat(pass.retrying()).isEqualTo(1);
        assertThat(receiver.received()).isEmpty();
        assertThat(deliveries(subscription, "").get(0).get("lastError").asString())
                .contains("does not open with this instance's encryption key");
    }

    @Test
    void refusesASecretThatLooksLikeStoredCiphertext() {
        String body = json.writeValueAsString(new WebhookSubscriptionRequest(
                receiver.url(), WebhookSecrets.SEALED_PREFIX + "0123456789abcdef", "Low", List.of("finding.created")));

        assertThat(mvc.post()
                        .uri("/api/v1/webhooks")
                        .contentType("application/json")
                        .content(body)
                        .exchange())
                .hasStatus(400);
    }

    private String storedSecret(long subscription) {
        return jdbc.queryForObject("SELECT secret FROM webhook_subscription WHERE id = ?", String.class, subscription);
    }
}
