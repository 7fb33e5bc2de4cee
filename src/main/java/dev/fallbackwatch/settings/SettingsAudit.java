package dev.fallbackwatch.settings;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Appends every settings change to {@code settings_audit}, with the state before and after it. */
@Repository
class SettingsAudit {

    /** The audited resources, as they appear in the audit trail. */
    enum Resource {
        THRESHOLDS("thresholds"),
        PORTS("ports"),
        PROCESS_EXCLUSION("process-exclusions"),
        DESTINATION_EXCLUSION("destination-exclusions");

        private final String path;

        Resource(String path) {
            this.path = path;
        }

        String path() {
            return path;
        }
    }

    enum Action {
        CREATE,
        UPDATE,
        DELETE
    }

    private final NamedParameterJdbcTemplate jdbc;

    private final ObjectMapper json;

    SettingsAudit(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void record(Resource resource, Long resourceId, Action action, Object before, Object after, String actor) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("changedBy", actor)
                .addValue("resource", resource.path())
                .addValue("resourceId", resourceId)
                .addValue("action", action.name())
                .addValue("before", before == null ? null : json.writeValueAsString(before))
                .addValue("after", after == null ? null : json.writeValueAsString(after));
        jdbc.update("""
                INSERT INTO settings_audit (changed_by, resource, resource_id, action, before, after)
                VALUES (:changedBy, :resource, :resourceId, :action, CAST(:before AS jsonb), CAST(:after AS jsonb))""", params);
    }

    Page<AuditEntry> find(String resource, Pageable pageable) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("resource", resource)
                .addValue("limit", pageable.getPageSize())
                .addValue("offset", pageable.getOffset());
        String where = resource == null ? "" : " WHERE resource = :resource";
        Long total = jdbc.queryForObject("SELECT count(*) FROM settings_audit" + where, params, Long.class);
        List<AuditEntry> entries = jdbc.query(
                "SELECT * FROM settings_audit" + where
                        + " ORDER BY changed_at DESC, id DESC LIMIT :limit OFFSET :offset",
                params,
                this::entry);
        return new PageImpl<>(entries, pageable, total == null ? 0 : total);
    }

    private AuditEntry entry(ResultSet rs, int rowNum) throws SQLException {
        return new AuditEntry(
                rs.getLong("id"),
                rs.getObject("changed_at", OffsetDateTime.class).toInstant(),
                rs.getString("changed_by"),
                rs.getString("resource"),
                rs.getObject("resource_id", Long.class),
                rs.getString("action"),
                tree(rs.getString("before")),
                tree(rs.getString("after")));
    }

    private JsonNode tree(String value) {
        return value == null ? null : json.readTree(value);
    }
}
