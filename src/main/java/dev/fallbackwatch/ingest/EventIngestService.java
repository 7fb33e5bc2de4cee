package dev.fallbackwatch.ingest;

import dev.fallbackwatch.web.Problems;
import java.io.EOFException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores one request's records in one transaction: the answer is sent only after the commit, and a body that
 * turns out to be malformed or oversized half-way stores nothing.
 */
@Service
class EventIngestService {

    static final int MAX_REPORTED_ERRORS = 1000;

    private static final Logger log = LoggerFactory.getLogger(EventIngestService.class);

    private final NetworkEventStore store;

    private final TransactionTemplate transaction;

    private final IngestLimits limits;

    private final Clock clock;

    private final IngestMetrics metrics;

    /** Reads request bodies within the nesting and string limits; nothing else of the API's mapper applies. */
    private final JsonMapper bodyMapper;

    EventIngestService(
            NetworkEventStore store,
            TransactionTemplate transaction,
            IngestLimits limits,
            Clock clock,
            IngestMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.transaction = transaction;
        this.limits = limits;
        this.clock = clock;
        this.bodyMapper = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(limits.maxNestingDepth())
                                .maxStringLength((int) limits.maxRecordSize().toBytes())
                                .build())
                        .build())
                .build();
    }

    IngestResult ingest(InputStream body, BodyFormat format) {
        long startedNanos = System.nanoTime();

        IngestResult result;
        try {
            result = transaction.execute(status -> store(body, format));
        } catch (UncheckedIOException ex) {
            metrics.refused(Duration.ofNanos(System.nanoTime() - startedNanos));
            throw unreadable(ex);
        } catch (RuntimeException ex) {
            metrics.refused(Duration.ofNanos(System.nanoTime() - startedNanos));
            throw ex;
        }

        metrics.recorded(result, Duration.ofNanos(System.nanoTime() - startedNanos));
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

    static ErrorResponseException tooLarge(String what, long limit) {
        return Problems.problem(
                HttpStatus.CONTENT_TOO_LARGE,
                "body-too-large",
                "Request too large",
                what + " exceeds the limit of " + limit + " bytes; nothing was stored. Split it into smaller"
                        + " batches.");
    }

    private static RuntimeException unreadable(UncheckedIOException ex) {
        if (ex.getCause() instanceof LimitedInputStream.LimitExceeded exceeded) {
            return tooLarge(exceeded.what(), exceeded.limitBytes());
        }
        if (ex.getCause() instanceof ZipException || ex.getCause() instanceof EOFException) {
            return DefenderRecordReader.malformed("The gzip-compressed body is corrupt or truncated.");
        }
        return ex;
    }

    private IngestResult store(InputStream body, BodyFormat format) {
        RecordRules rules = new RecordRules(clock.instant(), limits.maxClockSkew(), limits.maxFieldLength());
        try (BatchTally tally = new BatchTally(rules)) {
            new DefenderRecordReader(
                            bodyMapper, tally, (int) limits.maxRecordSize().toBytes())
                    .read(body, format);
            int accepted = tally.finish();
            return new IngestResult(
                    accepted, tally.valid - accepted, tally.skipped, tally.rejected, List.copyOf(tally.errors));
        }
    }

    /** Counts the records of one body and hands the valid ones to the store. */
    private final class BatchTally implements RecordSink, AutoCloseable {

        private final RecordRules rules;

        private final List<RecordError> errors = new ArrayList<>();

        private NetworkEventStore.EventBatch batch;

        private int valid;

        private int skipped;

        private int rejected;

        BatchTally(RecordRules rules) {
            this.rules = rules;
        }

        @Override
        public void accept(int index, DefenderRecord record) {
            countRecord(index);
            NetworkEventMapper.Mapped mapped = NetworkEventMapper.map(record, index, rules);
            if (!mapped.isValid()) {
                rejected++;
                report(mapped.errors());
                return;
            }
            if (batch == null) {
                batch = store.openBatch();
            }
            batch.write(mapped.event());
            valid++;
        }

        @Override
        public void skip(int index) {
            countRecord(index);
            skipped++;
        }

        @Override
        public void reject(int index, String message) {
            countRecord(index);
            rejected++;
            report(List.of(new RecordError(index, null, message)));
        }

        /** Refuses the whole request, storing nothing, once it holds more records than allowed. */
        private void countRecord(int index) {
            if (index >= limits.maxRecords()) {
                throw Problems.problem(
                        HttpStatus.CONTENT_TOO_LARGE,
                        "too-many-records",
                        "Too many records",
                        "A request may hold at most " + limits.maxRecords() + " records; nothing was stored."
                                + " Split it into smaller batches.");
            }
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
            if (batch == null) {
                return 0;
            }
            return batch.finish();
        }

        @Override
        public void close() {
            if (batch != null) {
                batch.close();
            }
        }
    }
}
