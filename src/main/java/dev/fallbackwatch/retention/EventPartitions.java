package dev.fallbackwatch.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The daily partitions of {@code network_event}, one per UTC day, named {@code network_event_pYYYYMMDD}. Events of
 * a day without a partition wait in {@code network_event_default} until the day gets one. Partitions of other
 * names are never touched. Call every method inside a transaction.
 */
@Repository
class EventPartitions {

    private static final String EXPIRED_DEFAULT_EVENTS_DELETED = """
            DELETE FROM network_event_default
            WHERE event_time <= ?
              AND received_at <= now() - make_interval(secs => ?)""";

    private static final Pattern DAILY_NAME = Pattern.compile("network_event_p(\\d{8})");

    private static final DateTimeFormatter NAME_DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private static final String ATTACHED = """
            SELECT c.relname
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'network_event'::regclass""";

    private final JdbcTemplate jdbc;

    EventPartitions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The days that have a partition, in order. */
    TreeSet<LocalDate> days() {
        TreeSet<LocalDate> days = new TreeSet<>();
        for (String name : jdbc.queryForList(ATTACHED, String.class)) {
            day(name).ifPresent(days::add);
        }
        return days;
    }

    /**
     * Creates the partition of one day and moves into it what the default partition holds of that day. Writes
     * into the default partition wait meanwhile; reads go on. Returns how many events moved.
     */
    long create(LocalDate day) {
        String partition = name(day);
        String from = bound(day);
        String to = bound(day.plusDays(1));

        jdbc.execute("LOCK TABLE network_event_default IN SHARE ROW EXCLUSIVE MODE");
        jdbc.execute("CREATE TABLE " + partition + " (LIKE network_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");

        String ofTheDay = " FROM network_event_default WHERE event_time >= " + from + " AND event_time < " + to;
        long moved = jdbc.update("INSERT INTO " + partition + " SELECT *" + ofTheDay);
        jdbc.update("DELETE" + ofTheDay);

        jdbc.execute("ALTER TABLE network_event ATTACH PARTITION " + partition + " FOR VALUES FROM (" + from + ") TO ("
                + to + ")");
        return moved;
    }

    /** Drops the partition of one day with every event in it. */
    void drop(LocalDate day) {
        jdbc.execute("DROP TABLE " + name(day));
    }

    /**
     * Deletes the events of the default partition stamped at or before {@code cutoff} that arrived longer than
     * {@code grace} ago, by the database's clock, which stamped their arrival; returns how many.
     */
    long deleteFromDefault(Instant cutoff, Duration grace) {
        return jdbc.update(EXPIRED_DEFAULT_EVENTS_DELETED, cutoff.atOffset(ZoneOffset.UTC), grace.toSeconds());
    }

    /** Waits at most this long for a table lock, so that maintenance never queues ingest behind a long run. */
    void limitLockWait(long lockTimeoutMs) {
        jdbc.queryForObject("SELECT set_config('lock_timeout', ?, true)", String.class, lockTimeoutMs + "ms");
    }

    static String name(LocalDate day) {
        return "network_event_p" + NAME_DAY.format(day);
    }

    private static Optional<LocalDate> day(String partitionName) {
        Matcher matcher = DAILY_NAME.matcher(partitionName);
        return matcher.matches() ? Optional.of(LocalDate.parse(matcher.group(1), NAME_DAY)) : Optional.empty();
    }

    /** A partition bound: the start of a UTC day as a literal; DDL takes no parameters. */
    private static String bound(LocalDate day) {
        return "TIMESTAMPTZ '" + day + " 00:00:00+00'";
    }
}
