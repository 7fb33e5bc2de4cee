package dev.fallbackwatch.detection;

/**
 * The seed KQL query, as one PostgreSQL statement that evaluates the lookback window and upserts findings.
 *
 * <p>Read it beside {@code t1008-fallback-channels.txt}; each step names the KQL line it implements. Two
 * deliberate differences: the process exclusion is a case-insensitive match of the whole file name (KQL's
 * {@code has_any} matches terms, so {@code update-chrome.exe} would hide), and distinct counts are exact where
 * KQL's {@code dcount} estimates.
 *
 * <p>Invariants of the upsert: one finding per process instance and bucket; a finding is only updated when the
 * new evaluation covers at least the span it covered before (so the lookback edge moving through a bucket, or a
 * back-test window ending inside one, never shrinks it), and only when something changed.
 */
final class FallbackChannelQuery {

    /** Parameters: runId, windowStart, windowEnd (exclusive of start, inclusive of end), evaluatedAt. */
    static final String SQL = """
            WITH settings AS (
                SELECT *
                FROM detection_threshold
                WHERE id = 1
            ),

            -- DeviceNetworkEvents | where Timestamp > ago(24h)
            window_events AS (
                SELECT e.*,
                       date_bin(make_interval(mins => s.bucket_minutes), e.event_time,
                                TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket_start
                FROM network_event e
                CROSS JOIN settings s
                WHERE e.event_time > :windowStart
                  AND e.event_time <= :windowEnd
            ),

            matching_events AS (
                SELECT w.*,
                       row_number() OVER (
                           PARTITION BY device_name, account_name, initiating_process_file_name,
                                        initiating_process_command_line, initiating_process_id,
                                        initiating_process_parent_file_name, bucket_start, remote_ip
                           ORDER BY event_time, report_id) AS ip_contact,
                       row_number() OVER (
                           PARTITION BY device_name, account_name, initiating_process_file_name,
                                        initiating_process_command_line, initiating_process_id,
                                        initiating_process_parent_file_name, bucket_start, remote_port
                           ORDER BY event_time, report_id) AS port_contact
                FROM window_events w
                -- | where RemoteIPType == "Public"
                WHERE w.remote_ip_type = 'Public'
                  -- | where RemotePort in (C2FallbackPorts)
                  AND w.remote_port IN (SELECT port FROM detection_port)
                  -- | where not(InitiatingProcessFileName has_any (ExcludedProcesses))
                  AND NOT EXISTS (
                      SELECT 1
                      FROM process_exclusion x
                      WHERE lower(x.process_name) = lower(w.initiating_process_file_name))
            ),

            -- | summarize ... by DeviceName, AccountName, InitiatingProcessFileName,
            --   InitiatingProcessCommandLine, InitiatingProcessId, InitiatingProcessParentFileName, bin(Timestamp, 1h)
            buckets AS (
                SELECT device_name, account_name, initiating_process_file_name,
                       initiating_process_command_line, initiating_process_id,
                       initiating_process_parent_file_name, bucket_start,
                       count(*) FILTER (WHERE ip_contact = 1) AS unique_dest_ips,
                       count(*) FILTER (WHERE port_contact = 1) AS unique_dest_ports,
                       count(*) AS total_connections,
                       (array_agg(host(remote_ip) ORDER BY event_time, remote_ip)
                           FILTER (WHERE ip_contact = 1))[1 : 10] AS destination_ips,
                       (array_agg(remote_port ORDER BY event_time, remote_port)
                           FILTER (WHERE port_contact = 1))[1 : 10] AS destination_ports,
                       min(event_time) AS first_seen,
                       max(event_time) AS last_seen
                FROM matching_events
                GROUP BY device_name, account_name, initiating_process_file_name,
                         initiating_process_command_line, initiating_process_id,
                         initiating_process_parent_file_name, bucket_start
            ),

            -- | where UniqueDestIPs >= 3 or (UniqueDestPorts >= 3 and TotalConnections >= 5)
            -- | extend ConnectionSpanMinutes = datetime_diff('minute', LastSeen, FirstSeen)
            -- | extend RiskScore = case(...)
            findings AS (
                SELECT b.*,
                       b.bucket_start + make_interval(mins => s.bucket_minutes) AS bucket_end,
                       (extract(epoch FROM date_bin('1 minute', b.last_seen, TIMESTAMPTZ '1970-01-01 00:00:00+00'))
                        - extract(epoch FROM date_bin('1 minute', b.first_seen, TIMESTAMPTZ '1970-01-01 00:00:00+00'))
                       )::bigint / 60 AS connection_span_minutes,
                       CASE
                           WHEN b.unique_dest_ips >= s.critical_min_distinct_ips
                                AND b.unique_dest_ports >= s.critical_min_distinct_ports THEN 'Critical'
                           WHEN b.unique_dest_ips >= s.high_min_distinct_ips
                                OR (b.unique_dest_ports >= s.high_min_distinct_ports
                                    AND b.total_connections >= s.high_min_connections) THEN 'High'
                           WHEN b.unique_dest_ips >= s.medium_min_distinct_ips THEN 'Medium'
                           ELSE 'Low'
                       END AS risk_score,
                       sha256(convert_to(json_build_array(
                           b.device_name, b.account_name, b.initiating_process_file_name,
                           b.initiating_process_command_line, b.initiating_process_id,
                           b.initiating_process_parent_file_name)::text, 'UTF8')) AS group_key
                FROM buckets b
                CROSS JOIN settings s
                WHERE b.unique_dest_ips >= s.finding_min_distinct_ips
                   OR (b.unique_dest_ports >= s.finding_min_distinct_ports
                       AND b.total_connections >= s.finding_min_connections)
            ),

            upserted AS (
                INSERT INTO finding (
                    device_name, group_key, window_start, window_end, account_name,
                    initiating_process_file_name, initiating_process_command_line, initiating_process_id,
                    initiating_process_parent_file_name, first_seen, last_seen, connection_span_minutes,
                    unique_dest_ips, unique_dest_ports, total_connections, destination_ips, destination_ports,
                    risk_score, detected_at, updated_at, last_run_id)
                SELECT device_name, group_key, bucket_start, bucket_end, account_name,
                       initiating_process_file_name, initiating_process_command_line, initiating_process_id,
                       initiating_process_parent_file_name, first_seen, last_seen, connection_span_minutes,
                       unique_dest_ips, unique_dest_ports, total_connections, destination_ips, destination_ports,
                       risk_score, :evaluatedAt, :evaluatedAt, :runId
                FROM findings
                ON CONFLICT (device_name, group_key, window_start) DO UPDATE
                SET first_seen = EXCLUDED.first_seen,
                    last_seen = EXCLUDED.last_seen,
                    connection_span_minutes = EXCLUDED.connection_span_minutes,
                    unique_dest_ips = EXCLUDED.unique_dest_ips,
                    unique_dest_ports = EXCLUDED.unique_dest_ports,
                    total_connections = EXCLUDED.total_connections,
                    destination_ips = EXCLUDED.destination_ips,
                    destination_ports = EXCLUDED.destination_ports,
                    risk_score = EXCLUDED.risk_score,
                    updated_at = EXCLUDED.updated_at,
                    last_run_id = EXCLUDED.last_run_id
                WHERE EXCLUDED.first_seen <= finding.first_seen
                  AND EXCLUDED.last_seen >= finding.last_seen
                  AND (finding.first_seen, finding.last_seen, finding.total_connections, finding.unique_dest_ips,
                       finding.unique_dest_ports, finding.destination_ips, finding.destination_ports,
                       finding.risk_score)
                      IS DISTINCT FROM
                      (EXCLUDED.first_seen, EXCLUDED.last_seen, EXCLUDED.total_connections,
                       EXCLUDED.unique_dest_ips, EXCLUDED.unique_dest_ports, EXCLUDED.destination_ips,
                       EXCLUDED.destination_ports, EXCLUDED.risk_score)
                RETURNING (xmax = 0) AS created
            )

            SELECT (SELECT count(*) FROM window_events) AS events_scanned,
                   (SELECT count(*) FROM matching_events) AS events_matched,
                   (SELECT count(*) FROM upserted WHERE created) AS findings_created,
                   (SELECT count(*) FROM upserted WHERE NOT created) AS findings_updated
            """;

    private FallbackChannelQuery() {}
}
