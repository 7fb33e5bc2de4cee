package dev.fallbackwatch.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The database share of a staged ingest, without HTTP, JSON or validation: for each batch, the statements the
 * service's store runs in one transaction for a batch it cannot copy straight in (a temporary staging table, COPY
 * into it, then INSERT … ON CONFLICT DO NOTHING into {@code network_event}), from as many connections at once as
 * there are HTTP clients.
 */
final class StagedIngest {

    private static final String CREATE_STAGING = """
            CREATE TEMPORARY TABLE incoming_network_event
                (LIKE network_event INCLUDING DEFAULTS)
                ON COMMIT DROP""";

    private static final String COPY_INTO_STAGING =
            "COPY incoming_network_event (" + BenchmarkDay.COLUMNS + ") FROM STDIN (FORMAT text)";

    private static final String MOVE_NEW_EVENTS = "INSERT INTO network_event (" + BenchmarkDay.COLUMNS + ")"
            + " SELECT " + BenchmarkDay.COLUMNS + " FROM incoming_network_event"
            + " ON CONFLICT (device_name, report_id, event_time) DO NOTHING";

    private StagedIngest() {}

    /** Loads every batch; returns how many rows were new. */
    static long load(DataSource dataSource, BenchmarkDay.DayFiles files, int connections)
            throws InterruptedException, ExecutionException {
        AtomicInteger nextBatch = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Long>> workers = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                workers.add(pool.submit(() -> loadBatches(dataSource, files, nextBatch)));
            }
            long inserted = 0;
            for (Future<Long> worker : workers) {
                inserted += worker.get();
            }
            return inserted;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long loadBatches(DataSource dataSource, BenchmarkDay.DayFiles files, AtomicInteger nextBatch)
            throws IOException, SQLException {
        long inserted = 0;
        try (RandomAccessFile rows = new RandomAccessFile(files.copyRows().toFile(), "r");
                Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            for (int batch = nextBatch.getAndIncrement();
                    batch < files.ndjsonBatches().size();
                    batch = nextBatch.getAndIncrement()) {
                inserted += loadBatch(connection, rows, files.batchOffsets(), batch);
            }
            connection.setAutoCommit(true);
        }
        return inserted;
    }

    private static long loadBatch(Connection connection, RandomAccessFile rows, long[] offsets, int batch)
            throws IOException, SQLException {
        byte[] batchRows = new byte[Math.toIntExact(offsets[batch + 1] - offsets[batch])];
        rows.seek(offsets[batch]);
        rows.readFully(batchRows);
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE_STAGING);
            connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(COPY_INTO_STAGING, new ByteArrayInputStream(batchRows));
            int inserted = statement.executeUpdate(MOVE_NEW_EVENTS);
            connection.commit();
            return inserted;
        }
    }
}
