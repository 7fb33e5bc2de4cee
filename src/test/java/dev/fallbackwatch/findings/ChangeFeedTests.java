package dev.fallbackwatch.findings;

import static dev.fallbackwatch.findings.Fallbacks.fallback;
import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** GET /api/v1/findings/changes: every change exactly once, in order, also while changes commit. */
class ChangeFeedTests extends PostgresIntegrationTest {

    private static final Instant WINDOW_END = Instant.parse("2026-12-01T00:00:00Z");

    @Autowired
    DetectionService detection;

    @Autowired
    TriageService triage;

    @Autowired
    TransactionTemplate transaction;

    private final ExecutorService writers = Executors.newFixedThreadPool(2);

    /** Three findings: positions 1 to 3 of the feed. */
    @BeforeEach
    void threeFindings() {
        List<DefenderEvents> events = new ArrayList<>();
        events.addAll(fallback("ws-a", 11, "2026-11-30T08:00:00Z", 5, 443, 8080, 8443));
        events.addAll(fallback("ws-b", 12, "2026-11-30T09:00:00Z", 4));
        events.addAll(fallback("ws-c", 13, "2026-11-30T10:00:00Z", 3));
        ingest(events);
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
    }

    @AfterEach
    void stopWriters() {
        writers.shutdownNow();
    }

    @Test
    void pollingFromACursorReturnsEveryChangeOnceInOrder() {
        JsonNode first = poll(0, 2);
        JsonNode second = poll(first.get("next").asLong(), 2);
        JsonNode idle = poll(second.get("next").asLong(), 2);

        assertThat(positions(first)).containsExactly(1L, 2L);
        assertThat(first.get("next").asLong()).isEqualTo(2);
        assertThat(first.get("hasMore").asBoolean()).isTrue();
        assertThat(positions(second)).containsExactly(3L);
        assertThat(second.get("hasMore").asBoolean()).isFalse();
        assertThat(positions(idle)).isEmpty();
        assertThat(idle.get("next").asLong()).isEqualTo(3);
        List<JsonNode> detected = new ArrayList<>();
        first.get("changes").forEach(detected::add);
        second.get("changes").forEach(detected::add);
        assertThat(detected).extracting(c -> c.get("kind").asString()).containsOnly("DETECTED");
        assertThat(detected)
                .extracting(c -> c.at("/finding/deviceName").asString())
                .containsExactlyInAnyOrder("ws-a", "ws-b", "ws-c");
        for (JsonNode change : detected) {
            assertThat(change.at("/finding/id").asLong())
                    .isEqualTo(change.get("findingId").asLong());
            assertThat(change.at("/finding/version").asLong()).isEqualTo(1);
            assertThat(change.at("/finding/incidentId").isNumber()).isTrue();
        }
    }

    @Test
    void triageAndLaterRunsAppendChangesWithTheFindingAsItWasAfterEach() {
        long id = findingOn("ws-c");
        assertThat(mvc.patch()
                        .uri("/api/v1/findings/" + id)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"status\": \"ACKNOWLEDGED\"}")
                        .exchange())
                .hasStatusOk();
        ingest(List.of(event().device("ws-c").pid(13).at("2026-11-30T10:30:00Z").to("45.77.13.50", 443)));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode changes = poll(3, 100).get("changes");

        assertThat(changes).hasSize(2);
        assertThat(changes.get(0).get("position").asLong()).isEqualTo(4);
        assertThat(changes.get(0).get("kind").asString()).isEqualTo("TRIAGED");
        assertThat(changes.get(0).at("/finding/status").asString()).isEqualTo("ACKNOWLEDGED");
        assertThat(changes.get(0).at("/finding/uniqueDestIps").asInt()).isEqualTo(3);
        assertThat(changes.get(1).get("position").asLong()).isEqualTo(5);
        assertThat(changes.get(1).get("kind").asString()).isEqualTo("UPDATED_BY_DETECTION");
        assertThat(changes.get(1).get("runId").asLong()).isEqualTo(2);
        assertThat(changes.get(1).at("/finding/version").asLong()).isEqualTo(3);
        assertThat(changes.get(1).at("/finding/uniqueDestIps").asInt()).isEqualTo(4);
        assertThat(changes.get(1).at("/finding/riskScore").asString()).isEqualTo("High");
        assertThat(changes.get(1).at("/changes/riskScore/from").asString()).isEqualTo("Medium");
        assertThat(changes).extracting(c -> c.get("findingId").asLong()).containsOnly(id);
    }

    /**
     * The slow writer takes position 4 and holds its transaction open; the fast writer changes another finding
     * meanwhile. With positions from a plain sequence the fast writer would commit position 5 first, a poll would
     * return 5, and the next poll from 5 would never see 4.
     */
    @Test
    void aChangeThatCommitsWhileAClientPollsIsNeitherSkippedNorRepeated() throws Exception {
        long slowFinding = findingOn("ws-a");
        long fastFinding = findingOn("ws-b");
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);

        Future<?> slow = writers.submit(() -> transaction.executeWithoutResult(status -> {
            triage.patch(slowFinding, acknowledge(), null, "slow");
            written.countDown();
            await(commit);
        }));
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        Future<?> fast = writers.submit(() -> triage.patch(fastFinding, acknowledge(), null, "fast"));
        waitUntil(() -> fast.isDone() || waitingForTheFeedLock());

        JsonNode during = poll(3, 100);
        commit.countDown();
        slow.get(10, TimeUnit.SECONDS);
        fast.get(10, TimeUnit.SECONDS);
        JsonNode afterwards = poll(during.get("next").asLong(), 100);
        JsonNode idle = poll(afterwards.get("next").asLong(), 100);

        assertThat(positions(during)).isEmpty();
        assertThat(positions(afterwards)).containsExactly(4L, 5L);
        assertThat(afterwards
                        .get("changes")
                        .valueStream()
                        .map(c -> c.get("changedBy").asString()))
                .containsExactly("slow", "fast");
        assertThat(positions(idle)).isEmpty();
    }

    @Test
    void refusesANegativeCursorAndAnOversizedLimit() {
        assertThat(mvc.get().uri("/api/v1/findings/changes?after=-1").exchange())
                .hasStatus(400)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(mvc.get().uri("/api/v1/findings/changes?limit=1001").exchange())
                .hasStatus(400)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void explainsTheCursorInTheApiDescription() {
        JsonNode docs = json.readTree(
                mvc.get().uri("/v3/api-docs").exchange().getResponse().getContentAsByteArray());

        assertThat(docs.at("/paths/~1api~1v1~1findings~1changes/get/description")
                        .asString())
                .isEqualTo(FindingChangeFeedController.CURSOR_MEANING)
                .contains("position of the last change received");
    }

    private TriagePatch acknowledge() {
        return TriagePatch.parse(json.readTree("{\"status\": \"ACKNOWLEDGED\"}"));
    }

    private boolean waitingForTheFeedLock() {
        Long waiting = jdbc.queryForObject(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", Long.class);
        return waiting != null && waiting > 0;
    }

    private JsonNode poll(long after, int limit) {
        MvcTestResult result = mvc.get()
                .uri("/api/v1/findings/changes?after=" + after + "&limit=" + limit)
                .exchange();
        assertThat(result).hasStatusOk();
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    private static List<Long> positions(JsonNode page) {
        return page.get("changes")
                .valueStream()
                .map(c -> c.get("position").asLong())
                .toList();
    }

    private long findingOn(String device) {
        return findings().stream()
                .filter(f -> f.get("deviceName").asString().equals(device))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asLong();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited 10 s").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
