package dev.fallbackwatch.webhooks;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How webhook secrets are kept at rest.
 *
 * @param key a random text of at least 32 characters, for example from a Kubernetes Secret; with it, secrets are
 *     stored encrypted (AES-GCM, 256-bit key derived from it). Without it they are stored in clear.
 */
@ConfigurationProperties("fallbackwatch.webhooks.encryption")
record WebhookEncryptionProperties(String key) {

    static final int MIN_KEY_LENGTH = 32;

    WebhookEncryptionProperties {
        if (key != null && !key.isBlank() && key.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException("fallbackwatch.webhooks.encryption.key must be at least "
                    + MIN_KEY_LENGTH + " characters of random text, got " + key.length());
        }
    }

    boolean encrypts() {
        return key != null && !key.isBlank();
    }
}
