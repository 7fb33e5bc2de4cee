package dev.fallbackwatch.webhooks;

import dev.fallbackwatch.findings.RiskScore;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Reads and writes {@code webhook_subscription}; the version column makes each entry's ETag. */
@Repository
class WebhookSubscriptionStore {

    private final NamedParameterJdbcTemplate jdbc;

    private final WebhookSecrets secrets;

    WebhookSubscriptionStore(NamedParameterJdbcTemplate jdbc, WebhookSecrets secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    List<WebhookSubscription> findAll() {
        return jdbc.query("SELECT * FROM webhook_subscription ORDER BY id", WebhookSubscriptionStore::row);
    }

    Optional<WebhookSubscription> find(long id) {
        return jdbc
                .query(
                        "SELECT * FROM webhook_subscription WHERE id = :id",
                        new MapSqlParameterSource("id", id),
                        WebhookSubscriptionStore::row)
                .stream()
                .findFirst();
    }

    Optional<WebhookSubscription> findForUpdate(long id) {
        return jdbc
                .query(
                        "SELECT * FROM webhook_subscription WHERE id = :id FOR UPDATE",
                        new MapSqlParameterSource("id", id),
                        WebhookSubscriptionStore::row)
                .stream()
                .findFirst();
    }

    long insert(WebhookSubscriptionRequest.Checked subscription, String actor) {
        return jdbc.queryForObject(
                """
                INSERT INTO webhook_subscription (url, secret, min_risk, event_types, created_by)
                VALUES (:url, :secret, :minRisk, :eventTypes, :actor)
                RETURNING id""",
                params(subscription)
                        .addValue("secret", sealed(subscription.secret()))
                        .addValue("actor", actor),
                Long.class);
    }

    /** Replaces the subscription; a null secret keeps the stored one. */
    void update(long id, WebhookSubscriptionRequest.Checked subscription) {
        jdbc.update(
                """
                UPDATE webhook_subscription
                SET url = :url,
                    secret = coalesce(:secret, secret),
                    min_risk = :minRisk,
                    event_types = :eventTypes,
                    updated_at = now(),
                    version = version + 1
                WHERE id = :id""",
                params(subscription)
                        .addValue("secret", sealed(subscription.secret()))
                        .addValue("id", id));
    }

    /** Every stored secret by subscription id, as stored: sealed or in clear. */
    Map<Long, String> storedSecrets() {
        Map<Long, String> stored = new LinkedHashMap<>();
        jdbc.query("SELECT id, secret FROM webhook_subscription ORDER BY id", rs -> {
            stored.put(rs.getLong("id"), rs.getString("secret"));
        });
        return stored;
    }

    /** Seals a secret stored in clear, unless it changed meanwhile. */
    void sealStoredSecret(long id, String clear) {
        jdbc.update(
                "UPDATE webhook_subscription SET secret = :sealed WHERE id = :id AND secret = :clear",
                new MapSqlParameterSource()
                        .addValue("id", id)
                        .addValue("clear", clear)
                        .addValue("sealed", secrets.seal(clear)));
    }

    private String sealed(String secret) {
        return secret == null ? null : secrets.seal(secret);
    }

    void delete(long id) {
        jdbc.update("DELETE FROM webhook_subscription WHERE id = :id", new MapSqlParameterSource("id", id));
    }

    private static MapSqlParameterSource params(WebhookSubscriptionRequest.Checked subscription) {
        return new MapSqlParameterSource()
                .addValue("url", subscription.url())
                .addValue("minRisk", subscription.minRisk().name())
                .addValue("eventTypes", subscription.eventTypes().toArray(String[]::new));
    }

    private static WebhookSubscription row(ResultSet rs, int rowNum) throws SQLException {
        Array types = rs.getArray("event_types");
        return new WebhookSubscription(
                rs.getLong("id"),
                rs.getString("url"),
                RiskScore.valueOf(rs.getString("min_risk")),
                Arrays.asList((String[]) types.getArray()),
                instant(rs, "created_at"),
                rs.getString("created_by"),
                instant(rs, "updated_at"),
                rs.getLong("version"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
