package dev.fallbackwatch.detection;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.MutableClock;
import dev.fallbackwatch.testing.MutableClockConfiguration;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** When a scheduled run builds on the previous one, what it reads, and when it must evaluate in full instead. */
@Import(MutableClockConfiguration.class)
class IncrementalDetectionTests extends PostgresIntegrationTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:30:00Z");

    @Autowired
    MutableClock clock;

    @Autowired
    DetectionService detection;

    @Autowired
    DetectionRunRepository runs;

    @BeforeEach
    void clockAtNoon() {
        clock.set(NOW);
    }

    @Test
    void scheduledRunReadsOnlyTheBucketsThatReceivedEvents() {
        ingest(beacon("ws-a", "2026-11-30T09:10:00Z"));
        ingest(beacon("ws-b", "2026-11-30T09:10:00Z"));
        DetectionRun first = scheduledRunAfter(Duration.ZERO);

        ingest(List.of(event().device("ws-a").at("2026-11-30T09:50:00Z").to("4.4.4.4", 443)));
        DetectionRun second = scheduledRunAfter(Duration.ofMinutes(1));

        assertThat(first.evaluation()).isEqualTo(DetectionRun.Evaluation.FULL);
        assertThat(first.eventsScanned()).isEqualTo(10);
        assertThat(second.evaluation()).isEqualTo(DetectionRun.Evaluation.INCREMENTAL);
        assertThat(second.fullEvaluationReason()).isNull();
        assertThat(second.eventsScanned())
                .as("the whole 09:00 bucket of ws-a, nothing of ws-b")
                .isEqualTo(6);
        assertThat(second.findingsUpdated()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT unique_dest_ips FROM finding WHERE device_name = 'ws-a'", Integer.class))
                .isEqualTo(4);
    }

    @Test
    void runWithNothingNewReadsNothing() {
        ingest(beacon("ws-a", "2026-11-30T09:10:00Z"));
        scheduledRunAfter(Duration.ZERO);

        DetectionRun idle = scheduledRunAfter(Duration.ofMinutes(1));

        assertThat(idle.evaluation()).isEqualTo(DetectionRun.Evaluation.INCREMENTAL);
        assertThat(idle.eventsScanned()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM detection_backlog", Long.class))
                .isZero();
    }

    @Test
    void bucketStillOpenIsEvaluatedAgainUntilItCloses() {
        ingest(List.of(event().device("ws-a").at("2026-11-30T12:20:00Z").to("1.2.3.4", 443)));
        scheduledRunAfter(Duration.ZERO);

        DetectionRun stillOpen = scheduledRunAfter(Duration.ofMinutes(10));
        DetectionRun closed = scheduledRunAfter(Duration.ofMinutes(30));
        DetectionRun afterwards = scheduledRunAfter(Duration.ofMinutes(1));

        assertThat(stillOpen.eventsScanned()).isEqualTo(1);
        assertThat(closed.eventsScanned()).isEqualTo(1);
        assertThat(afterwards.eventsScanned()).isZero();
    }

    @Test
    void settingsChangeMakesTheNextRunFull() {
        ingest(beacon("ws-a", "2026-11-30T09:10:00Z"));
        scheduledRunAfter(Duration.ZERO);

        MvcTestResult changed = mvc.put()
                .uri("/api/v1/settings/ports")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"ports\":[443,8443]}")
                .exchange();
        DetectionRun next = scheduledRunAfter(Duration.ofMinutes(1));

        assertThat(changed).hasStatusOk();
        assertThat(next.evaluation()).isEqualTo(DetectionRun.Evaluation.FULL);
        assertThat(next.fullEvaluationReason()).isEqualTo("settings changed since the previous run");
        assertThat(next.eventsScanned()).isEqualTo(5);
    }

    @Test
    void exclusionThatExpiredSinceThePreviousRunMakesTheNextRunFull() {
        jdbc.update(
                "INSERT INTO process_exclusion (process_name, reason, created_by, expires_at) VALUES (?, ?, ?, ?)",
                "rundll32.exe",
                "change window",
                "admin",
                java.sql.Timestamp.from(NOW.plus(Duration.ofMinutes(5))));
        ingest(beacon("ws-a", "2026-11-30T09:10:00Z"));
        DetectionRun hidden = scheduledRunAfter(Duration.ZERO);
        scheduledRunAfter(Duration.ofMinutes(1));

        DetectionRun afterExpiry = scheduledRunAfter(Duration.ofMinutes(5));

        assertThat(hidden.findingsCreated()).isZero();
        assertThat(afterExpiry.evaluation()).isEqualTo(DetectionRun.Evaluation.FULL);
        assertThat(afterExpiry.fullEvaluationReason()).isEqualTo("an exclusion expired since the previous run");
        assertThat(afterExpiry.findingsCreated()).isEqualTo(1);
    }

    @Test
    void manualRunIsFullUnlessIncrementalIsAskedFor() throws Exception {
        ingest(beacon("ws-a", "2026-11-30T09:10:00Z"));
        scheduledRunAfter(Duration.ZERO);

        DetectionRun manual = runOverHttp("{}");
        DetectionRun incremental = runOverHttp("{\"evaluation\":\"INCREMENTAL\"}");

        assertThat(manual.evaluation()).isEqualTo(DetectionRun.Evaluation.FULL);
        assertThat(manual.fullEvaluationReason()).isEqualTo("requested");
        assertThat(incremental.evaluation()).isEqualTo(DetectionRun.Evaluation.INCREMENTAL);
    }

    @Test
    void runOverAGivenWindowEndIsFull() {
        ingest(beacon("ws-a", "2026-11-30T09:10:00Z"));
        scheduledRunAfter(Duration.ZERO);

        DetectionRun backTest =
                detection.run(DetectionRun.Trigger.SCHEDULED, Instant.parse("2026-11-30T11:00:00Z"), false);

        assertThat(backTest.evaluation()).isEqualTo(DetectionRun.Evaluation.FULL);
        assertThat(backTest.fullEvaluationReason()).isEqualTo("a window end was given");
    }

    /** Five connections of one process to three addresses on three ports within ten minutes: a finding. */
    private static List<DefenderEvents> beacon(String device, String start) {
        Instant at = Instant.parse(start);
        return List.of(
                event().device(device).at(at).to("1.1.1.1", 443),
                event().device(device).at(at.plusSeconds(60)).to("1.1.1.1", 443),
                event().device(device).at(at.plusSeconds(120)).to("2.2.2.2", 8080),
                event().device(device).at(at.plusSeconds(180)).to("3.3.3.3", 53),
                event().device(device).at(at.plusSeconds(240)).to("3.3.3.3", 53));
    }

    private DetectionRun scheduledRunAfter(Duration wait) {
        clock.advance(wait);
        return detection.run(DetectionRun.Trigger.SCHEDULED, null);
    }

    private DetectionRun runOverHttp(String body) throws Exception {
        clock.advance(Duration.ofMinutes(1));
        MvcTestResult started = mvc.post()
                .uri("/api/v1/detection/runs")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body)
                .exchange();
        assertThat(started).hasStatus(202);
        long id = json.readTree(started.getResponse().getContentAsByteArray())
                .get("id")
                .asLong();

        Instant giveUp = Instant.now().plusSeconds(30);
        DetectionRun run = runs.findById(id).orElseThrow();
        while (run.status() == DetectionRun.Status.RUNNING && Instant.now().isBefore(giveUp)) {
            Thread.sleep(50);
            run = runs.findById(id).orElseThrow();
        }
        return run;
    }
}
