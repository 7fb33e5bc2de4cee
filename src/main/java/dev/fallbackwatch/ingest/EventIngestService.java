package dev.fallbackwatch.ingest;

import java.io.EOFException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Stores one request's records in one transaction: the answer is sent only after the commit, and a body that
 * turns out to be malformed half-way stores nothing.
 */
@Service
class EventIngestService {

    static final int MAX_REPORTED_ERRORS = 1000;

    private static final Logger log = LoggerFactory.getLogger(EventIngestService.class);

    private final NetworkEventStore store;

    private final TransactionTemplate transaction;

    private final ObjectMapper mapper;

    EventIngestService(NetworkEventStore store, TransactionTemplate transaction, ObjectMapper mapper) {
        this.store = store;
        this.transaction = transaction;
        this.mapper = mapper;
    }

    IngestResult ingest(InputStream body, BodyFormat format) {
        long startedNanos = System.nanoTime();

        IngestResult result;
        try {
            result = transaction.execute(status -> store(body, format));
        } catch (UncheckedIOException ex) {
            if (ex.getCause() instanceof ZipException || ex.getCause() instanceof EOFException) {
                throw DefenderRecordReader.malformed("The gzip-compressed body is corrupt or truncated.");
            }
            throw ex;
        }

        long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
        if (result.rejected() > 0) {
            log.info(
                    "Ingested batch with rejections format={} accepted={} duplicates={} skipped={} rejected={}"
                            + " durationMs={}",
                    format,
                    result.accepted(),
                    result.duplicates(),
                    result.skipped(),
                    result.rejected(),
                    durationMs);
        } else {
            log.debug(
                    "Ingested batch format={} accepted={} duplicates={} skipped={} durationMs={}",
                    format,
                    result.accepted(),
                    result.duplicates(),
                    result.skipped(),
                    durationMs);
        }
        return result;
    }

    private IngestResult store(InputStream body, BodyFormat format) {
        try (BatchTally tally = new BatchTally()) {
            new DefenderRecordReader(mapper, tally).read(body, format);
            int accepted = tally.finish();
            return new IngestResult(
                    accepted, tally.valid - accepted, tally.skipped, tally.rejected, List.copyOf(tally.errors));
        }
    }

    /** Counts the records of one body and streams the valid ones into COPY. */
    private final class BatchTally implements RecordSink, AutoCloseable {

        private final List<RecordError> errors = new ArrayList<>();

        private NetworkEventStore.StagingCopy staging;

        private int valid;

        private int skipped;

        private int rejected;

        @Override
        public void accept(int index, DefenderRecord record) {
            NetworkEventMapper.Mapped mapped = NetworkEventMapper.map(record, index);
            if (!mapped.isValid()) {
                rejected++;
                report(mapped.errors());
                return;
            }
            if (staging == null) {
                staging = store.openStaging();
            }
            staging.write(mapped.event());
            valid++;
        }

        @Override
        public void skip(int index) {
            skipped++;
        }

        @Override
        public void reject(int index, String message) {
            rejected++;
            report(List.of(new RecordError(index, null, message)));
        }

        private void report(List<RecordError> recordErrors) {
            for (RecordError error : recordErrors) {
                if (errors.size() < MAX_REPORTED_ERRORS) {
                    errors.add(error);
                }
            }
        }

        /** Ends the COPY and returns how many events were new. */
        int finish() {
            if (staging == null) {
                return 0;
            }
            staging.finish();
            return store.moveNewEvents();
        }

        @Override
        public void close() {
            if (staging != null) {
                staging.close();
            }
        }
    }
}
