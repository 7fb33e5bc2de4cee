package dev.fallbackwatch.ingest;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one ingest request may hold; past a limit it is refused with 413 or 400 and nothing of it is stored.
 *
 * @param maxBodySize bytes of the body as sent
 * @param maxDecompressedSize bytes of a gzip body once inflated; inflating stops there, so a gzip bomb costs no
 *     more than this
 * @param maxRecords records in one request
 * @param maxFieldLength characters of one text column; Windows command lines reach 32,767
 * @param maxRecordSize bytes of one NDJSON line, and characters of any JSON string
 * @param maxNestingDepth nesting of JSON arrays and objects
 * @param maxClockSkew how far in the future a Timestamp may lie before its record is rejected
 * @param rateLimit requests per API key
 */
@ConfigurationProperties("fallbackwatch.ingest")
public record IngestLimits(
        @DefaultValue("1GB") DataSize maxBodySize,
        @DefaultValue("1GB") DataSize maxDecompressedSize,
        @DefaultValue("1000000") int maxRecords,
        @DefaultValue("32768") int maxFieldLength,
        @DefaultValue("1MB") DataSize maxRecordSize,
        @DefaultValue("16") int maxNestingDepth,
        @DefaultValue("PT1H") Duration maxClockSkew,
        @DefaultValue RateLimit rateLimit) {

    /**
     * A token bucket per API key or user.
     *
     * @param requestsPerSecond sustained rate
     * @param burst requests allowed at once after a quiet spell
     */
    public record RateLimit(
            @DefaultValue("200") long requestsPerSecond,
            @DefaultValue("1000") long burst) {}
}
