package dev.fallbackwatch.settings;

import static dev.fallbackwatch.database.SqlTime.instant;
import static dev.fallbackwatch.database.SqlTime.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Reads and writes {@code destination_exclusion}; the version column makes each entry's ETag. */
@Repository
class DestinationExclusionStore {

    private static final String SELECT =
            "SELECT *, expires_at IS NOT NULL AND expires_at <= now() AS expired" + " FROM destination_exclusion";

    private final NamedParameterJdbcTemplate jdbc;

    DestinationExclusionStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<DestinationExclusion> findAll() {
        return jdbc.query(SELECT + " ORDER BY id", DestinationExclusionStore::row);
    }

    Optional<DestinationExclusion> find(long id) {
        return jdbc
                .query(SELECT + " WHERE id = :id", new MapSqlParameterSource("id", id), DestinationExclusionStore::row)
                .stream()
                .findFirst();
    }

    /** Reads the entry and locks it until the transaction ends. */
    Optional<DestinationExclusion> findForUpdate(long id) {
        return jdbc
                .query(
                        SELECT + " WHERE id = :id FOR UPDATE",
                        new MapSqlParameterSource("id", id),
                        DestinationExclusionStore::row)
                .stream()
                .findFirst();
    }

    long insert(DestinationExclusionRequest entry, String actor) {
        return jdbc.queryForObject("""
                INSERT INTO destination_exclusion (
                    cidr, remote_url_suffix, port, reason, device_name, account_name, process_name,
                    expires_at, created_by)
                VALUES (CAST(:cidr AS cidr), :remoteUrl, :port, :reason, :deviceName, :accountName, :processName,
                        :expiresAt, :actor)
                RETURNING id""", params(entry).addValue("actor", actor), Long.class);
    }

    void update(long id, DestinationExclusionRequest entry) {
        jdbc.update("""
                UPDATE destination_exclusion
                SET cidr = CAST(:cidr AS cidr),
                    remote_url_suffix = :remoteUrl,
                    port = :port,
                    reason = :reason,
                    device_name = :deviceName,
                    account_name = :accountName,
                    process_name = :processName,
                    expires_at = :expiresAt,
                    updated_at = now(),
                    version = version + 1
                WHERE id = :id""", params(entry).addValue("id", id));
    }

    void delete(long id) {
        jdbc.update("DELETE FROM destination_exclusion WHERE id = :id", new MapSqlParameterSource("id", id));
    }

    void deleteAll() {
        jdbc.update("DELETE FROM destination_exclusion", new MapSqlParameterSource());
    }

    private static MapSqlParameterSource params(DestinationExclusionRequest entry) {
        return new MapSqlParameterSource()
                .addValue("cidr", entry.cidr())
                .addValue("remoteUrl", entry.remoteUrl())
                .addValue("port", entry.port())
                .addValue("reason", entry.reason())
                .addValue("deviceName", entry.deviceName())
                .addValue("accountName", entry.accountName())
                .addValue("processName", entry.processName())
                .addValue("expiresAt", utc(entry.expiresAt()));
    }

    private static DestinationExclusion row(ResultSet rs, int rowNum) throws SQLException {
        return new DestinationExclusion(
                rs.getLong("id"),
                rs.getString("cidr"),
                rs.getString("remote_url_suffix"),
                rs.getObject("port", Integer.class),
                rs.getString("reason"),
                rs.getString("device_name"),
                rs.getString("account_name"),
                rs.getString("process_name"),
                instant(rs, "expires_at"),
                rs.getBoolean("expired"),
                instant(rs, "created_at"),
                rs.getString("created_by"),
                instant(rs, "updated_at"),
                rs.getLong("version"),
                rs.getObject("last_run_id", Long.class),
                rs.getObject("last_run_suppressed_events", Long.class));
    }
}
