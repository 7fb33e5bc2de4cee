package dev.fallbackwatch.settings;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Reads and writes the single row of {@code detection_threshold}. */
@Repository
class ThresholdStore {

    private final NamedParameterJdbcTemplate jdbc;

    ThresholdStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Versioned<ThresholdSettings> get() {
        return jdbc.queryForObject(
                "SELECT * FROM detection_threshold WHERE id = 1", new MapSqlParameterSource(), ThresholdStore::row);
    }

    /** Reads the row and locks it until the transaction ends, so a version check and a write are atomic. */
    Versioned<ThresholdSettings> getForUpdate() {
        return jdbc.queryForObject(
                "SELECT * FROM detection_threshold WHERE id = 1 FOR UPDATE",
                new MapSqlParameterSource(),
                ThresholdStore::row);
    }

    void write(ThresholdSettings settings) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("lookbackHours", settings.lookbackHours())
                .addValue("bucketMinutes", settings.bucketMinutes())
                .addValue("findingIps", settings.finding().minDistinctIps())
                .addValue("findingPorts", settings.finding().minDistinctPorts())
                .addValue("findingConnections", settings.finding().minConnections())
                .addValue("criticalIps", settings.critical().minDistinctIps())
                .addValue("criticalPorts", settings.critical().minDistinctPorts())
                .addValue("highIps", settings.high().minDistinctIps())
                .addValue("highPorts", settings.high().minDistinctPorts())
                .addValue("highConnections", settings.high().minConnections())
                .addValue("mediumIps", settings.medium().minDistinctIps());
        jdbc.update("""
                UPDATE detection_threshold
                SET lookback_hours = :lookbackHours,
                    bucket_minutes = :bucketMinutes,
                    finding_min_distinct_ips = :findingIps,
                    finding_min_distinct_ports = :findingPorts,
                    finding_min_connections = :findingConnections,
                    critical_min_distinct_ips = :criticalIps,
                    critical_min_distinct_ports = :criticalPorts,
                    high_min_distinct_ips = :highIps,
                    high_min_distinct_ports = :highPorts,
                    high_min_connections = :highConnections,
                    medium_min_distinct_ips = :mediumIps,
                    version = version + 1,
                    updated_at = now()
                WHERE id = 1""", params);
    }

    private static Versioned<ThresholdSettings> row(ResultSet rs, int rowNum) throws SQLException {
        ThresholdSettings settings = new ThresholdSettings(
                rs.getInt("lookback_hours"),
                rs.getInt("bucket_minutes"),
                new ThresholdSettings.Finding(
                        rs.getInt("finding_min_distinct_ips"),
                        rs.getInt("finding_min_distinct_ports"),
                        rs.getInt("finding_min_connections")),
                new ThresholdSettings.Critical(
                        rs.getInt("critical_min_distinct_ips"), rs.getInt("critical_min_distinct_ports")),
                new ThresholdSettings.High(
                        rs.getInt("high_min_distinct_ips"),
                        rs.getInt("high_min_distinct_ports"),
                        rs.getInt("high_min_connections")),
                new ThresholdSettings.Medium(rs.getInt("medium_min_distinct_ips")));
        return new Versioned<>(settings, rs.getLong("version"));
    }
}
