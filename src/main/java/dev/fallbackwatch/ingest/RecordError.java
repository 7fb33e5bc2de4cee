package dev.fallbackwatch.ingest;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Why one record of a batch was rejected.
 *
 * @param index zero-based position of the record in the body (for NDJSON, among the non-blank lines)
 * @param field the Defender column at fault, or null when the record as a whole is unusable
 * @param message what is wrong and what is expected
 */
@Schema(description = "Why one record of the batch was rejected")
public record RecordError(int index, String field, String message) {}
