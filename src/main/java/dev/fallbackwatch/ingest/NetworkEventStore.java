package dev.fallbackwatch.ingest;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Repository;

/**
 * Writes a batch of events with PostgreSQL COPY, exactly once per event identity.
 *
 * <p>COPY cannot skip rows whose key is stored already, so a batch is written one of two ways. A batch that fits in
 * {@value #DIRECT_LIMIT_BYTES} bytes is held in memory and copied straight into {@code network_event} inside a
 * savepoint: when none of its events is stored yet, as with almost every batch, that is the whole cost. When the
 * copy meets a stored key, or the batch is larger, the rows go into a transaction-local staging table instead,
 * and {@code INSERT … ON CONFLICT DO NOTHING} moves the new ones; a larger batch streams into the staging table as
 * it is read, so memory stays flat whatever its size.
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

    private static final String COPY_INTO_EVENTS = "COPY network_event (" + COLUMNS + ") FROM STDIN (FORMAT text)";

    private static final String BUCKET_MINUTES = "SELECT bucket_minutes FROM detection_threshold WHERE id = 1";

    /** The device buckets of a batch copied straight in, for the next incremental detection run. */
    private static final String BACKLOG_OF_COPIED_BATCH = """
            INSERT INTO detection_backlog (device_name, bucket_start, bucket_end)
            SELECT b.device_name,
                   to_timestamp(b.start_seconds),
                   to_timestamp(b.start_seconds) + make_interval(mins => ?)
            FROM unnest(?::text[], ?::bigint[]) AS b (device_name, start_seconds)""";

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

    /** The largest batch held in memory to be copied straight into {@code network_event}. */
    static final int DIRECT_LIMIT_BYTES = 8 * 1024 * 1024;

    /** Rows are sent to a staging COPY in blocks of about this size. */
    private static final int FLUSH_BYTES = 256 * 1024;

    private static final String UNIQUE_VIOLATION = "23505";

    /** Bounds the memory all batches held at once may take: eight batches of the largest size, in KiB. */
    private final Semaphore directBudgetKib = new Semaphore(8 * DIRECT_LIMIT_BYTES / 1024);

    private final DataSource dataSource;

    private final JdbcTemplate jdbc;

    NetworkEventStore(DataSource dataSource, JdbcTemplate jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    /** Starts a batch; call inside the transaction that is to store it. */
    EventBatch openBatch() {
        int bucketMinutes = jdbc.queryForObject(BUCKET_MINUTES, Integer.class);
        boolean held = directBudgetKib.tryAcquire(DIRECT_LIMIT_BYTES / 1024);
        return new EventBatch(held, bucketMinutes * 60L);
    }

    /** Turns a driver failure into Spring's hierarchy, so an unreachable database answers 503, not 500. */
    private RuntimeException translated(String task, SQLException ex) {
        RuntimeException translated = jdbc.getExceptionTranslator().translate(task, null, ex);
        return translated != null ? translated : new IllegalStateException(task + " failed", ex);
    }

    private CopyIn copyIn(String sql) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        } catch (SQLException ex) {
            throw translated("COPY start", ex);
        }
    }

    /** One device bucket that received events, by the epoch second it starts at. */
    private record DeviceBucket(String deviceName, long startSeconds) {}

    /**
     * The events of one request on their way into {@code network_event}: held in memory while the batch may still be
     * copied straight in, streamed into a staging table once it may not.
     */
    final class EventBatch implements AutoCloseable {

        private final CopyTextRow rows = new CopyTextRow(64 * 1024);

        private final Set<DeviceBucket> buckets = new HashSet<>();

        private final long bucketSeconds;

        private boolean budgetHeld;

        /** The COPY into the staging table, once the batch goes that way. */
        private CopyIn staging;

        private EventBatch(boolean budgetHeld, long bucketSeconds) {
            this.budgetHeld = budgetHeld;
            this.bucketSeconds = bucketSeconds;
        }

        void write(NetworkEvent event) {
            rows.append(event);
            if (staging != null) {
                if (rows.size() >= FLUSH_BYTES) {
                    flush();
                }
                return;
            }
            long epochSecond = event.timestamp().getEpochSecond();
            buckets.add(
                    new DeviceBucket(event.deviceName(), Math.floorDiv(epochSecond, bucketSeconds) * bucketSeconds));
            if (!budgetHeld || rows.size() > DIRECT_LIMIT_BYTES) {
                startStaging();
            }
        }

        /** Stores the batch and returns how many of its events were new. */
        int finish() {
            if (staging == null) {
                Integer copied = copyStraightIn();
                if (copied != null) {
                    return copied;
                }
                startStaging();
            }
            flush();
            try {
                staging.endCopy();
            } catch (SQLException ex) {
                throw translated("COPY end", ex);
            }
            return jdbc.queryForObject(MOVE_NEW_EVENTS, Integer.class);
        }

        /**
         * Copies the held rows into {@code network_event} within a savepoint, with their device buckets into the
         * detection backlog. Returns how many, or null when a row's key is stored already and nothing was kept.
         */
        private Integer copyStraightIn() {
            jdbc.execute("SAVEPOINT direct_copy");
            CopyIn copy = copyIn(COPY_INTO_EVENTS);
            long copied;
            try {
                copy.writeToCopy(rows.bytes(), 0, rows.size());
                copied = copy.endCopy();
            } catch (SQLException ex) {
                cancel(copy);
                if (!UNIQUE_VIOLATION.equals(ex.getSQLState())) {
                    throw translated("COPY", ex);
                }
                jdbc.execute("ROLLBACK TO SAVEPOINT direct_copy");
                return null;
            }
            jdbc.execute("RELEASE SAVEPOINT direct_copy");
            addToBacklog();
            return Math.toIntExact(copied);
        }

        private void addToBacklog() {
            String[] devices = buckets.stream().map(DeviceBucket::deviceName).toArray(String[]::new);
            Long[] starts = buckets.stream().map(DeviceBucket::startSeconds).toArray(Long[]::new);
            jdbc.update(BACKLOG_OF_COPIED_BATCH, ps -> {
                ps.setInt(1, Math.toIntExact(bucketSeconds / 60));
                ps.setArray(2, ps.getConnection().createArrayOf("text", devices));
                ps.setArray(3, ps.getConnection().createArrayOf("bigint", starts));
            });
        }

        /** From here on the batch streams through the staging table, starting with the rows held so far. */
        private void startStaging() {
            releaseBudget();
            jdbc.execute(CREATE_STAGING);
            staging = copyIn(COPY_INTO_STAGING);
            flush();
        }

        private void flush() {
            if (rows.size() == 0) {
                return;
            }
            try {
                staging.writeToCopy(rows.bytes(), 0, rows.size());
            } catch (SQLException ex) {
                throw translated("COPY", ex);
            }
            rows.clear();
        }

        private void releaseBudget() {
            if (budgetHeld) {
                directBudgetKib.release(DIRECT_LIMIT_BYTES / 1024);
                budgetHeld = false;
            }
        }

        /**
         * Cancels a COPY that was not finished, so the connection can roll back, and gives back the memory budget. A
         * failure to cancel means the connection is gone already; the rollback that follows reports the cause.
         */
        @Override
        public void close() {
            releaseBudget();
            if (staging != null) {
                cancel(staging);
            }
        }

        private static void cancel(CopyIn copy) {
            if (!copy.isActive()) {
                return;
            }
            try {
                copy.cancelCopy();
            } catch (SQLException ex) {
                log.debug("Could not cancel an unfinished COPY cause={}", ex.getMessage());
            }
        }
    }
}
