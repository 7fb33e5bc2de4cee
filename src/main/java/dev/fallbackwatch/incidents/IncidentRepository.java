package dev.fallbackwatch.incidents;

import dev.fallbackwatch.findings.RiskScore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Repository;

/** Reads and writes {@code incident}, and links findings to incidents. */
@Repository
class IncidentRepository {

    /** Risk levels as numbers, so that SQL can take the highest. */
    private static final String RISK_RANK =
            "CASE %s WHEN 'Low' THEN 1 WHEN 'Medium' THEN 2 WHEN 'High' THEN 3 ELSE 4 END";

    /** API property name to SQL expression; nothing else may reach ORDER BY. */
    static final Map<String, String> SORTABLE = Map.of(
            "firstSeen", "first_seen",
            "lastSeen", "last_seen",
            "highestRisk", RISK_RANK.formatted("highest_risk"),
            "findingCount", "finding_count",
            "id", "id");

    private final NamedParameterJdbcTemplate jdbc;

    IncidentRepository(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A finding a run raised that belongs to no incident yet. */
    record UnlinkedFinding(
            long id,
            String deviceName,
            String processFileName,
            Long processId,
            Instant firstSeen,
            Instant lastSeen,
            Instant windowStart,
            Instant windowEnd,
            RiskScore risk) {}

    /** What an incident's findings add up to. */
    record Aggregate(
            long incidentId,
            Instant firstSeen,
            Instant lastSeen,
            Instant windowStart,
            Instant windowEnd,
            RiskScore highestRisk,
            int findingCount,
            int openFindings) {}

    Optional<Incident> findById(long id) {
        return jdbc
                .query("SELECT * FROM incident WHERE id = :id", new MapSqlParameterSource("id", id), this::row)
                .stream()
                .findFirst();
    }

    Page<Incident> find(IncidentFilter filter, Pageable pageable) {
        MapSqlParameterSource params = new MapSqlParameterSource();
        List<String> conditions = new ArrayList<>();
        if (!filter.statuses().isEmpty()) {
            conditions.add("status IN (:statuses)");
            params.addValue(
                    "statuses", filter.statuses().stream().map(Enum::name).toList());
        }
        if (!filter.risks().isEmpty()) {
            conditions.add("highest_risk IN (:risks)");
            params.addValue("risks", filter.risks().stream().map(Enum::name).toList());
        }
        if (filter.deviceName() != null) {
            conditions.add("lower(device_name) = lower(:deviceName)");
            params.addValue("deviceName", filter.deviceName());
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);

        Long total = jdbc.queryForObject("SELECT count(*) FROM incident" + where, params, Long.class);
        params.addValue("limit", pageable.getPageSize()).addValue("offset", pageable.getOffset());
        List<Incident> content = jdbc.query(
                "SELECT * FROM incident" + where + " ORDER BY " + orderBy(pageable.getSort())
                        + " LIMIT :limit OFFSET :offset",
                params,
                this::row);
        return new PageImpl<>(content, pageable, total == null ? 0 : total);
    }

    /** The run's findings without an incident, in time order, so that a chain of buckets links up in one pass. */
    List<UnlinkedFinding> unlinkedFindingsOfRun(long runId) {
        return jdbc.query(
                """
                SELECT id, device_name, initiating_process_file_name, initiating_process_id, first_seen, last_seen,
                       window_start, window_end, risk_score
                FROM finding
                WHERE last_run_id = :runId
                  AND incident_id IS NULL
                ORDER BY window_start, id""",
                new MapSqlParameterSource("runId", runId),
                (rs, rowNum) -> new UnlinkedFinding(
                        rs.getLong("id"),
                        rs.getString("device_name"),
                        rs.getString("initiating_process_file_name"),
                        rs.getObject("initiating_process_id", Long.class),
                        instant(rs, "first_seen"),
                        instant(rs, "last_seen"),
                        instant(rs, "window_start"),
                        instant(rs, "window_end"),
                        RiskScore.valueOf(rs.getString("risk_score"))));
    }

    /** The incidents the run's findings belong to. */
    List<Long> incidentsOfRun(long runId) {
        return jdbc.queryForList(
                "SELECT DISTINCT incident_id FROM finding WHERE last_run_id = :runId AND incident_id IS NOT NULL",
                new MapSqlParameterSource("runId", runId),
                Long.class);
    }

    /** The bucket span of an incident of one process instance. */
    record Span(long id, ProcessInstance instance, Instant windowStart, Instant windowEnd) {}

    /** Where a new incident starts, and the finding that opens it. */
    record Opening(long id, UnlinkedFinding finding, Instant windowStart, Instant windowEnd) {}

    /**
     * The spans of every incident of the process instances that the run's unlinked findings belong to, locked, in
     * id order. PIDs are never negative, so -1 stands for a missing one in the comparison.
     */
    List<Span> lockSpansOfUnlinkedInstances(long runId) {
        return jdbc.query(
                """
                SELECT i.id, i.device_name, i.initiating_process_file_name, i.initiating_process_id,
                       i.window_start, i.window_end
                FROM incident i
                WHERE (i.device_name, i.initiating_process_file_name, coalesce(i.initiating_process_id, -1)) IN (
                    SELECT device_name, initiating_process_file_name, coalesce(initiating_process_id, -1)
                    FROM finding
                    WHERE last_run_id = :runId
                      AND incident_id IS NULL)
                ORDER BY i.id
                FOR UPDATE OF i""",
                new MapSqlParameterSource("runId", runId),
                (rs, rowNum) -> new Span(
                        rs.getLong("id"),
                        new ProcessInstance(
                                rs.getString("device_name"),
                                rs.getString("initiating_process_file_name"),
                                rs.getObject("initiating_process_id", Long.class)),
                        instant(rs, "window_start"),
                        instant(rs, "window_end")));
    }

    /** Takes ids for new incidents from the table's identity sequence, in ascending order. */
    List<Long> nextIds(int count) {
        return jdbc.queryForList("""
                SELECT nextval(pg_get_serial_sequence('incident', 'id'))
                FROM generate_series(1, :count)
                ORDER BY 1""", new MapSqlParameterSource("count", count), Long.class);
    }

    /** Inserts new incidents in one batch; their figures are filled in by {@link #update}. */
    void insert(List<Opening> openings, long runId, Instant now) {
        SqlParameterSource[] rows = openings.stream()
                .map(opening -> new MapSqlParameterSource()
                        .addValue("id", opening.id())
                        .addValue("deviceName", opening.finding().deviceName())
                        .addValue("processFileName", opening.finding().processFileName())
                        .addValue("processId", opening.finding().processId(), Types.BIGINT)
                        .addValue("firstSeen", utc(opening.finding().firstSeen()))
                        .addValue("lastSeen", utc(opening.finding().lastSeen()))
                        .addValue("windowStart", utc(opening.windowStart()))
                        .addValue("windowEnd", utc(opening.windowEnd()))
                        .addValue("risk", opening.finding().risk().name())
                        .addValue("now", utc(now))
                        .addValue("runId", runId))
                .toArray(SqlParameterSource[]::new);
        jdbc.batchUpdate("""
                INSERT INTO incident (
                    id, device_name, initiating_process_file_name, initiating_process_id, status, first_seen,
                    last_seen, window_start, window_end, highest_risk, finding_count, created_at, updated_at,
                    last_run_id)
                OVERRIDING SYSTEM VALUE
                VALUES (:id, :deviceName, :processFileName, :processId, 'OPEN', :firstSeen,
                        :lastSeen, :windowStart, :windowEnd, :risk, 1, :now, :now, :runId)""", rows);
    }

    /** Widens the spans of existing incidents that findings joined, in one batch. */
    void widen(Collection<Span> spans) {
        SqlParameterSource[] rows = spans.stream()
                .map(span -> new MapSqlParameterSource()
                        .addValue("id", span.id())
                        .addValue("windowStart", utc(span.windowStart()))
                        .addValue("windowEnd", utc(span.windowEnd())))
                .toArray(SqlParameterSource[]::new);
        jdbc.batchUpdate(
                "UPDATE incident SET window_start = :windowStart, window_end = :windowEnd WHERE id = :id", rows);
    }

    /** Links findings to incidents, in one batch: finding id to incident id. */
    void link(Map<Long, Long> incidentOfFinding) {
        SqlParameterSource[] rows = incidentOfFinding.entrySet().stream()
                .map(link -> new MapSqlParameterSource()
                        .addValue("findingId", link.getKey())
                        .addValue("incidentId", link.getValue()))
                .toArray(SqlParameterSource[]::new);
        jdbc.batchUpdate("UPDATE finding SET incident_id = :incidentId WHERE id = :findingId", rows);
    }

    List<Incident> lock(Collection<Long> ids) {
        return jdbc.query(
                "SELECT * FROM incident WHERE id IN (:ids) ORDER BY id FOR UPDATE",
                new MapSqlParameterSource("ids", ids),
                this::row);
    }

    List<Aggregate> aggregates(Collection<Long> ids) {
        return jdbc.query(
                """
                SELECT incident_id,
                       min(first_seen) AS first_seen,
                       max(last_seen) AS last_seen,
                       min(window_start) AS window_start,
                       max(window_end) AS window_end,
                       (array_agg(risk_score ORDER BY %s DESC))[1] AS highest_risk,
                       count(*) AS finding_count,
                       count(*) FILTER (WHERE status IN ('NEW', 'ACKNOWLEDGED', 'IN_PROGRESS')) AS open_findings
                FROM finding
                WHERE incident_id IN (:ids)
                GROUP BY incident_id""".formatted(RISK_RANK.formatted("risk_score")),
                new MapSqlParameterSource("ids", ids),
                (rs, rowNum) -> new Aggregate(
                        rs.getLong("incident_id"),
                        instant(rs, "first_seen"),
                        instant(rs, "last_seen"),
                        instant(rs, "window_start"),
                        instant(rs, "window_end"),
                        RiskScore.valueOf(rs.getString("highest_risk")),
                        rs.getInt("finding_count"),
                        rs.getInt("open_findings")));
    }

    /**
     * Writes the new state of incidents, in one batch.
     *
     * @param runId the run that changed them, null for a change by triage
     */
    void update(List<Incident> changed, Long runId) {
        SqlParameterSource[] rows = changed.stream()
                .map(incident -> new MapSqlParameterSource()
                        .addValue("id", incident.id())
                        .addValue("status", incident.status().name())
                        .addValue("firstSeen", utc(incident.firstSeen()))
                        .addValue("lastSeen", utc(incident.lastSeen()))
                        .addValue("windowStart", utc(incident.windowStart()))
                        .addValue("windowEnd", utc(incident.windowEnd()))
                        .addValue("highestRisk", incident.highestRisk().name())
                        .addValue("findingCount", incident.findingCount())
                        .addValue("reopenCount", incident.reopenCount())
                        .addValue("updatedAt", utc(incident.updatedAt()))
                        .addValue("resolvedAt", utc(incident.resolvedAt()))
                        .addValue("version", incident.version())
                        .addValue("runId", runId, Types.BIGINT))
                .toArray(SqlParameterSource[]::new);
        jdbc.batchUpdate("""
                UPDATE incident
                SET status = :status,
                    first_seen = :firstSeen,
                    last_seen = :lastSeen,
                    window_start = :windowStart,
                    window_end = :windowEnd,
                    highest_risk = :highestRisk,
                    finding_count = :findingCount,
                    reopen_count = :reopenCount,
                    updated_at = :updatedAt,
                    resolved_at = :resolvedAt,
                    version = :version,
                    last_run_id = coalesce(:runId, last_run_id)
                WHERE id = :id""", rows);
    }

    /** Callers must have checked the properties against {@link #SORTABLE}. */
    private static String orderBy(Sort sort) {
        if (sort.isUnsorted()) {
            return "last_seen DESC, id DESC";
        }
        List<String> terms = new ArrayList<>();
        for (Sort.Order order : sort) {
            terms.add(SORTABLE.get(order.getProperty()) + (order.isAscending() ? " ASC" : " DESC"));
        }
        terms.add("id");
        return String.join(", ", terms);
    }

    static Set<String> sortable() {
        return SORTABLE.keySet();
    }

    private Incident row(ResultSet rs, int rowNum) throws SQLException {
        return new Incident(
                rs.getLong("id"),
                IncidentStatus.valueOf(rs.getString("status")),
                rs.getString("device_name"),
                rs.getString("initiating_process_file_name"),
                rs.getObject("initiating_process_id", Long.class),
                instant(rs, "first_seen"),
                instant(rs, "last_seen"),
                instant(rs, "window_start"),
                instant(rs, "window_end"),
                RiskScore.valueOf(rs.getString("highest_risk")),
                rs.getInt("finding_count"),
                rs.getInt("reopen_count"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "resolved_at"),
                rs.getLong("version"),
                null);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
