package dev.fallbackwatch.findings;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The figures of {@code detection_threshold} an explanation refers to. */
record Thresholds(
        int findingIps,
        int findingPorts,
        int findingConnections,
        int criticalIps,
        int criticalPorts,
        int highIps,
        int highPorts,
        int highConnections,
        int mediumIps) {

    static final String SELECT = "SELECT * FROM detection_threshold WHERE id = 1";

    static Thresholds row(ResultSet rs, int rowNum) throws SQLException {
        return new Thresholds(
                rs.getInt("finding_min_distinct_ips"),
                rs.getInt("finding_min_distinct_ports"),
                rs.getInt("finding_min_connections"),
                rs.getInt("critical_min_distinct_ips"),
                rs.getInt("critical_min_distinct_ports"),
                rs.getInt("high_min_distinct_ips"),
                rs.getInt("high_min_distinct_ports"),
                rs.getInt("high_min_connections"),
                rs.getInt("medium_min_distinct_ips"));
    }

    /**
     * Explains a finding's counts and risk with these thresholds: which way it crossed the finding condition
     * (distinct IPs, or distinct ports with enough connections, or both) and what made its risk level.
     */
    Explanation explain(int ips, int ports, int connections, RiskScore risk, long bucketMinutes) {
        List<String> crossed = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        if (ips >= findingIps) {
            crossed.add("finding.minDistinctIps");
            reasons.add(ips + " distinct public destination IPs (threshold " + findingIps + ")");
        }
        if (ports >= findingPorts && connections >= findingConnections) {
            crossed.add("finding.minDistinctPorts");
            crossed.add("finding.minConnections");
            reasons.add(ports + " distinct destination ports over " + connections + " connections (thresholds "
                    + findingPorts + " ports, " + findingConnections + " connections)");
        }
        String fired = reasons.isEmpty()
                ? "Below the current finding thresholds; it was raised under earlier settings."
                : String.join(" and ", reasons) + " in one " + bucketMinutes + "-minute bucket.";
        String level = level(ips, ports, connections, risk, crossed);
        return new Explanation(fired + " " + level, List.copyOf(crossed));
    }

    private String level(int ips, int ports, int connections, RiskScore risk, List<String> crossed) {
        switch (risk) {
            case Critical -> {
                if (ips >= criticalIps && ports >= criticalPorts) {
                    crossed.add("critical.minDistinctIps");
                    crossed.add("critical.minDistinctPorts");
                    return "Critical: at least " + criticalIps + " IPs and " + criticalPorts + " ports.";
                }
            }
            case High -> {
                List<String> ways = new ArrayList<>();
                if (ips >= highIps) {
                    crossed.add("high.minDistinctIps");
                    ways.add("at least " + highIps + " IPs");
                }
                if (ports >= highPorts && connections >= highConnections) {
                    crossed.add("high.minDistinctPorts");
                    crossed.add("high.minConnections");
                    ways.add("at least " + highPorts + " ports and " + highConnections + " connections");
                }
                if (!ways.isEmpty()) {
                    return "High: " + String.join(", and ", ways) + ".";
                }
            }
            case Medium -> {
                if (ips >= mediumIps) {
                    crossed.add("medium.minDistinctIps");
                    return "Medium: at least " + mediumIps + " IPs.";
                }
            }
            case Low -> {
                return "Low: below the Medium, High and Critical thresholds.";
            }
        }
        return risk + " under the settings of the run that raised it.";
    }
}
