package dev.fallbackwatch.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a delivery: {@code sha256=} and the lowercase hex HMAC-SHA256 of the raw body, keyed with the
 * subscription's secret (its UTF-8 bytes). A receiver recomputes it over the bytes it received and compares in
 * constant time.
 */
final class WebhookSignature {

    static final String HEADER = "X-Fallbackwatch-Signature";

    private WebhookSignature() {}

    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", ex);
        }
    }
}
