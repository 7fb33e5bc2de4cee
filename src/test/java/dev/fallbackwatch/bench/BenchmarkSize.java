package dev.fallbackwatch.bench;

/**
 * How much the benchmark sends and how, read from system properties so that one command serves every size.
 *
 * @param events events of the generated day
 * @param batchSize events per NDJSON request and per staging transaction
 * @param clients concurrent HTTP clients, and concurrent connections of the database-share measurement
 * @param warmupBatches batches sent over HTTP, then deleted, before the measured ingest, so that it measures
 *     compiled code rather than the JIT compiler
 * @param devices devices of the estate; by default one per 500 events, as a workstation reports in a quiet day
 * @param copyClient {@code auto} (psql when it can connect, else pgjdbc), {@code psql} or {@code jdbc}
 * @param seed seed of the generator: the same seed sends the same events
 * @param newEvents events of the minute after the day, sent before the incremental run; by default one per
 *     hundred events of the day
 */
record BenchmarkSize(
        int events,
        int batchSize,
        int clients,
        int warmupBatches,
        int devices,
        String copyClient,
        long seed,
        int newEvents) {

    BenchmarkSize {
        if (events < 1 || batchSize < 1 || clients < 1 || warmupBatches < 0 || devices < 1 || newEvents < 1) {
            throw new IllegalArgumentException(
                    "bench.events, bench.batchSize, bench.clients, bench.devices and bench.newEvents must be positive");
        }
        if (!copyClient.equals("auto") && !copyClient.equals("psql") && !copyClient.equals("jdbc")) {
            throw new IllegalArgumentException("bench.copyClient must be auto, psql or jdbc, got " + copyClient);
        }
    }

    static BenchmarkSize fromSystemProperties() {
        int events = Integer.getInteger("bench.events", 1_000_000);
        return new BenchmarkSize(
                events,
                Integer.getInteger("bench.batchSize", 10_000),
                Integer.getInteger("bench.clients", 4),
                Integer.getInteger("bench.warmupBatches", 5),
                Integer.getInteger("bench.devices", Math.max(100, events / 500)),
                System.getProperty("bench.copyClient", "auto"),
                Long.getLong("bench.seed", 1008L),
                Integer.getInteger("bench.newEvents", Math.max(1, events / 100)));
    }

    /** The warm-up sends the first batches of the day, at most all of them. */
    int warmupBatchCount() {
        return Math.min(warmupBatches, batches());
    }

    int batches() {
        return (events + batchSize - 1) / batchSize;
    }

    int eventsInBatch(int batch) {
        return Math.min(batchSize, events - batch * batchSize);
    }
}
