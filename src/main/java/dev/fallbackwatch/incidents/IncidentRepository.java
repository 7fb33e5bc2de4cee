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

    /**
     * The incident of the same process instance whose span touches or overlaps the finding's bucket, locked: its
     * last bucket ends where the finding's begins, its first begins where the finding's ends, or they overlap.
     * When the finding fills a gap between two incidents it joins the older one; incidents are never merged.
     */
    Optional<Long> lockAdjacent(UnlinkedFinding finding) {
        return jdbc
                .queryForList(
                        """
                        SELECT id
                        FROM incident
                        WHERE device_name = :deviceName
                          AND initiating_process_file_name = :processFileName
                          AND initiating_process_id IS NOT DISTINCT FROM :processId
                          AND window_start <= :windowEnd
                          AND window_end >= :windowStart
                        ORDER BY id
                        LIMIT 1
                        FOR UPDATE""",
                        new MapSqlParameterSource()
                                .addValue("deviceName", finding.deviceName())
                                .addValue("processFileName", finding.processFileName())
                                .addValue("processId", finding.processId(), Types.BIGINT)
                                .addValue("windowStart", utc(finding.windowStart()))
                                .addValue("windowEnd", utc(finding.windowEnd())),
                        Long.class)
                .stream()
                .findFirst();
    }

    long insert(UnlinkedFinding finding, long runId, Instant now) {
        return jdbc.queryForObject(
                """
                INSERT INTO incident (
                    device_name, initiating_process_file_name, initiating_process_id, status, first_seen, last_seen,
                    window_start, window_end, highest_risk, finding_count, created_at, updated_at, last_run_id)
                VALUES (:deviceName, :processFileName, :processId, 'OPEN', :firstSeen, :lastSeen,
                        :windowStart, :windowEnd, :risk, 1, :now, :now, :runId)
                RETURNING id""",
                new MapSqlParameterSource()
                        .addValue("deviceName", finding.deviceName())
                        .addValue("processFileName", finding.processFileName())
                        .addValue("processId", finding.processId(), Types.BIGINT)
                        .addValue("firstSeen", utc(finding.firstSeen()))
                        .addValue("lastSeen", utc(finding.lastSeen()))
                        .addValue("windowStart", utc(finding.windowStart()))
                        .addValue("windowEnd", utc(finding.windowEnd()))
                        .addValue("risk", finding.risk().name())
                        .addValue("now", utc(now))
                        .addValue("runId", runId),
                Long.class);
    }

    /** Links the finding and widens the incident's span at once, so the next bucket of the chain finds it. */
    void link(UnlinkedFinding finding, long incidentId) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("findingId", finding.id())
                .addValue("incidentId", incidentId)
                .addValue("windowStart", utc(finding.windowStart()))
                .addValue("windowEnd", utc(finding.windowEnd()));
        jdbc.update("UPDATE finding SET incident_id = :incidentId WHERE id = :findingId", params);
        jdbc.update("""
                UPDATE incident
                SET window_start = least(window_start, :windowStart),
                    window_end = greatest(window_end, :windowEnd)
                WHERE id = :incidentId""", params);
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
     * Writes an incident's new state.
     *
     * @param runId the run that changed it, null for a change by triage
     */
    void update(Incident incident, Long runId) {
        jdbc.update(
                """
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
                WHERE id = :id""",
                new MapSqlParameterSource()
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
                        .addValue("runId", runId, Types.BIGINT));
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
