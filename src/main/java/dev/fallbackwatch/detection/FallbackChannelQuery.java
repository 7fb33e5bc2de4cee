package dev.fallbackwatch.detection;

/**
 * The seed KQL query as PostgreSQL: one evaluation of the window, followed either by the run's writes or by a
 * plain select for a preview.
 *
 * <p>Read it beside {@code t1008-fallback-channels.txt}; each step names the KQL line it implements. Deliberate
 * differences: the process exclusion is a case-insensitive match of the whole file name (KQL's {@code has_any}
 * matches terms, so {@code update-chrome.exe} would hide), exclusions can be scoped and can expire, destination
 * exclusions exist beside process exclusions, and distinct counts are exact where KQL's {@code dcount}
 * estimates.
 *
 * <p>A full run evaluates the whole window; an incremental run only the device buckets that received events
 * since the previous run (the {@code detection_backlog}). Both run the same evaluation over their
 * {@code window_events}, so a bucket evaluated by either gives the same findings.
 *
 * <p>Parameters: {@code windowStart} (exclusive), {@code windowEnd} (inclusive), {@code evaluatedAt} (the instant
 * exclusions expire against) and, for a run, {@code runId} and {@code consumeBefore} (the backlog of buckets ending
 * at or before it is taken).
 */
final class FallbackChannelQuery {

    /**
     * Ends with the CTE {@code findings}: every group and bucket of {@code window_events} that crosses the
     * thresholds, with its risk. The first placeholder takes where {@code window_events} comes from:
     * {@link #WHOLE_WINDOW} or {@link #BACKLOG_BUCKETS}.
     */
    private static final String EVALUATION = """
            WITH settings AS (
                SELECT *
                FROM detection_threshold
                WHERE id = 1
            ),

            %s
            candidate_events AS (
                SELECT w.*
                FROM window_events w
                -- | where RemoteIPType == "Public"
                WHERE w.remote_ip_type = 'Public'
                  -- | where RemotePort in (C2FallbackPorts)
                  AND w.remote_port IN (SELECT port FROM detection_port)
            ),

            active_process_exclusions AS (
                SELECT *
                FROM process_exclusion
                WHERE expires_at IS NULL OR expires_at > :evaluatedAt
            ),

            active_destination_exclusions AS (
                SELECT *
                FROM destination_exclusion
                WHERE expires_at IS NULL OR expires_at > :evaluatedAt
            ),

            matching_events AS (
                SELECT c.*,
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
                FROM candidate_events c
                -- | where not(InitiatingProcessFileName has_any (ExcludedProcesses))
                WHERE NOT EXISTS (
                          SELECT 1
                          FROM active_process_exclusions x
                          WHERE %s)
                  AND NOT EXISTS (
                          SELECT 1
                          FROM active_destination_exclusions d
                          WHERE %s)
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
            )
            """;

    /** Every event of the lookback window: what a full run and a preview evaluate. */
    private static final String WHOLE_WINDOW = """
            -- DeviceNetworkEvents | where Timestamp > ago(24h)
            window_events AS (
                SELECT e.*,
                       date_bin(make_interval(mins => s.bucket_minutes), e.event_time,
                                TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket_start,
                       %s AS remote_host
                FROM network_event e
                CROSS JOIN settings s
                WHERE e.event_time > :windowStart
                  AND e.event_time <= :windowEnd
            ),
            """.formatted(remoteHost("e"));

    /**
     * The events of the buckets that received new events since the previous run, and only those: what an
     * incremental run evaluates. It takes the backlog rows of closed buckets ({@code bucket_end <= :consumeBefore})
     * in the same statement, under the same snapshot, so a row is gone exactly when the events it stands for were
     * evaluated. Rows of buckets still open stay, and the next run evaluates those buckets again. Each bucket's
     * events are read whole, as a full run reads them.
     */
    private static final String BACKLOG_BUCKETS = """
            consumed_backlog AS (
                DELETE FROM detection_backlog
                WHERE bucket_end <= :consumeBefore
                RETURNING device_name, bucket_start, bucket_end
            ),

            -- The backlog in buckets of the current size, which a settings change may have altered since ingest.
            backlog_buckets AS (
                SELECT DISTINCT b.device_name, bucket.bucket_start
                FROM (
                    SELECT device_name, bucket_start, bucket_end
                    FROM consumed_backlog
                    UNION ALL
                    SELECT device_name, bucket_start, bucket_end
                    FROM detection_backlog
                    WHERE bucket_end > :consumeBefore
                ) b
                CROSS JOIN settings s
                CROSS JOIN LATERAL generate_series(
                    date_bin(make_interval(mins => s.bucket_minutes), b.bucket_start,
                             TIMESTAMPTZ '1970-01-01 00:00:00+00'),
                    b.bucket_end - INTERVAL '1 microsecond',
                    make_interval(mins => s.bucket_minutes)) AS bucket (bucket_start)
            ),

            -- DeviceNetworkEvents | where Timestamp > ago(24h), in those buckets only
            window_events AS (
                SELECT e.*,
                       d.bucket_start,
                       %s AS remote_host
                FROM backlog_buckets d
                CROSS JOIN settings s
                JOIN network_event e
                  ON e.device_name = d.device_name
                 AND e.event_time >= d.bucket_start
                 AND e.event_time < d.bucket_start + make_interval(mins => s.bucket_minutes)
                WHERE e.event_time > :windowStart
                  AND e.event_time <= :windowEnd
            ),
            """.formatted(remoteHost("e"));

    /**
     * Writes what a run found. Invariants: one finding per process instance and bucket; a finding is changed
     * only when its whole previous span lies inside this window, so this evaluation saw every event the earlier
     * one saw (the lookback edge moving through a bucket, or a back-test ending inside one, never shrinks it);
     * and only when something changed. A finding in the window that no longer crosses the thresholds is marked,
     * with the latest settings change, not deleted.
     */
    private static final String WRITES = """
            ,

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
                    no_longer_matching = false,
                    no_longer_matching_since = NULL,
                    no_longer_matching_change_id = NULL,
                    updated_at = EXCLUDED.updated_at,
                    last_run_id = EXCLUDED.last_run_id
                WHERE finding.first_seen > :windowStart
                  AND finding.last_seen <= :windowEnd
                  AND (finding.first_seen, finding.last_seen, finding.total_connections, finding.unique_dest_ips,
                       finding.unique_dest_ports, finding.destination_ips, finding.destination_ports,
                       finding.risk_score, finding.no_longer_matching)
                      IS DISTINCT FROM
                      (EXCLUDED.first_seen, EXCLUDED.last_seen, EXCLUDED.total_connections,
                       EXCLUDED.unique_dest_ips, EXCLUDED.unique_dest_ports, EXCLUDED.destination_ips,
                       EXCLUDED.destination_ports, EXCLUDED.risk_score, false)
                RETURNING (xmax = 0) AS created
            ),

            unmatched AS (
                UPDATE finding f
                SET no_longer_matching = true,
                    no_longer_matching_since = :evaluatedAt,
                    no_longer_matching_change_id = (SELECT max(id) FROM settings_audit),
                    updated_at = :evaluatedAt,
                    last_run_id = :runId
                WHERE f.first_seen > :windowStart
                  AND f.last_seen <= :windowEnd
                  AND NOT f.no_longer_matching
                  AND %s
                  AND NOT EXISTS (
                      SELECT 1
                      FROM findings n
                      WHERE n.device_name = f.device_name
                        AND n.group_key = f.group_key
                        AND n.bucket_start = f.window_start)
                RETURNING f.id
            )
            """;

    /** A full run has evaluated every stored event of the window: the backlog of closed buckets goes. */
    private static final String BACKLOG_CLEARED = """
            ,

            consumed_backlog AS (
                DELETE FROM detection_backlog
                WHERE bucket_end <= :consumeBefore
                RETURNING 1
            )
            """;

    /** Only a full run counts suppressed events: an incremental run sees a few buckets, not the window. */
    private static final String SUPPRESSION_COUNTS =
            """
            ,

            -- What each exclusion entry kept out of this run, among events that passed the other filters.
            process_suppression AS (
                UPDATE process_exclusion target
                SET last_run_id = :runId,
                    last_run_suppressed_events = hits.suppressed
                FROM (
                    SELECT x.id, count(c.report_id) AS suppressed
                    FROM process_exclusion x
                    LEFT JOIN candidate_events c
                           ON (x.expires_at IS NULL OR x.expires_at > :evaluatedAt) AND %s
                    GROUP BY x.id
                ) hits
                WHERE target.id = hits.id
                RETURNING 1
            ),

            destination_suppression AS (
                UPDATE destination_exclusion target
                SET last_run_id = :runId,
                    last_run_suppressed_events = hits.suppressed
                FROM (
                    SELECT d.id, count(c.report_id) AS suppressed
                    FROM destination_exclusion d
                    LEFT JOIN candidate_events c
                           ON (d.expires_at IS NULL OR d.expires_at > :evaluatedAt) AND %s
                    GROUP BY d.id
                ) hits
                WHERE target.id = hits.id
                RETURNING 1
            )
            """.formatted(processExcludes("x", "c"), destinationExcludes("d", "c"));

    private static final String FIGURES = """

            SELECT (SELECT count(*) FROM window_events) AS events_scanned,
                   (SELECT count(*) FROM matching_events) AS events_matched,
                   (SELECT count(*) FROM upserted WHERE created) AS findings_created,
                   (SELECT count(*) FROM upserted WHERE NOT created) AS findings_updated,
                   (SELECT count(*) FROM unmatched) AS findings_no_longer_matching
            """;

    /** Evaluates the whole window, writes what it found and counts what each exclusion suppressed. */
    static final String FULL_RUN =
            evaluation(WHOLE_WINDOW) + WRITES.formatted("true") + BACKLOG_CLEARED + SUPPRESSION_COUNTS + FIGURES;

    /** Evaluates the buckets of the backlog and writes what it found there; findings elsewhere stay as they are. */
    static final String INCREMENTAL_RUN = evaluation(BACKLOG_BUCKETS) + WRITES.formatted("""
            EXISTS (
                          SELECT 1
                          FROM backlog_buckets d
                          WHERE d.device_name = f.device_name
                            AND d.bucket_start = f.window_start)""") + FIGURES;

    /** Lists what a run would find, writing nothing. */
    static final String PREVIEW = evaluation(WHOLE_WINDOW) + """
            SELECT *
            FROM findings
            """;

    private FallbackChannelQuery() {}

    private static String evaluation(String windowEvents) {
        return EVALUATION.formatted(windowEvents, processExcludes("x", "c"), destinationExcludes("d", "c"));
    }

    /** The host name of an event's RemoteUrl, lower case, without scheme, credentials, port or path. */
    private static String remoteHost(String e) {
        return """
                lower(substring(%s.remote_url
                                       FROM '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^@/]*@)?([^/:?#]+)'))""".formatted(e);
    }

    /** An exclusion applies to events of its process, within its optional scope. */
    private static String processExcludes(String x, String e) {
        return """
                lower(%1$s.process_name) = lower(%2$s.initiating_process_file_name)
                              AND (%1$s.device_name IS NULL OR lower(%1$s.device_name) = lower(%2$s.device_name))
                              AND (%1$s.account_name IS NULL OR lower(%1$s.account_name) = lower(%2$s.account_name))
                              AND (%1$s.parent_process_name IS NULL
                                   OR lower(%1$s.parent_process_name) = lower(%2$s.initiating_process_parent_file_name))
                              AND (%1$s.command_line_like IS NULL
                                   OR %2$s.initiating_process_command_line ILIKE %1$s.command_line_like)""".formatted(x, e);
    }

    /** An exclusion applies to events towards its network or domain, on its port if it has one, within scope. */
    private static String destinationExcludes(String d, String e) {
        return """
                (%1$s.cidr IS NULL OR %2$s.remote_ip <<= %1$s.cidr)
                              AND (%1$s.remote_url_suffix IS NULL
                                   OR %2$s.remote_host = %1$s.remote_url_suffix
                                   OR right(%2$s.remote_host, length(%1$s.remote_url_suffix) + 1)
                                      = '.' || %1$s.remote_url_suffix)
                              AND (%1$s.port IS NULL OR %1$s.port = %2$s.remote_port)
                              AND (%1$s.device_name IS NULL OR lower(%1$s.device_name) = lower(%2$s.device_name))
                              AND (%1$s.account_name IS NULL OR lower(%1$s.account_name) = lower(%2$s.account_name))
                              AND (%1$s.process_name IS NULL
                                   OR lower(%1$s.process_name) = lower(%2$s.initiating_process_file_name))""".formatted(d, e);
    }
}
