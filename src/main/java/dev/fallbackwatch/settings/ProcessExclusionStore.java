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

/** Reads and writes {@code process_exclusion}; the version column makes each entry's ETag. */
@Repository
class ProcessExclusionStore {

    private static final String SELECT =
            "SELECT *, expires_at IS NOT NULL AND expires_at <= now() AS expired" + " FROM process_exclusion";

    private final NamedParameterJdbcTemplate jdbc;

    ProcessExclusionStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<ProcessExclusion> findAll() {
        return jdbc.query(SELECT + " ORDER BY lower(process_name), id", ProcessExclusionStore::row);
    }

    Optional<ProcessExclusion> find(long id) {
        return jdbc
                .query(SELECT + " WHERE id = :id", new MapSqlParameterSource("id", id), ProcessExclusionStore::row)
                .stream()
                .findFirst();
    }

    /** Reads the entry and locks it until the transaction ends. */
    Optional<ProcessExclusion> findForUpdate(long id) {
        return jdbc
                .query(
                        SELECT + " WHERE id = :id FOR UPDATE",
                        new MapSqlParameterSource("id", id),
                        ProcessExclusionStore::row)
                .stream()
                .findFirst();
    }

    long insert(ProcessExclusionRequest entry, String actor) {
        return jdbc.queryForObject("""
                INSERT INTO process_exclusion (
                    process_name, reason, device_name, account_name, parent_process_name,
                    command_line_pattern, expires_at, created_by)
                VALUES (:processName, :reason, :deviceName, :accountName, :parentProcessName,
                        :commandLinePattern, :expiresAt, :actor)
                RETURNING id""", params(entry).addValue("actor", actor), Long.class);
    }

    void update(long id, ProcessExclusionRequest entry) {
        jdbc.update("""
                UPDATE process_exclusion
                SET process_name = :processName,
                    reason = :reason,
                    device_name = :deviceName,
                    account_name = :accountName,
                    parent_process_name = :parentProcessName,
                    command_line_pattern = :commandLinePattern,
                    expires_at = :expiresAt,
                    updated_at = now(),
                    version = version + 1
                WHERE id = :id""", params(entry).addValue("id", id));
    }

    void delete(long id) {
        jdbc.update("DELETE FROM process_exclusion WHERE id = :id", new MapSqlParameterSource("id", id));
    }

    void deleteAll() {
        jdbc.update("DELETE FROM process_exclusion", new MapSqlParameterSource());
    }

    private static MapSqlParameterSource params(ProcessExclusionRequest entry) {
        return new MapSqlParameterSource()
                .addValue("processName", entry.processName())
                .addValue("reason", entry.reason())
                .addValue("deviceName", entry.deviceName())
                .addValue("accountName", entry.accountName())
                .addValue("parentProcessName", entry.parentProcessName())
                .addValue("commandLinePattern", entry.commandLinePattern())
                .addValue("expiresAt", utc(entry.expiresAt()));
    }

    private static ProcessExclusion row(ResultSet rs, int rowNum) throws SQLException {
        return new ProcessExclusion(
                rs.getLong("id"),
                rs.getString("process_name"),
                rs.getString("reason"),
                rs.getString("device_name"),
                rs.getString("account_name"),
                rs.getString("parent_process_name"),
                rs.getString("command_line_pattern"),
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
