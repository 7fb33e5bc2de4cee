package dev.fallbackwatch.findings;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.ObjectMapper;

/** Reads findings with filters, paging and a sort restricted to known columns. */
@Repository
public class FindingRepository {

    /** API property name to SQL expression; nothing else may reach ORDER BY. */
    static final Map<String, String> SORTABLE = Map.ofEntries(
            Map.entry("uniqueDestIps", "unique_dest_ips"),
            Map.entry("uniqueDestPorts", "unique_dest_ports"),
            Map.entry("totalConnections", "total_connections"),
            Map.entry("connectionSpanMinutes", "connection_span_minutes"),
            Map.entry("firstSeen", "first_seen"),
            Map.entry("lastSeen", "last_seen"),
            Map.entry("windowStart", "window_start"),
            Map.entry("detectedAt", "detected_at"),
            Map.entry("updatedAt", "updated_at"),
            Map.entry("deviceName", "device_name"),
            Map.entry("accountName", "account_name"),
            Map.entry("initiatingProcessFileName", "initiating_process_file_name"),
            Map.entry(
                    "riskScore",
                    "CASE risk_score WHEN 'Low' THEN 1 WHEN 'Medium' THEN 2 WHEN 'High' THEN 3 ELSE 4 END"),
            Map.entry("id", "id"));

    // | sort by UniqueDestIPs desc, UniqueDestPorts desc
    private static final String SEED_ORDER = "unique_dest_ips DESC, unique_dest_ports DESC, last_seen DESC";

    private final NamedParameterJdbcTemplate jdbc;

    private final ObjectMapper json;

    FindingRepository(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<Finding> findById(long id) {
        return jdbc
                .query("SELECT * FROM finding WHERE id = :id", new MapSqlParameterSource("id", id), mapper())
                .stream()
                .findFirst();
    }

    /** Reads the finding and locks it until the transaction ends, so a version check and a write are atomic. */
    Optional<Finding> findForUpdate(long id) {
        return jdbc
                .query("SELECT * FROM finding WHERE id = :id FOR UPDATE", new MapSqlParameterSource("id", id), mapper())
                .stream()
                .findFirst();
    }

    List<Finding> findByIds(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.query(
                "SELECT * FROM finding WHERE id IN (:ids) ORDER BY id",
                new MapSqlParameterSource("ids", ids),
                mapper());
    }

    /** The findings of an incident, in time order. */
    public List<Finding> findByIncident(long incidentId) {
        return jdbc.query(
                "SELECT * FROM finding WHERE incident_id = :incidentId ORDER BY window_start, id",
                new MapSqlParameterSource("incidentId", incidentId),
                mapper());
    }

    Page<Finding> find(FindingFilter filter, Pageable pageable) {
        MapSqlParameterSource params = new MapSqlParameterSource();
        String where = where(filter, params);

        Long total = jdbc.queryForObject("SELECT count(*) FROM finding" + where, params, Long.class);

        params.addValue("limit", pageable.getPageSize()).addValue("offset", pageable.getOffset());
        List<Finding> content = jdbc.query(
                "SELECT * FROM finding" + where + " ORDER BY " + orderBy(pageable.getSort())
                        + " LIMIT :limit OFFSET :offset",
                params,
                mapper());
        return new PageImpl<>(content, pageable, total == null ? 0 : total);
    }

    private static String where(FindingFilter filter, MapSqlParameterSource params) {
        List<String> conditions = new ArrayList<>();
        if (!filter.risks().isEmpty()) {
            conditions.add("risk_score IN (:risks)");
            params.addValue("risks", filter.risks().stream().map(Enum::name).toList());
        }
        if (filter.matching() != null) {
            conditions.add("no_longer_matching = :noLongerMatching");
            params.addValue("noLongerMatching", !filter.matching());
        }
        if (filter.deviceName() != null) {
            conditions.add("lower(device_name) = lower(:deviceName)");
            params.addValue("deviceName", filter.deviceName());
        }
        if (filter.accountName() != null) {
            conditions.add("lower(account_name) = lower(:accountName)");
            params.addValue("accountName", filter.accountName());
        }
        if (filter.processFileName() != null) {
            conditions.add("lower(initiating_process_file_name) = lower(:processFileName)");
            params.addValue("processFileName", filter.processFileName());
        }
        if (filter.from() != null) {
            conditions.add("last_seen >= :from");
            params.addValue("from", utc(filter.from()));
        }
        if (filter.to() != null) {
            conditions.add("first_seen < :to");
            params.addValue("to", utc(filter.to()));
        }
        if (!filter.statuses().isEmpty()) {
            conditions.add("status IN (:statuses)");
            params.addValue(
                    "statuses", filter.statuses().stream().map(Enum::name).toList());
        }
        if (filter.assignee() != null) {
            conditions.add("lower(assignee) = lower(:assignee)");
            params.addValue("assignee", filter.assignee());
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Callers must have checked the properties against {@link #SORTABLE}. */
    private static String orderBy(Sort sort) {
        if (sort.isUnsorted()) {
            return SEED_ORDER + ", id";
        }
        List<String> terms = new ArrayList<>();
        for (Sort.Order order : sort) {
            terms.add(SORTABLE.get(order.getProperty()) + (order.isAscending() ? " ASC" : " DESC"));
        }
        terms.add("id");
        return String.join(", ", terms);
    }

    /**
     * Maps rows to findings. A finding raised before explanations were stored has none; it is explained with the
     * current thresholds, read at most once per query.
     */
    private RowMapper<Finding> mapper() {
        Supplier<Thresholds> thresholds = new Supplier<>() {
            private Thresholds current;

            @Override
            public Thresholds get() {
                if (current == null) {
                    current = jdbc.getJdbcTemplate().queryForObject(Thresholds.SELECT, Thresholds::row);
                }
                return current;
            }
        };
        return (rs, rowNum) -> row(rs, thresholds);
    }

    private Finding row(ResultSet rs, Supplier<Thresholds> thresholds) throws SQLException {
        String classification = rs.getString("classification");
        Instant windowStart = instant(rs, "window_start");
        Instant windowEnd = instant(rs, "window_end");
        RiskScore risk = RiskScore.valueOf(rs.getString("risk_score"));
        String storedExplanation = rs.getString("explanation");
        Explanation explanation = storedExplanation != null
                ? json.readValue(storedExplanation, Explanation.class)
                : thresholds
                        .get()
                        .explain(
                                rs.getInt("unique_dest_ips"),
                                rs.getInt("unique_dest_ports"),
                                rs.getInt("total_connections"),
                                risk,
                                Duration.between(windowStart, windowEnd).toMinutes());
        return new Finding(
                rs.getLong("id"),
                rs.getString("technique_id"),
                AttackMapping.of(rs.getString("technique_id")),
                explanation,
                windowStart,
                windowEnd,
                instant(rs, "first_seen"),
                instant(rs, "last_seen"),
                rs.getLong("connection_span_minutes"),
                rs.getString("device_name"),
                rs.getString("account_name"),
                rs.getString("initiating_process_file_name"),
                rs.getString("initiating_process_command_line"),
                rs.getObject("initiating_process_id", Long.class),
                rs.getString("initiating_process_parent_file_name"),
                rs.getInt("unique_dest_ips"),
                rs.getInt("unique_dest_ports"),
                rs.getInt("total_connections"),
                Arrays.asList((String[]) array(rs, "destination_ips")),
                Arrays.asList((Integer[]) array(rs, "destination_ports")),
                risk,
                instant(rs, "detected_at"),
                instant(rs, "updated_at"),
                rs.getBoolean("no_longer_matching"),
                nullableInstant(rs, "no_longer_matching_since"),
                rs.getObject("no_longer_matching_change_id", Long.class),
                TriageStatus.valueOf(rs.getString("status")),
                rs.getString("assignee"),
                classification == null ? null : Classification.valueOf(classification),
                rs.getObject("incident_id", Long.class),
                rs.getLong("version"));
    }

    private static Object array(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        return array.getArray();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    static Instant nullableInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
