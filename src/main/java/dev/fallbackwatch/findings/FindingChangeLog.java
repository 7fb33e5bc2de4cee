package dev.fallbackwatch.findings;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Appends every change of a finding to {@code finding_change}, and reads it back as a finding's history and as the
 * change feed.
 *
 * <p>The feed's promise is that a reader who asks for the changes after the last position it received gets every
 * change exactly once, in order, even while changes commit. A sequence alone does not keep it: concurrent
 * transactions commit out of sequence order, so a reader could see position 8 committed, move its cursor past 7,
 * and never see 7 when it commits a moment later. Here every writer takes the feed's advisory lock right before
 * it inserts its changes and keeps it until it commits or rolls back. Positions are therefore handed out and
 * committed one transaction at a time: once a position is visible, no lower position can still appear, and the
 * cursor is simply the last position received. A rolled-back writer leaves a gap, which means nothing.
 */
@Repository
class FindingChangeLog {

    /**
     * The feed's advisory lock, in the two-key space so it never collides with detection's single-key run lock.
     * Writers take it after all their row locks on findings and incidents, so they never wait on each other in a
     * cycle.
     */
    private static final int FEED_LOCK_CLASS = 1008;

    private static final int FEED_LOCK_OBJECT = 1;

    private static final String COLUMNS =
            "position, finding_id, version, kind, changed_at, changed_by, run_id, changes, comment";

    private final NamedParameterJdbcTemplate jdbc;

    private final ObjectMapper json;

    FindingChangeLog(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A change to record. */
    record Entry(
            Finding finding,
            ChangeKind kind,
            Instant changedAt,
            String changedBy,
            Long runId,
            JsonNode changes,
            String comment) {}

    /**
     * Records changes in the transaction that made them. It must be that transaction's last write to findings and
     * incidents: the feed lock it takes is held until commit.
     */
    void record(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        jdbc.getJdbcTemplate()
                .queryForObject("SELECT pg_advisory_xact_lock(?, ?)", Object.class, FEED_LOCK_CLASS, FEED_LOCK_OBJECT);
        SqlParameterSource[] rows = entries.stream()
                .map(entry -> new MapSqlParameterSource()
                        .addValue("findingId", entry.finding().id())
                        .addValue("version", entry.finding().version())
                        .addValue("kind", entry.kind().name())
                        .addValue("changedAt", FindingRepository.utc(entry.changedAt()))
                        .addValue("changedBy", entry.changedBy())
                        .addValue("runId", entry.runId())
                        .addValue("changes", json.writeValueAsString(entry.changes()))
                        .addValue("comment", entry.comment())
                        .addValue("snapshot", json.writeValueAsString(entry.finding())))
                .toArray(SqlParameterSource[]::new);
        jdbc.batchUpdate("""
                INSERT INTO finding_change (
                    finding_id, version, kind, changed_at, changed_by, run_id, changes, comment, snapshot)
                VALUES (:findingId, :version, :kind, :changedAt, :changedBy, :runId, CAST(:changes AS json),
                        :comment, CAST(:snapshot AS json))""", rows);
    }

    /** The finding as the last recorded change left it, for each of the findings that has one. */
    Map<Long, JsonNode> latestSnapshots(Collection<Long> findingIds) {
        Map<Long, JsonNode> snapshots = new HashMap<>();
        if (findingIds.isEmpty()) {
            return snapshots;
        }
        jdbc.query("""
                SELECT DISTINCT ON (finding_id) finding_id, snapshot
                FROM finding_change
                WHERE finding_id IN (:ids)
                ORDER BY finding_id, position DESC""", new MapSqlParameterSource("ids", findingIds), rs -> {
            snapshots.put(rs.getLong("finding_id"), json.readTree(rs.getString("snapshot")));
        });
        return snapshots;
    }

    /**
     * Changes after a position, in order, with the finding after each. Reads one more than asked to tell whether
     * more are waiting.
     */
    List<FindingChange> after(long position, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + ", snapshot FROM finding_change WHERE position > :after"
                        + " ORDER BY position LIMIT :limit",
                new MapSqlParameterSource().addValue("after", position).addValue("limit", limit),
                (rs, rowNum) -> change(rs, json.readTree(rs.getString("snapshot"))));
    }

    /** A finding's changes, oldest first, without the snapshots. */
    Page<FindingChange> history(long findingId, Pageable pageable) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("findingId", findingId)
                .addValue("limit", pageable.getPageSize())
                .addValue("offset", pageable.getOffset());
        Long total = jdbc.queryForObject(
                "SELECT count(*) FROM finding_change WHERE finding_id = :findingId", params, Long.class);
        List<FindingChange> changes = jdbc.query(
                "SELECT " + COLUMNS + " FROM finding_change WHERE finding_id = :findingId"
                        + " ORDER BY position LIMIT :limit OFFSET :offset",
                params,
                (rs, rowNum) -> change(rs, null));
        return new PageImpl<>(changes, pageable, total == null ? 0 : total);
    }

    private FindingChange change(ResultSet rs, JsonNode snapshot) throws SQLException {
        return new FindingChange(
                rs.getLong("position"),
                rs.getLong("finding_id"),
                rs.getLong("version"),
                ChangeKind.valueOf(rs.getString("kind")),
                FindingRepository.instant(rs, "changed_at"),
                rs.getString("changed_by"),
                rs.getObject("run_id", Long.class),
                json.readTree(rs.getString("changes")),
                rs.getString("comment"),
                snapshot);
    }
}
