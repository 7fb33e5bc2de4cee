package dev.fallbackwatch.webhooks;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Brings the stored secrets in line with the configuration at start. With an encryption key, secrets stored in
 * clear are sealed, and the service refuses to start when a sealed one does not open with the key (it was stored
 * with another one), rather than fail every delivery later. Without a key, it refuses to start when secrets are
 * sealed, and warns when secrets are kept in clear.
 */
@Component
class WebhookSecretSealing implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(WebhookSecretSealing.class);

    private final WebhookSubscriptionStore subscriptions;

    private final WebhookSecrets secrets;

    WebhookSecretSealing(WebhookSubscriptionStore subscriptions, WebhookSecrets secrets) {
        this.subscriptions = subscriptions;
        this.secrets = secrets;
    }

    @Override
    public void afterPropertiesSet() {
        Map<Long, String> stored = subscriptions.storedSecrets();
        stored.values().forEach(secrets::open);

        long inClear = stored.values().stream()
                .filter(s -> !WebhookSecrets.isSealed(s))
                .count();
        if (inClear == 0) {
            return;
        }
        if (!secrets.encrypts()) {
            log.warn(
                    "Webhook secrets are stored in clear count={}; set fallbackwatch.webhooks.encryption.key"
                            + " (FALLBACKWATCH_WEBHOOKS_ENCRYPTION_KEY) to encrypt them",
                    inClear);
            return;
        }
        stored.forEach((id, secret) -> {
            if (!WebhookSecrets.isSealed(secret)) {
                subscriptions.sealStoredSecret(id, secret);
            }
        });
        log.info("Encrypted webhook secrets that were stored in clear count={}", inClear);
    }
}
