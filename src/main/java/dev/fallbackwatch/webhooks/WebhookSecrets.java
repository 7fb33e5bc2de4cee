package dev.fallbackwatch.webhooks;

import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.stereotype.Component;

/**
 * Seals subscription secrets before they are stored and opens them for signing. With an encryption key a secret is
 * stored as {@value #SEALED_PREFIX} and the hex of its AES-GCM ciphertext (Spring Security Crypto, a fresh nonce
 * each time); without one it is stored as sent. A stored secret says by its prefix which it is, so secrets stored
 * in clear before a key was configured still open.
 */
@Component
class WebhookSecrets {

    static final String SEALED_PREFIX = "aes-gcm:";

    /**
     * The salt of the key derivation. The key is random text of at least 32 characters, so a salt of its own per
     * installation would add nothing; a fixed one keeps the configuration to a single value.
     */
    private static final String SALT = "66616c6c6261636b2d7761746368";

    private final TextEncryptor encryptor;

    WebhookSecrets(WebhookEncryptionProperties properties) {
        this.encryptor = properties.encrypts() ? Encryptors.delux(properties.key(), SALT) : null;
    }

    boolean encrypts() {
        return encryptor != null;
    }

    /** What to store for a secret sent by an admin. */
    String seal(String secret) {
        return encryptor == null ? secret : SEALED_PREFIX + encryptor.encrypt(secret);
    }

    /**
     * The secret a stored value holds.
     *
     * @throws IllegalStateException when it is sealed and no key, or another key, is configured
     */
    String open(String stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        if (encryptor == null) {
            throw new IllegalStateException(
                    "A webhook secret is stored encrypted but" + " fallbackwatch.webhooks.encryption.key is not set");
        }
        try {
            return encryptor.decrypt(stored.substring(SEALED_PREFIX.length()));
        } catch (IllegalStateException | IllegalArgumentException ex) {
            throw new IllegalStateException(
                    "A webhook secret does not open with the configured fallbackwatch.webhooks.encryption.key;"
                            + " it was stored with another key",
                    ex);
        }
    }

    static boolean isSealed(String stored) {
        return stored.startsWith(SEALED_PREFIX);
    }
}
