package dev.fallbackwatch.security;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The text of an API key: {@code fw_} and 43 characters of 256 random bits. Keys are never stored, only their
 * SHA-256; with that much entropy a plain hash is enough and lets a key be looked up in one index probe.
 */
final class ApiKeySecret {

    static final String PREFIX = "fw_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecret() {}

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static boolean looksLikeKey(String token) {
        return token.startsWith(PREFIX);
    }

    static byte[] hash(String key) {
        return Hashing.sha256().hashString(key, StandardCharsets.UTF_8).asBytes();
    }

    /** The first characters, enough for a person to tell keys apart in a list. */
    static String displayPrefix(String key) {
        return key.substring(0, Math.min(key.length(), PREFIX.length() + 6));
    }
}
