package dev.fallbackwatch.security;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Set;

/**
 * An API key as listed: everything but the key itself, which is shown once, at creation.
 *
 * @param keyPrefix the first characters of the key, to tell keys apart
 * @param status ACTIVE, EXPIRED or REVOKED
 */
@Schema(description = "An API key; the key itself is shown only once, when created")
public record ApiKey(
        long id,
        String name,
        Set<Role> roles,
        String keyPrefix,

        @Schema(allowableValues = {"ACTIVE", "EXPIRED", "REVOKED"})
        String status,

        Instant createdAt,
        String createdBy,
        Instant expiresAt,
        Instant revokedAt,
        String revokedBy,
        Instant lastUsedAt) {}
