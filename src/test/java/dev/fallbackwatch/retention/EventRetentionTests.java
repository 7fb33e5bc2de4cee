package dev.fallbackwatch.retention;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.MutableClock;
import dev.fallbackwatch.testing.MutableClockConfiguration;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/** Daily partitions made ahead of time, events moved out of the default partition, expired days dropped whole. */
@Import(MutableClockConfiguration.class)
class EventRetentionTests extends PostgresIntegrationTest {

    private static final Instant NOON = Instant.parse("2026-11-30T12:00:00Z");

    @Autowired
    MutableClock clock;

    @Autowired
    EventRetention retention;

    @BeforeEach
    void onlyTheDefaultPartition() {
        for (String partition : dailyPartitions()) {
            jdbc.execute("DROP TABLE " + partition);
        }
        clock.set(NOON);
    }

    @Test
    void createsTheRetainedDaysAndTheDaysAhead() {
        EventRetention.Pass pass = retention.maintain();

        assertThat(pass.created()).first().isEqualTo(LocalDate.parse("2026-11-23"));
        assertThat(pass.created()).last().isEqualTo(LocalDate.parse("2026-12-02"));
        assertThat(pass.created()).hasSize(10);
        assertThat(dailyPartitions()).hasSize(10).contains("network_event_p20261123", "network_event_p20261202");
        assertThat(retention.maintain().created()).as("a second pass").isEmpty();
    }

    @Test
    void ingestedEventsLandInTheirDaysPartition() {
        retention.maintain();

        ingest(List.of(
                event().device("ws-a").at("2026-11-30T09:00:00Z").reportId(1),
                event().device("ws-a").at("2026-11-29T23:59:59.999999Z").reportId(2)));

        assertThat(partitionOf(1)).isEqualTo("network_event_p20261130");
        assertThat(partitionOf(2)).isEqualTo("network_event_p20261129");
    }

    @Test
    void movesWaitingEventsIntoTheirNewPartition() {
        retention.maintain();
        storeDirectly("2026-12-10T00:00:00Z", 1);
        storeDirectly("2026-12-10T23:59:59Z", 2);
        storeDirectly("2026-12-11T00:00:00Z", 3);
        assertThat(partitionOf(1)).isEqualTo("network_event_default");

        clock.set(Instant.parse("2026-12-08T01:00:00Z"));
        EventRetention.Pass pass = retention.maintain();

        assertThat(pass.created()).contains(LocalDate.parse("2026-12-10"));
        assertThat(pass.eventsMoved()).isEqualTo(2);
        assertThat(partitionOf(1)).isEqualTo("network_event_p20261210");
        assertThat(partitionOf(2)).isEqualTo("network_event_p20261210");
        assertThat(partitionOf(3)).isEqualTo("network_event_default");
        assertThat(count()).as("nothing lost or doubled by the move").isEqualTo(3);
    }

    @Test
    void dropsDaysWhoseLastInstantLeftTheRetention() {
        retention.maintain();
        ingest(List.of(
                event().device("ws-a").at("2026-11-23T23:00:00Z").reportId(1),
                event().device("ws-a").at("2026-11-24T01:00:00Z").reportId(2),
                event().device("ws-a").at("2026-11-30T09:00:00Z").reportId(3)));

        // 2026-12-01T00:30 less 7 days is 2026-11-24T00:30: all of 11-23 is older, 11-24 is not.
        clock.set(Instant.parse("2026-12-01T00:30:00Z"));
        EventRetention.Pass pass = retention.maintain();

        assertThat(pass.dropped()).containsExactly(LocalDate.parse("2026-11-23"));
        assertThat(dailyPartitions()).doesNotContain("network_event_p20261123").contains("network_event_p20261124");
        assertThat(reportIds()).containsExactly("2", "3");
    }

    @Test
    void deletesExpiredEventsOfTheDefaultPartitionOnceTheirGracePeriodIsOver() {
        retention.maintain();
        ingest(List.of(
                event().device("ws-a").at("2026-11-20T10:00:00Z").reportId(1),
                event().device("ws-a").at("2026-11-23T12:00:01Z").reportId(2)));
        assertThat(partitionOf(1)).isEqualTo("network_event_default");
        arrivedAgo(Duration.ofDays(1).plusMinutes(1));

        clock.advance(Duration.ofSeconds(1));
        EventRetention.Pass pass = retention.maintain();

        assertThat(pass.eventsDeleted()).isEqualTo(1);
        assertThat(reportIds()).containsExactly("2");
    }

    @Test
    void keepsALateArrivalOlderThanTheRetentionForItsGracePeriod() {
        retention.maintain();
        ingest(List.of(event().device("ws-a").at("2026-11-20T10:00:00Z").reportId(1)));
        arrivedAgo(Duration.ofDays(1).minusMinutes(1));

        EventRetention.Pass pass = retention.maintain();

        assertThat(pass.eventsDeleted()).isZero();
        assertThat(reportIds()).containsExactly("1");
    }

    /** Moves the arrival of every stored event back by {@code ago}, by the database's clock that stamped it. */
    private void arrivedAgo(Duration ago) {
        jdbc.update("UPDATE network_event SET received_at = now() - make_interval(secs => ?)", ago.toSeconds());
    }

    private List<String> dailyPartitions() {
        return jdbc.queryForList("""
                SELECT c.relname
                FROM pg_inherits i
                JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'network_event'::regclass
                  AND c.relname <> 'network_event_default'
                ORDER BY c.relname""", String.class);
    }

    private String partitionOf(int reportId) {
        return jdbc.queryForObject(
                "SELECT tableoid::regclass::text FROM network_event WHERE report_id = ?",
                String.class,
                String.valueOf(reportId));
    }

    private List<String> reportIds() {
        return jdbc.queryForList("SELECT report_id FROM network_event ORDER BY report_id", String.class);
    }

    private long count() {
        return jdbc.queryForObject("SELECT count(*) FROM network_event", Long.class);
    }

    /** Stores an event of a day ingest would refuse as too far ahead, as a migrated database may hold. */
    private void storeDirectly(String timestamp, int reportId) {
        jdbc.update(
                "INSERT INTO network_event (device_name, report_id, event_time) VALUES ('ws-a', ?, ?::timestamptz)",
                String.valueOf(reportId),
                timestamp);
    }
}
