package dev.fallbackwatch.detection;

/**
 * The seed KQL query as PostgreSQL: one evaluation of the window, used by a run and, as a plain select, by a
 * preview.
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
 * <p>A run is a short chain of statements in one transaction, so that the heavy evaluation is a read-only query
 * PostgreSQL may spread over parallel workers (a statement that writes never runs in parallel):
 *
 * <ol>
 *   <li>take the backlog of closed buckets ({@link #BACKLOG_CLEARED}, or {@link #RUN_BUCKETS_TAKEN} for an
 *       incremental run). It comes first: every batch whose backlog row it takes committed before it, so the
 *       evaluation that follows sees that batch's events;
 *   <li>evaluate into the temporary table {@code run_finding} ({@link #EVALUATE_FULL_RUN} or
 *       {@link #EVALUATE_INCREMENTAL_RUN});
 *   <li>write the findings from it ({@link #WRITE_FULL_RUN} or {@link #WRITE_INCREMENTAL_RUN});
 *   <li>a full run also counts what each exclusion suppressed ({@link #COUNT_SUPPRESSION} and
 *       {@link #STORE_SUPPRESSION}).
 * </ol>
 *
 * <p>Parameters: {@code windowStart} (exclusive), {@code windowEnd} (inclusive), {@code evaluatedAt} (the instant
 * exclusions expire against) and, for a run, {@code runId} and {@code consumeBefore} (the backlog of buckets ending
 * at or before it is taken).
 */
final class FallbackChannelQuery {

    /**
     * Ends with the CTE {@code findings}: every group and bucket of {@code window_events} that crosses the
     * thresholds, with its risk. The first placeholder takes where {@code window_events} comes from:
     * {@link #WHOLE_WINDOW} or {@link #RUN_BUCKET_EVENTS}.
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

    /** The columns of an event that the evaluation reads. */
    private static final String EVALUATED_COLUMNS = """
            e.device_name, e.account_name, e.initiating_process_file_name, e.initiating_process_command_line,
                       e.initiating_process_id, e.initiating_process_parent_file_name, e.event_time, e.report_id,
                       e.remote_ip, e.remote_port, e.remote_ip_type, e.remote_url""";

    /**
     * Every event of the lookback window: what a full run and a preview evaluate. Not materialized: the
     * evaluation and the count of scanned events each read it straight from the partitions of the window.
     */
    private static final String WHOLE_WINDOW = """
            -- DeviceNetworkEvents | where Timestamp > ago(24h)
            window_events AS NOT MATERIALIZED (
                SELECT %s,
                       date_bin(make_interval(mins => (SELECT bucket_minutes FROM detection_threshold WHERE id = 1)),
                                e.event_time, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket_start
                FROM network_event e
                WHERE e.event_time > :windowStart
                  AND e.event_time <= :windowEnd
            ),
            """.formatted(EVALUATED_COLUMNS);

    /**
     * The events of the device buckets an incremental run took from the backlog ({@code run_bucket}), each bucket
     * read whole, as a full run reads it. Materialized: the evaluation and the count of scanned events both read
     * it, and each bucket is found through the primary key, so reading the buckets once halves the index probes.
     */
    private static final String RUN_BUCKET_EVENTS = """
            -- DeviceNetworkEvents | where Timestamp > ago(24h), in the buckets that received events only
            window_events AS MATERIALIZED (
                SELECT %s,
                       d.bucket_start
                FROM run_bucket d
                JOIN network_event e
                  ON e.device_name = d.device_name
                 AND e.event_time >= d.bucket_start
                 AND e.event_time < d.bucket_end
                WHERE e.event_time > :windowStart
                  AND e.event_time <= :windowEnd
            ),
            """.formatted(EVALUATED_COLUMNS);

    /**
     * What a run keeps of its evaluation: the findings, each row also carrying the run's figures. When nothing
     * crossed the thresholds, one row holds the figures alone, with every finding column NULL. The newest event
     * evaluated (not stamped after the run's end) gives the detection lag; it comes from the same read of the
     * window as the count.
     */
    private static final String EVALUATED = """
            SELECT f.*,
                   figures.events_scanned,
                   figures.newest_event,
                   figures.events_matched
            FROM (
                SELECT scanned.events_scanned,
                       scanned.newest_event,
                       (SELECT coalesce(sum(total_connections), 0) FROM buckets) AS events_matched
                FROM (
                    SELECT count(*) AS events_scanned,
                           max(event_time) FILTER (WHERE event_time <= :consumeBefore) AS newest_event
                    FROM window_events
                ) scanned
            ) figures
            LEFT JOIN findings f ON true
            """;

    private static final String INTO_RUN_FINDING = "CREATE TEMPORARY TABLE run_finding ON COMMIT DROP AS\n";

    /** Step 1 of a full run: it evaluates every stored event of the window, so the backlog of closed buckets goes. */
    static final String BACKLOG_CLEARED = """
            DELETE FROM detection_backlog
            WHERE bucket_end <= :consumeBefore""";

    /** Step 1 of an incremental run: the device buckets it evaluates. */
    static final String RUN_BUCKET_TABLE = """
            CREATE TEMPORARY TABLE run_bucket (
                device_name  text        NOT NULL,
                bucket_start timestamptz NOT NULL,
                bucket_end   timestamptz NOT NULL
            ) ON COMMIT DROP""";

    /**
     * Step 1 of an incremental run, continued: the backlog in buckets of the current size (a settings change may
     * have altered it since ingest). The rows of closed buckets are taken; those of buckets still open stay, and
     * the next run evaluates them again. One statement, so both parts see the same backlog.
     */
    static final String RUN_BUCKETS_TAKEN = """
            WITH taken AS (
                DELETE FROM detection_backlog
                WHERE bucket_end <= :consumeBefore
                RETURNING device_name, bucket_start, bucket_end
            ),

            backlog AS (
                SELECT device_name, bucket_start, bucket_end
                FROM taken
                UNION ALL
                SELECT device_name, bucket_start, bucket_end
                FROM detection_backlog
                WHERE bucket_end > :consumeBefore
            )

            INSERT INTO run_bucket (device_name, bucket_start, bucket_end)
            SELECT DISTINCT b.device_name, bucket.bucket_start,
                   bucket.bucket_start + make_interval(mins => s.bucket_minutes)
            FROM backlog b
            CROSS JOIN detection_threshold s
            CROSS JOIN LATERAL generate_series(
                date_bin(make_interval(mins => s.bucket_minutes), b.bucket_start,
                         TIMESTAMPTZ '1970-01-01 00:00:00+00'),
                b.bucket_end - INTERVAL '1 microsecond',
                make_interval(mins => s.bucket_minutes)) AS bucket (bucket_start)
            WHERE s.id = 1""";

    /** Step 2 of a full run. */
    static final String EVALUATE_FULL_RUN = INTO_RUN_FINDING + evaluation(WHOLE_WINDOW) + EVALUATED;

    /** Step 2 of an incremental run. */
    static final String EVALUATE_INCREMENTAL_RUN = INTO_RUN_FINDING + evaluation(RUN_BUCKET_EVENTS) + EVALUATED;

    /**
     * Writes what a run found. Invariants: one finding per process instance and bucket; a finding is changed
     * only when its whole previous span lies inside this window, so this evaluation saw every event the earlier
     * one saw (the lookback edge moving through a bucket, or a back-test ending inside one, never shrinks it);
     * and only when something changed. A finding in the window that no longer crosses the thresholds is marked,
     * with the latest settings change, not deleted.
     */
    private static final String WRITES = """
            WITH findings AS (
                SELECT *
                FROM run_finding
                WHERE group_key IS NOT NULL
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

    private static final String WRITE_FIGURES = """

            SELECT (SELECT coalesce(max(events_scanned), 0) FROM run_finding) AS events_scanned,
                   (SELECT max(newest_event) FROM run_finding) AS newest_event,
                   (SELECT coalesce(max(events_matched), 0) FROM run_finding) AS events_matched,
                   (SELECT count(*) FROM upserted WHERE created) AS findings_created,
                   (SELECT count(*) FROM upserted WHERE NOT created) AS findings_updated,
                   (SELECT count(*) FROM unmatched) AS findings_no_longer_matching
            """;

    /** Step 3 of a full run: findings of the whole window that no longer match are marked. */
    static final String WRITE_FULL_RUN = WRITES.formatted("true") + WRITE_FIGURES;

    /** Step 3 of an incremental run: only findings of the evaluated buckets can stop matching. */
    static final String WRITE_INCREMENTAL_RUN = WRITES.formatted("""
            EXISTS (
                          SELECT 1
                          FROM run_bucket d
                          WHERE d.device_name = f.device_name
                            AND d.bucket_start = f.window_start)""") + WRITE_FIGURES;

    /**
     * Step 4 of a full run: how many events of the window, among those that passed the address type and port
     * filters, each exclusion entry kept out. Read-only, so that it may run in parallel; an incremental run sees a
     * few buckets, not the window, and leaves the counts as they were.
     */
    static final String COUNT_SUPPRESSION = """
            CREATE TEMPORARY TABLE run_suppression ON COMMIT DROP AS
            WITH candidate_events AS NOT MATERIALIZED (
                SELECT e.device_name, e.account_name, e.initiating_process_file_name,
                       e.initiating_process_command_line, e.initiating_process_parent_file_name,
                       e.remote_ip, e.remote_port, e.remote_url
                FROM network_event e
                WHERE e.event_time > :windowStart
                  AND e.event_time <= :windowEnd
                  AND e.remote_ip_type = 'Public'
                  AND e.remote_port IN (SELECT port FROM detection_port)
            )

            SELECT 'process' AS kind, x.id, count(*) AS suppressed
            FROM candidate_events c
            JOIN process_exclusion x
              ON (x.expires_at IS NULL OR x.expires_at > :evaluatedAt) AND %s
            GROUP BY x.id

            UNION ALL

            SELECT 'destination' AS kind, d.id, count(*) AS suppressed
            FROM candidate_events c
            JOIN destination_exclusion d
              ON (d.expires_at IS NULL OR d.expires_at > :evaluatedAt) AND %s
            GROUP BY d.id""".formatted(processExcludes("x", "c"), destinationExcludes("d", "c"));

    /** Step 4, continued: every entry gets this run's count; an entry that kept nothing out gets 0. */
    static final String STORE_SUPPRESSION = """
            WITH process_counts AS (
                UPDATE process_exclusion target
                SET last_run_id = :runId,
                    last_run_suppressed_events = coalesce(
                        (SELECT suppressed FROM run_suppression s WHERE s.kind = 'process' AND s.id = target.id), 0)
                RETURNING 1
            )

            UPDATE destination_exclusion target
            SET last_run_id = :runId,
                last_run_suppressed_events = coalesce(
                    (SELECT suppressed FROM run_suppression s WHERE s.kind = 'destination' AND s.id = target.id), 0)""";

    /** Lists what a run would find, writing nothing. */
    static final String PREVIEW = evaluation(WHOLE_WINDOW) + """
            SELECT *
            FROM findings
            """;

    /** The host of {@code %s.remote_url}: lower case, without scheme, credentials, port or path. */
    private static final String REMOTE_HOST =
            "lower(substring(%s.remote_url FROM '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^@/]*@)?([^/:?#]+)'))";

    /** Whether process exclusion {@code %1$s} applies to event {@code %2$s}. */
    private static final String PROCESS_EXCLUDES = """
            lower(%1$s.process_name) = lower(%2$s.initiating_process_file_name)
                          AND (%1$s.device_name IS NULL OR lower(%1$s.device_name) = lower(%2$s.device_name))
                          AND (%1$s.account_name IS NULL OR lower(%1$s.account_name) = lower(%2$s.account_name))
                          AND (%1$s.parent_process_name IS NULL
                               OR lower(%1$s.parent_process_name) = lower(%2$s.initiating_process_parent_file_name))
                          AND (%1$s.command_line_like IS NULL
                               OR %2$s.initiating_process_command_line ILIKE %1$s.command_line_like)""";

    /** Whether destination exclusion {@code %1$s} applies to event {@code %2$s}, whose URL's host is {@code %3$s}. */
    private static final String DESTINATION_EXCLUDES = """
            (%1$s.cidr IS NULL OR %2$s.remote_ip <<= %1$s.cidr)
                          AND (%1$s.remote_url_suffix IS NULL
                               OR %3$s = %1$s.remote_url_suffix
                               OR right(%3$s, length(%1$s.remote_url_suffix) + 1)
                                  = '.' || %1$s.remote_url_suffix)
                          AND (%1$s.port IS NULL OR %1$s.port = %2$s.remote_port)
                          AND (%1$s.device_name IS NULL OR lower(%1$s.device_name) = lower(%2$s.device_name))
                          AND (%1$s.account_name IS NULL OR lower(%1$s.account_name) = lower(%2$s.account_name))
                          AND (%1$s.process_name IS NULL
                               OR lower(%1$s.process_name) = lower(%2$s.initiating_process_file_name))""";

    private FallbackChannelQuery() {}

    private static String evaluation(String windowEvents) {
        return EVALUATION.formatted(windowEvents, processExcludes("x", "c"), destinationExcludes("d", "c"));
    }

    /**
     * The host name of an event's RemoteUrl, lower case, without scheme, credentials, port or path. Computed only
     * where a destination exclusion names a domain, not for every event of the window.
     */
    private static String remoteHost(String e) {
        return String.format(REMOTE_HOST, e);
    }

    /** An exclusion applies to events of its process, within its optional scope. */
    private static String processExcludes(String x, String e) {
        return String.format(PROCESS_EXCLUDES, x, e);
    }

    /** An exclusion applies to events towards its network or domain, on its port if it has one, within scope. */
    private static String destinationExcludes(String d, String e) {
        return String.format(DESTINATION_EXCLUDES, d, e, remoteHost(e));
    }
}
