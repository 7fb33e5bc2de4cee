package dev.fallbackwatch.detection;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.MutableClock;
import dev.fallbackwatch.testing.MutableClockConfiguration;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.spring.JqwikSpringSupport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * Incremental runs give exactly the findings of full runs. Each try generates a day of ingest batches with late,
 * future-stamped and duplicate events, and replays it twice from an empty database with the clock at the same
 * instants: once with scheduled runs that build on each other, once with full runs. After every run both finding
 * tables must be equal, column by column.
 */
@JqwikSpringSupport
@Import(MutableClockConfiguration.class)
class IncrementalDetectionProperties extends PostgresIntegrationTest {

    private static final Instant DAY_START = Instant.parse("2026-11-30T00:00:00Z");

    private static final List<String> DEVICES = List.of("ws-a", "srv-b");

    private static final List<String> PROCESSES = List.of("rundll32.exe", "rundll32.exe", "chrome.exe");

    private static final List<String> ADDRESSES = List.of(
            "93.184.216.34", "77.75.108.137", "185.199.108.153", "8.8.8.8", "1.1.1.1", "2606:4700::1", "10.0.0.5");

    private static final List<Integer> PORTS = List.of(53, 80, 443, 8080, 4444, 22);

    /** Every stored column of a finding that a run computes, as text, in a stable order. */
    private static final String FINDING_ROWS = """
            SELECT device_name, account_name, initiating_process_file_name, initiating_process_command_line,
                   initiating_process_id::text, initiating_process_parent_file_name,
                   window_start::text, window_end::text, first_seen::text, last_seen::text,
                   connection_span_minutes::text, unique_dest_ips::text, unique_dest_ports::text,
                   total_connections::text, destination_ips::text, destination_ports::text, risk_score,
                   no_longer_matching::text
            FROM finding
            ORDER BY device_name, initiating_process_file_name, initiating_process_id, window_start""";

    @Autowired
    MutableClock clock;

    @Autowired
    DetectionService detection;

    /** One ingest batch, then a scheduled run at {@code runAt}. */
    record Step(Instant runAt, List<Map<String, Object>> records) {}

    /** The findings after each run, and how each run evaluated. */
    record Replay(List<List<Map<String, Object>>> findingsAfterEachRun, List<DetectionRun.Evaluation> evaluations) {}

    @Property(tries = 12)
    void incrementalRunsFindWhatFullRunsFind(@ForAll long seed) {
        List<Step> day = day(new Random(seed));

        Replay incremental = replay(day, false);
        Replay full = replay(day, true);

        assertThat(incremental.evaluations().get(0)).isEqualTo(DetectionRun.Evaluation.FULL);
        assertThat(incremental.evaluations().subList(1, day.size())).containsOnly(DetectionRun.Evaluation.INCREMENTAL);
        assertThat(full.evaluations()).containsOnly(DetectionRun.Evaluation.FULL);
        for (int step = 0; step < day.size(); step++) {
            assertThat(incremental.findingsAfterEachRun().get(step))
                    .as("findings after run %d of seed %d", step + 1, seed)
                    .isEqualTo(full.findingsAfterEachRun().get(step));
        }

        // Days without findings would compare empty tables: most tries must produce some.
        List<Map<String, Object>> lastFindings = full.findingsAfterEachRun().get(day.size() - 1);
        Statistics.label("days with findings").collect(!lastFindings.isEmpty());
        Statistics.label("days with findings")
                .coverage(coverage -> coverage.check(true).percentage(percent -> percent >= 50));
    }

    private Replay replay(List<Step> day, boolean fullRuns) {
        jdbc.execute("TRUNCATE network_event, detection_backlog, finding, detection_run RESTART IDENTITY CASCADE");
        List<List<Map<String, Object>>> findings = new ArrayList<>();
        List<DetectionRun.Evaluation> evaluations = new ArrayList<>();

        for (Step step : day) {
            clock.set(step.runAt());
            assertThat(ingestJson(json.writeValueAsString(step.records()))).hasStatusOk();

            DetectionRun run = detection.run(DetectionRun.Trigger.SCHEDULED, null, fullRuns);

            assertThat(run.status()).isEqualTo(DetectionRun.Status.SUCCEEDED);
            evaluations.add(run.evaluation());
            findings.add(jdbc.queryForList(FINDING_ROWS));
        }
        return new Replay(findings, evaluations);
    }

    /**
     * Three to six batches, each followed by a run 20 minutes to 7 hours after the previous one. Events lie mostly
     * in the three hours before the run; some arrive late (up to 30 hours back, or exactly 24 hours back, on the
     * window's edge), some are stamped up to 90 minutes after the run, some sit on a bucket boundary, and some are
     * duplicates of events sent before.
     */
    private static List<Step> day(Random random) {
        List<Step> steps = new ArrayList<>();
        List<Map<String, Object>> sent = new ArrayList<>();
        Instant runAt = DAY_START.plus(Duration.ofMinutes(360 + random.nextInt(60)));
        int batches = 3 + random.nextInt(4);

        for (int batch = 0; batch < batches; batch++) {
            runAt = runAt.plus(Duration.ofMinutes(20 + random.nextInt(400))).plusMillis(random.nextInt(60_000));
            List<Map<String, Object>> records = new ArrayList<>();
            int size = 10 + random.nextInt(60);
            for (int i = 0; i < size; i++) {
                boolean duplicate = !sent.isEmpty() && random.nextInt(8) == 0;
                Map<String, Object> record = duplicate
                        ? sent.get(random.nextInt(sent.size()))
                        : randomEvent(random, eventTime(random, runAt));
                records.add(record);
                sent.add(record);
            }
            steps.add(new Step(runAt, records));
        }
        return steps;
    }

    private static Instant eventTime(Random random, Instant runAt) {
        return switch (random.nextInt(12)) {
            case 0 -> runAt.minus(Duration.ofMinutes(random.nextInt(30 * 60)));
            case 1 -> runAt.minus(Duration.ofHours(24));
            case 2 -> runAt.plus(Duration.ofMinutes(random.nextInt(90)));
            case 3 -> runAt.minus(Duration.ofMinutes(random.nextInt(180))).truncatedTo(ChronoUnit.HOURS);
            default -> runAt.minus(Duration.ofSeconds(random.nextInt(2 * 3600)));
        };
    }

    private static Map<String, Object> randomEvent(Random random, Instant at) {
        String address = pick(random, ADDRESSES);
        DefenderEvents event = event().at(at)
                .device(pick(random, DEVICES))
                .process(pick(random, PROCESSES))
                .pid(random.nextInt(4) == 0 ? 101 : 100)
                .to(address, pick(random, PORTS));
        if (address.startsWith("10.")) {
            event.with("RemoteIPType", "Private");
        }
        return event.build();
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
