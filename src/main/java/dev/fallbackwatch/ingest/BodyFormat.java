package dev.fallbackwatch.ingest;

/** How the records of a request body are laid out. */
enum BodyFormat {

    /** A JSON array of records, one record object, or the Streaming API envelope {@code {"records":[…]}}. */
    JSON,

    /** One JSON value per line; a line that is not JSON rejects that record only. */
    NDJSON
}
