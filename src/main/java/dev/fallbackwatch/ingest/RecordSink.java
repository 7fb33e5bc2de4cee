package dev.fallbackwatch.ingest;

/** Receives the records of a body in order, each with its zero-based index. */
interface RecordSink {

    void accept(int index, DefenderRecord record);

    /** A Streaming API record of another category than DeviceNetworkEvents. */
    void skip(int index);

    /** A record that is not a JSON object, or an NDJSON line that is not JSON. */
    void reject(int index, String message);
}
