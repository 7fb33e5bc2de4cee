package dev.fallbackwatch.findings;

import java.time.Instant;
import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reads the events behind a finding: those of its process instance (device, account, process file name, command
 * line, process id, parent) within its bucket that pass the filters of detection with the current settings —
 * public address, a watched port, no active process or destination exclusion — in the order detection reads them.
 *
 * <p>The filters repeat those of {@code detection.FallbackChannelQuery}; a change there must be made here too.
 */
@Repository
class FindingEventRepository {

    private static final String BEHIND = """
            WITH f AS (
                SELECT *
                FROM finding
                WHERE id = :findingId
            ),

            behind AS (
                SELECT e.*, h.remote_host
                FROM f
                JOIN network_event e
                  ON e.device_name = f.device_name
                 AND e.account_name = f.account_name
                 AND e.initiating_process_file_name = f.initiating_process_file_name
                 AND e.initiating_process_command_line = f.initiating_process_command_line
                 AND e.initiating_process_id IS NOT DISTINCT FROM f.initiating_process_id
                 AND e.initiating_process_parent_file_name = f.initiating_process_parent_file_name
                 AND e.event_time >= f.window_start
                 AND e.event_time < f.window_end
                CROSS JOIN LATERAL (
                    SELECT lower(substring(e.remote_url FROM
                                           '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^@/]*@)?([^/:?#]+)')) AS remote_host
                ) h
                WHERE e.remote_ip_type = 'Public'
                  AND e.remote_port IN (SELECT port FROM detection_port)
                  AND NOT EXISTS (
                      SELECT 1
                      FROM process_exclusion x
                      WHERE (x.expires_at IS NULL OR x.expires_at > :now)
                        AND lower(x.process_name) = lower(e.initiating_process_file_name)
                        AND (x.device_name IS NULL OR lower(x.device_name) = lower(e.device_name))
                        AND (x.account_name IS NULL OR lower(x.account_name) = lower(e.account_name))
                        AND (x.parent_process_name IS NULL
                             OR lower(x.parent_process_name) = lower(e.initiating_process_parent_file_name))
                        AND (x.command_line_like IS NULL
                             OR e.initiating_process_command_line ILIKE x.command_line_like))
                  AND NOT EXISTS (
                      SELECT 1
                      FROM destination_exclusion d
                      WHERE (d.expires_at IS NULL OR d.expires_at > :now)
                        AND (d.cidr IS NULL OR e.remote_ip <<= d.cidr)
                        AND (d.remote_url_suffix IS NULL
                             OR h.remote_host = d.remote_url_suffix
                             OR right(h.remote_host, length(d.remote_url_suffix) + 1) = '.' || d.remote_url_suffix)
                        AND (d.port IS NULL OR d.port = e.remote_port)
                        AND (d.device_name IS NULL OR lower(d.device_name) = lower(e.device_name))
                        AND (d.account_name IS NULL OR lower(d.account_name) = lower(e.account_name))
                        AND (d.process_name IS NULL
                             OR lower(d.process_name) = lower(e.initiating_process_file_name)))
            )
            """;

    private final NamedParameterJdbcTemplate jdbc;

    FindingEventRepository(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Page<FindingEvent> find(long findingId, Instant now, Pageable pageable) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("findingId", findingId)
                .addValue("now", FindingRepository.utc(now))
                .addValue("limit", pageable.getPageSize())
                .addValue("offset", pageable.getOffset());
        Long total = jdbc.queryForObject(BEHIND + "SELECT count(*) FROM behind", params, Long.class);
        List<FindingEvent> events = jdbc.query(
                BEHIND + """
                SELECT event_time, report_id, action_type, host(remote_ip) AS remote_ip, remote_port, remote_url,
                       protocol, host(local_ip) AS local_ip, local_port,
                       row_number() OVER (PARTITION BY remote_ip ORDER BY event_time, report_id) = 1 AS new_address,
                       row_number() OVER (PARTITION BY remote_port ORDER BY event_time, report_id) = 1 AS new_port
                FROM behind
                ORDER BY event_time, report_id
                LIMIT :limit OFFSET :offset""",
                params,
                (rs, rowNum) -> new FindingEvent(
                        FindingRepository.instant(rs, "event_time"),
                        rs.getString("report_id"),
                        rs.getString("action_type"),
                        rs.getString("remote_ip"),
                        rs.getObject("remote_port", Integer.class),
                        rs.getString("remote_url"),
                        rs.getString("protocol"),
                        rs.getString("local_ip"),
                        rs.getObject("local_port", Integer.class),
                        rs.getBoolean("new_address"),
                        rs.getBoolean("new_port")));
        return new PageImpl<>(events, pageable, total == null ? 0 : total);
    }
}
