package dev.fallbackwatch.ingest;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.stereotype.Repository;

/**
 * Writes events with PostgreSQL COPY into a transaction-local staging table, then moves the new ones into
 * {@code network_event}. COPY cannot skip conflicting rows itself; the staging step keeps deduplication exact.
 */
@Repository
class NetworkEventStore {

    static final String COLUMNS = """
            device_name, report_id, event_time, device_id, action_type,
            remote_ip, remote_port, remote_ip_type, remote_ip_type_derived, remote_url,
            local_ip, local_port, protocol, account_name,
            initiating_process_account_name, initiating_process_account_domain,
            initiating_process_file_name, initiating_process_command_line,
            initiating_process_id, initiating_process_parent_file_name""";

    private static final String CREATE_STAGING = """
            CREATE TEMPORARY TABLE incoming_network_event
                (LIKE network_event INCLUDING DEFAULTS)
                ON COMMIT DROP""";

    private static final String COPY_INTO_STAGING =
            "COPY incoming_network_event (" + COLUMNS + ") FROM STDIN (FORMAT text)";

    /*
     * The first of several records with one identity wins, whether the others came earlier or in this batch. Each
     * device bucket that got new events goes into the detection backlog in the same transaction, so the next
     * incremental detection run evaluates it exactly when it can see the events.
     */
    private static final String MOVE_NEW_EVENTS = """
            WITH moved AS (
                INSERT INTO network_event (%1$s)
                SELECT %1$s
                FROM incoming_network_event
                ON CONFLICT (device_name, event_time, report_id) DO NOTHING
                RETURNING device_name, event_time
            ),

            backlog AS (
                INSERT INTO detection_backlog (device_name, bucket_start, bucket_end)
                SELECT DISTINCT m.device_name, b.bucket_start, b.bucket_start + t.bucket
                FROM moved m
                CROSS JOIN (
                    SELECT make_interval(mins => bucket_minutes) AS bucket
                    FROM detection_threshold
                    WHERE id = 1
                ) t
                CROSS JOIN LATERAL (
                    SELECT date_bin(t.bucket, m.event_time, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket_start
                ) b
            )

            SELECT count(*)
            FROM moved""".formatted(COLUMNS);

    private static final Logger log = LoggerFactory.getLogger(NetworkEventStore.class);

    private final DataSource dataSource;

    private final JdbcTemplate jdbc;

    NetworkEventStore(DataSource dataSource, JdbcTemplate jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    /** Starts a COPY into a fresh staging table; call inside a transaction. */
    StagingCopy openStaging() {
        jdbc.execute(CREATE_STAGING);
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            CopyIn copyIn = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_INTO_STAGING);
            return new StagingCopy(copyIn, jdbc.getExceptionTranslator());
        } catch (SQLException ex) {
            throw translated(jdbc.getExceptionTranslator(), "COPY start", ex);
        }
    }

    /** Turns a driver failure into Spring's hierarchy, so an unreachable database answers 503, not 500. */
    private static RuntimeException translated(SQLExceptionTranslator translator, String task, SQLException ex) {
        RuntimeException translated = translator.translate(task, null, ex);
        return translated != null ? translated : new IllegalStateException(task + " failed", ex);
    }

    /** Moves staged events that are not stored yet; returns how many were new. */
    int moveNewEvents() {
        return jdbc.queryForObject(MOVE_NEW_EVENTS, Integer.class);
    }

    /** An open COPY stream; rows are buffered and sent in blocks of about {@value #FLUSH_BYTES} bytes. */
    static final class StagingCopy implements AutoCloseable {

        private static final int FLUSH_BYTES = 256 * 1024;

        private final CopyIn copyIn;

        private final SQLExceptionTranslator translator;

        private final CopyTextRow rows = new CopyTextRow(FLUSH_BYTES + 8192);

        private StagingCopy(CopyIn copyIn, SQLExceptionTranslator translator) {
            this.copyIn = copyIn;
            this.translator = translator;
        }

        void write(NetworkEvent event) {
            rows.append(event);
            if (rows.size() >= FLUSH_BYTES) {
                flush();
            }
        }

        /** Sends what is buffered and ends the COPY. */
        void finish() {
            flush();
            try {
                copyIn.endCopy();
            } catch (SQLException ex) {
                throw translated(translator, "COPY end", ex);
            }
        }

        private void flush() {
            if (rows.size() == 0) {
                return;
            }
            try {
                copyIn.writeToCopy(rows.bytes(), 0, rows.size());
            } catch (SQLException ex) {
                throw translated(translator, "COPY", ex);
            }
            rows.clear();
        }

        /**
         * Cancels a COPY that was not finished, so the connection can roll back. A failure here means the
         * connection is gone already; the rollback that follows reports the original cause.
         */
        @Override
        public void close() {
            if (!copyIn.isActive()) {
                return;
            }
            try {
                copyIn.cancelCopy();
            } catch (SQLException ex) {
                log.debug("Could not cancel an unfinished COPY cause={}", ex.getMessage());
            }
        }
    }
}
