package dev.fallbackwatch.ingest;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * What happened to the records of one request, reported after they were committed.
 *
 * @param accepted records stored now
 * @param duplicates valid records already stored, by an earlier request or earlier in this one
 * @param skipped Streaming API records of another category than DeviceNetworkEvents
 * @param rejected invalid records, none of them stored
 * @param errors reasons for rejection, at most {@value EventIngestService#MAX_REPORTED_ERRORS} entries
 */
@Schema(description = "Outcome of an ingest request; every record is counted in exactly one of the four counts")
public record IngestResult(int accepted, int duplicates, int skipped, int rejected, List<RecordError> errors) {}
