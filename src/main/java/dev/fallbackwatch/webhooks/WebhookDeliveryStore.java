package dev.fallbackwatch.webhooks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.ObjectMapper;

/** The outbox {@code webhook_delivery}: written with the changes it announces, claimed and updated by dispatchers. */
@Repository
class WebhookDeliveryStore {

    private final NamedParameterJdbcTemplate jdbc;

    private final ObjectMapper json;

    private final WebhookSecrets secrets;

    WebhookDeliveryStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json, WebhookSecrets secrets) {
        this.jdbc = jdbc;
        this.json = json;
        this.secrets = secrets;
    }

    /** A delivery to add to the outbox, due at once. */
    record NewDelivery(
            UUID id,
            long subscriptionId,
            WebhookEventType type,
            long subjectId,
            long subjectVersion,
            String payload,
            Instant createdAt) {}

    /**
     * A delivery a dispatcher has claimed, with what it needs to send it. The secret is null when it does not open
     * with this instance's encryption key, and the attempt then fails with that reason.
     */
    record ClaimedDelivery(
            UUID id, long subscriptionId, String url, String secret, String eventType, String payload, int attempts) {}

    void enqueue(List<NewDelivery> deliveries) {
        SqlParameterSource[] rows = deliveries.stream()
                .map(delivery -> new MapSqlParameterSource()
                        .addValue("id", delivery.id())
                        .addValue("subscriptionId", delivery.subscriptionId())
                        .addValue("eventType", delivery.type().wireName())
                        .addValue("subjectId", delivery.subjectId())
                        .addValue("subjectVersion", delivery.subjectVersion())
                        .addValue("payload", delivery.payload())
                        .addValue("createdAt", WebhookSubscriptionStore.utc(delivery.createdAt())))
                .toArray(SqlParameterSource[]::new);
        jdbc.batchUpdate("""
                INSERT INTO webhook_delivery (
                    id, subscription_id, event_type, subject_id, subject_version, payload, status, created_at,
                    next_attempt_at)
                VALUES (:id, :subscriptionId, :eventType, :subjectId, :subjectVersion, :payload, 'PENDING',
                        :createdAt, :createdAt)""", rows);
    }

    /**
     * Claims due deliveries in one statement: counts the attempt and moves the next attempt to the end of the
     * lease, so no other dispatcher takes them while this one sends. Rows another dispatcher is claiming at the
     * same moment are skipped, not waited for. If this dispatcher stops before it records an outcome, the lease
     * expires and the delivery is sent again, with the same id.
     */
    List<ClaimedDelivery> claimDue(Instant now, Instant leaseEnd, int limit) {
        return jdbc.query(
                """
                UPDATE webhook_delivery d
                SET attempts = d.attempts + 1,
                    last_attempt_at = :now,
                    next_attempt_at = :leaseEnd
                FROM (
                    SELECT id
                    FROM webhook_delivery
                    WHERE status = 'PENDING'
                      AND next_attempt_at <= :now
                    ORDER BY next_attempt_at, seq
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED
                ) due, webhook_subscription s
                WHERE d.id = due.id
                  AND s.id = d.subscription_id
                RETURNING d.id, d.subscription_id, s.url, s.secret, d.event_type, d.payload, d.attempts""",
                new MapSqlParameterSource()
                        .addValue("now", WebhookSubscriptionStore.utc(now))
                        .addValue("leaseEnd", WebhookSubscriptionStore.utc(leaseEnd))
                        .addValue("limit", limit),
                (rs, rowNum) -> new ClaimedDelivery(
                        rs.getObject("id", UUID.class),
                        rs.getLong("subscription_id"),
                        rs.getString("url"),
                        openedOrNull(rs.getString("secret")),
                        rs.getString("event_type"),
                        rs.getString("payload"),
                        rs.getInt("attempts")));
    }

    /**
     * Records the outcome of an attempt, unless the claim has been superseded meanwhile (its lease expired and
     * another dispatcher claimed it, or an admin retried it by hand).
     *
     * @param status DELIVERED, PENDING (to retry at {@code nextAttemptAt}) or FAILED
     */
    void recordAttempt(
            ClaimedDelivery claim,
            String status,
            Instant now,
            Integer statusCode,
            String error,
            Instant nextAttemptAt) {
        jdbc.update(
                """
                UPDATE webhook_delivery
                SET status = :status,
                    next_attempt_at = :nextAttemptAt,
                    delivered_at = CASE WHEN :status = 'DELIVERED' THEN :now END,
                    last_status_code = :statusCode,
                    last_error = :error
                WHERE id = :id
                  AND attempts = :attempts
                  AND status = 'PENDING'""",
                new MapSqlParameterSource()
                        .addValue("id", claim.id())
                        .addValue("attempts", claim.attempts())
                        .addValue("status", status)
                        .addValue("now", WebhookSubscriptionStore.utc(now))
                        .addValue("statusCode", statusCode, Types.INTEGER)
                        .addValue("error", error)
                        .addValue("nextAttemptAt", WebhookSubscriptionStore.utc(nextAttemptAt)));
    }

    private String openedOrNull(String stored) {
        try {
            return secrets.open(stored);
        } catch (IllegalStateException ex) {
            return null;
        }
    }

    /** Deletes deliveries that settled, delivered or failed, at or before {@code settledBefore}; returns how many. */
    int deleteSettled(Instant settledBefore) {
        MapSqlParameterSource params =
                new MapSqlParameterSource("settledBefore", WebhookSubscriptionStore.utc(settledBefore));
        return jdbc.update("""
                DELETE FROM webhook_delivery
                WHERE status IN ('DELIVERED', 'FAILED')
                  AND last_attempt_at <= :settledBefore""", params);
    }

    Optional<WebhookDelivery> find(long subscriptionId, UUID id) {
        return jdbc
                .query(
                        "SELECT * FROM webhook_delivery WHERE subscription_id = :subscriptionId AND id = :id",
                        new MapSqlParameterSource()
                                .addValue("subscriptionId", subscriptionId)
                                .addValue("id", id),
                        this::row)
                .stream()
                .findFirst();
    }

    /** A subscription's deliveries, newest first, optionally of one status. */
    Page<WebhookDelivery> find(long subscriptionId, String status, Pageable pageable) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("subscriptionId", subscriptionId)
                .addValue("status", status)
                .addValue("limit", pageable.getPageSize())
                .addValue("offset", pageable.getOffset());
        String where = " WHERE subscription_id = :subscriptionId" + (status == null ? "" : " AND status = :status");
        Long total = jdbc.queryForObject("SELECT count(*) FROM webhook_delivery" + where, params, Long.class);
        List<WebhookDelivery> deliveries = jdbc.query(
                "SELECT * FROM webhook_delivery" + where + " ORDER BY seq DESC LIMIT :limit OFFSET :offset",
                params,
                this::row);
        return new PageImpl<>(deliveries, pageable, total == null ? 0 : total);
    }

    /** Makes a FAILED delivery due again with a fresh count of attempts; false when it is not FAILED. */
    boolean retry(long subscriptionId, UUID id, Instant now) {
        return jdbc.update(
                        """
                        UPDATE webhook_delivery
                        SET status = 'PENDING', attempts = 0, next_attempt_at = :now
                        WHERE subscription_id = :subscriptionId
                          AND id = :id
                          AND status = 'FAILED'""",
                        new MapSqlParameterSource()
                                .addValue("subscriptionId", subscriptionId)
                                .addValue("id", id)
                                .addValue("now", WebhookSubscriptionStore.utc(now)))
                == 1;
    }

    private WebhookDelivery row(ResultSet rs, int rowNum) throws SQLException {
        return new WebhookDelivery(
                rs.getObject("id", UUID.class),
                rs.getLong("subscription_id"),
                rs.getString("event_type"),
                rs.getLong("subject_id"),
                rs.getLong("subject_version"),
                rs.getString("status"),
                rs.getInt("attempts"),
                WebhookSubscriptionStore.instant(rs, "created_at"),
                WebhookSubscriptionStore.instant(rs, "next_attempt_at"),
                WebhookSubscriptionStore.instant(rs, "last_attempt_at"),
                WebhookSubscriptionStore.instant(rs, "delivered_at"),
                rs.getObject("last_status_code", Integer.class),
                rs.getString("last_error"),
                json.readTree(rs.getString("payload")));
    }
}
