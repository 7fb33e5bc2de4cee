package dev.fallbackwatch.detection;

import dev.fallbackwatch.database.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;

/** Row types and the query a preview compares: what the evaluation found, and what is stored. */
final class PreviewQueries {

    /**
     * Stored findings with activity in the window. A run may change or mark only the updatable ones, whose whole
     * span lies inside the window: the same condition as the run's upsert and its no-longer-matching update.
     */
    static final String STORED_IN_WINDOW = """
            SELECT id, device_name, group_key, window_start, account_name, initiating_process_file_name,
                   initiating_process_command_line, initiating_process_id, initiating_process_parent_file_name,
                   unique_dest_ips, unique_dest_ports, total_connections, risk_score, no_longer_matching,
                   first_seen > :windowStart AND last_seen <= :windowEnd AS updatable
            FROM finding
            WHERE last_seen > :windowStart
              AND first_seen <= :windowEnd
            """;

    private PreviewQueries() {}

    /** A group and bucket, as identified in the finding table. */
    record GroupKey(String deviceName, String groupKey, Instant windowStart) {}

    record Evaluated(GroupKey key, DetectionPreview.Change finding) {}

    record Stored(
            long id, GroupKey key, boolean updatable, boolean noLongerMatching, DetectionPreview.Change finding) {}

    static Evaluated evaluated(ResultSet rs, int rowNum) throws SQLException {
        GroupKey key = key(rs, "bucket_start");
        return new Evaluated(key, change(rs, null, key.windowStart(), null));
    }

    static Stored stored(ResultSet rs, int rowNum) throws SQLException {
        GroupKey key = key(rs, "window_start");
        long id = rs.getLong("id");
        return new Stored(
                id,
                key,
                rs.getBoolean("updatable"),
                rs.getBoolean("no_longer_matching"),
                change(rs, id, key.windowStart(), null));
    }

    private static GroupKey key(ResultSet rs, String bucketColumn) throws SQLException {
        return new GroupKey(
                rs.getString("device_name"),
                HexFormat.of().formatHex(rs.getBytes("group_key")),
                SqlTime.instant(rs, bucketColumn));
    }

    private static DetectionPreview.Change change(ResultSet rs, Long id, Instant windowStart, String previousRisk)
            throws SQLException {
        return new DetectionPreview.Change(
                id,
                rs.getString("device_name"),
                rs.getString("account_name"),
                rs.getString("initiating_process_file_name"),
                rs.getString("initiating_process_command_line"),
                rs.getObject("initiating_process_id", Long.class),
                rs.getString("initiating_process_parent_file_name"),
                windowStart,
                rs.getInt("unique_dest_ips"),
                rs.getInt("unique_dest_ports"),
                rs.getInt("total_connections"),
                rs.getString("risk_score"),
                previousRisk);
    }
}
