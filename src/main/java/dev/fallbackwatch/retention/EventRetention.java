package dev.fallbackwatch.retention;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One maintenance pass over the events table: every day from the oldest one still inside the retention to
 * {@code partitionsAhead} past now gets its partition, and partitions whose last instant left the retention are
 * dropped whole.
 *
 * <p>An event is kept while its Timestamp is later than {@code now - retention}; a day's partition goes once all of
 * it is older. Events that arrive for a day outside the partitioned range wait in the default partition: those of
 * a later day move into its partition when it is created, those older than the retention are deleted by the next
 * pass. Each step is its own short transaction under an advisory lock shared by every replica, and gives up when
 * a table lock is not granted within {@link #LOCK_TIMEOUT_MS}; the next pass tries again.
 */
@Service
public class EventRetention {

    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

    /** Advisory lock key of partition maintenance, beside detection's 1008. */
    private static final long MAINTENANCE_LOCK_KEY = 1008_0002L;

    static final long LOCK_TIMEOUT_MS = 5_000;

    private final EventPartitions partitions;

    private final RetentionProperties properties;

    private final TransactionTemplate transaction;

    private final JdbcTemplate jdbc;

    private final Clock clock;

    EventRetention(
            EventPartitions partitions,
            RetentionProperties properties,
            TransactionTemplate transaction,
            JdbcTemplate jdbc,
            Clock clock) {
        this.partitions = partitions;
        this.properties = properties;
        this.transaction = transaction;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What one pass changed. */
    public record Pass(List<LocalDate> created, long eventsMoved, List<LocalDate> dropped, long eventsDeleted) {

        boolean changedAnything() {
            return !created.isEmpty() || !dropped.isEmpty() || eventsDeleted > 0;
        }
    }

    /** Runs one pass now. A step that cannot get its locks is left for the next pass and logged. */
    public Pass maintain() {
        long startedNanos = System.nanoTime();
        Instant now = clock.instant();
        Instant cutoff = now.minus(properties.events());
        LocalDate firstKept = utcDay(cutoff);
        LocalDate lastAhead = utcDay(now.plus(properties.partitionsAhead()));

        TreeSet<LocalDate> existing = inTransaction(partitions::days);
        List<LocalDate> created = new ArrayList<>();
        long moved = 0;
        for (LocalDate day = firstKept; !day.isAfter(lastAhead); day = day.plusDays(1)) {
            if (existing.contains(day)) {
                continue;
            }
            Long movedIntoDay = createIfMissing(day);
            if (movedIntoDay != null) {
                created.add(day);
                moved += movedIntoDay;
            }
        }

        List<LocalDate> dropped = new ArrayList<>();
        for (LocalDate day : existing.headSet(firstKept)) {
            if (dropIfExpired(day, cutoff)) {
                dropped.add(day);
            }
        }
        long deleted = inTransaction(() -> partitions.deleteFromDefault(cutoff, properties.lateArrivalGrace()));

        Pass pass = new Pass(created, moved, dropped, deleted);
        long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
        if (pass.changedAnything()) {
            log.info(
                    "Event partitions maintained created={} dropped={} eventsMoved={} expiredDefaultEvents={}"
                            + " partitionedFrom={} partitionedTo={} retention={} durationMs={}",
                    created.size(),
                    dropped.size(),
                    moved,
                    deleted,
                    firstKept,
                    lastAhead,
                    properties.events(),
                    durationMs);
        } else {
            log.debug("Event partitions unchanged from={} to={} durationMs={}", firstKept, lastAhead, durationMs);
        }
        return pass;
    }

    /** Creates the day's partition unless another replica did meanwhile; null when nothing was created. */
    private Long createIfMissing(LocalDate day) {
        try {
            return inTransaction(() -> partitions.days().contains(day) ? null : partitions.create(day));
        } catch (DataAccessException ex) {
            log.warn(
                    "Could not create an event partition now, the next pass retries day={} cause={}",
                    day,
                    ex.getMostSpecificCause().getMessage());
            return null;
        }
    }

    private boolean dropIfExpired(LocalDate day, Instant cutoff) {
        if (day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff)) {
            return false;
        }
        try {
            return inTransaction(() -> {
                if (!partitions.days().contains(day)) {
                    return false;
                }
                partitions.drop(day);
                return true;
            });
        } catch (DataAccessException ex) {
            log.warn(
                    "Could not drop an expired event partition now, the next pass retries day={} cause={}",
                    day,
                    ex.getMostSpecificCause().getMessage());
            return false;
        }
    }

    private <T> T inTransaction(java.util.function.Supplier<T> step) {
        return transaction.execute(status -> {
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)", Object.class, MAINTENANCE_LOCK_KEY);
            partitions.limitLockWait(LOCK_TIMEOUT_MS);
            return step.get();
        });
    }

    private static LocalDate utcDay(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }
}
