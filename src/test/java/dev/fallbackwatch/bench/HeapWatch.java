package dev.fallbackwatch.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the heap of this JVM, which holds the service, while something runs: heap in use sampled every few
 * milliseconds, the sum of the heap pools' own peaks (an upper bound, as the pools need not peak together), and
 * the collections in between. The heap in use counts garbage not yet collected, so its peak says how much heap
 * the ingest used with this maximum, not how much it needs.
 */
final class HeapWatch implements AutoCloseable {

    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(5);

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .toList();

    private final AtomicLong sampledPeakBytes = new AtomicLong();

    private final long usedBeforeBytes;

    private final long collectionsBefore;

    private final long collectionMillisBefore;

    private final Thread sampler;

    private volatile boolean watching = true;

    private HeapWatch() {
        System.gc();
        usedBeforeBytes = memory.getHeapMemoryUsage().getUsed();
        collectionsBefore = collections();
        collectionMillisBefore = collectionMillis();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        sampler = new Thread(this::sample, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Collects garbage once, so that the heap in use before is the live data, then starts sampling. */
    static HeapWatch start() {
        return new HeapWatch();
    }

    /** What was seen between start and stop. */
    record Report(
            long usedBeforeBytes,
            long sampledPeakBytes,
            long poolPeaksBytes,
            long maxBytes,
            long collections,
            long collectionMillis) {}

    Report stop() throws InterruptedException {
        watching = false;
        sampler.join();
        long poolPeaks = heapPools.stream()
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
        return new Report(
                usedBeforeBytes,
                sampledPeakBytes.get(),
                poolPeaks,
                Runtime.getRuntime().maxMemory(),
                collections() - collectionsBefore,
                collectionMillis() - collectionMillisBefore);
    }

    @Override
    public void close() throws InterruptedException {
        if (watching) {
            stop();
        }
    }

    private void sample() {
        while (watching) {
            sampledPeakBytes.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            try {
                Thread.sleep(SAMPLE_INTERVAL.toMillis());
            } catch (InterruptedException ex) {
                return;
            }
        }
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .sum();
    }

    private static long collectionMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime)
                .sum();
    }
}
