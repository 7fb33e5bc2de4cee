package dev.fallbackwatch.webhooks;

import static dev.fallbackwatch.findings.Fallbacks.fallback;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/**
 * Deliveries end to end: a detection run or a triage change writes them to the outbox, a dispatcher pass sends
 * them to a real HTTP server started by the test, which checks what arrives.
 */
class WebhookDeliveryTests extends WebhookIntegrationTest {

    private static final Instant WINDOW_END = Instant.parse("2026-12-01T00:00:00Z");

    @Autowired
    DetectionService detection;

    @Autowired
    WebhookDispatcher dispatcher;

    @Autowired
    WebhookDeliveryStore deliveryStore;

    @Autowired
    NamedParameterJdbcTemplate namedJdbc;

    @Autowired
    WebhookSecrets secrets;

    private final Receiver receiver = new Receiver();

    /** Later than any delivery the tests write with the service's own clock, so those are due at once. */
    private final MutableClock clock =
            new MutableClock(Instant.now().plus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS));

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void deliversNewFindingsAndIncidentsSignedWithTheSubscriptionSecret() {
        long subscription = subscribe(receiver.url(), "Low", "finding.created", "incident.created");
        ingest(fallback("ws-w", 7, "2026-11-30T08:00:00Z", 4));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        JsonNode finding = findings().get(0);

        WebhookDispatcher.Pass pass = dispatcher.dispatchOnce();

        assertThat(pass).isEqualTo(new WebhookDispatcher.Pass(2, 2, 0, 0));
        List<Receiver.Request> received = receiver.received();
        assertThat(received)
                .extracting(Receiver.Request::event)
                .containsExactlyInAnyOrder("finding.created", "incident.created");
        for (Receiver.Request request : received) {
            JsonNode body = json.readTree(request.body());
            assertThat(request.signature()).isEqualTo(hmacSha256(SECRET, request.body()));
            assertThat(request.signature()).isNotEqualTo(hmacSha256(SECRET + "x", request.body()));
            assertThat(request.contentType()).isEqualTo("application/json");
            assertThat(body.get("id").asString()).isEqualTo(request.deliveryId());
            assertThat(body.get("type").asString()).isEqualTo(request.event());
            assertThat(body.get("occurredAt").isString()).isTrue();
        }
        JsonNode findingEvent = payloadOf(received, "finding.created");
        assertThat(findingEvent.at("/data/id").asLong())
                .isEqualTo(finding.get("id").asLong());
        assertThat(findingEvent.at("/data/riskScore").asString()).isEqualTo("High");
        assertThat(findingEvent.at("/data/attack/techniqueId").asString()).isEqualTo("T1008");
        JsonNode incidentEvent = payloadOf(received, "incident.created");
        assertThat(incidentEvent.at("/data/id").asLong())
                .isEqualTo(finding.get("incidentId").asLong());
        assertThat(incidentEvent.at("/data/highestRisk").asString()).isEqualTo("High");

        List<JsonNode> recorded = deliveries(subscription, "");
        assertThat(recorded).extracting(d -> d.get("status").asString()).containsOnly("DELIVERED");
        assertThat(recorded).extracting(d -> d.get("attempts").asInt()).containsOnly(1);
        assertThat(recorded).extracting(d -> d.get("lastStatusCode").asInt()).containsOnly(200);
        assertThat(recorded)
                .extracting(d -> d.get("id").asString())
                .containsExactlyInAnyOrderElementsOf(
                        received.stream().map(Receiver.Request::deliveryId).toList());
        assertThat(dispatcher.dispatchOnce()).isEqualTo(WebhookDispatcher.Pass.NOTHING);
        assertThat(receiver.received()).hasSize(2);
    }

    @Test
    void writesDeliveriesOnlyForTheEventTypesAndRisksASubscriptionAsksFor() {
        long highFindings = subscribe(receiver.url(), "High", "finding.created");
        long allIncidents = subscribe(receiver.url(), null, "incident.created");
        List<DefenderEvents> events = new ArrayList<>();
        events.addAll(fallback("ws-m", 8, "2026-11-30T08:00:00Z", 3));
        events.addAll(fallback("ws-h", 9, "2026-11-30T08:00:00Z", 4));
        ingest(events);

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        List<JsonNode> forHigh = deliveries(highFindings, "");
        assertThat(forHigh).hasSize(1);
        assertThat(forHigh.get(0).get("eventType").asString()).isEqualTo("finding.created");
        assertThat(forHigh.get(0).at("/payload/data/deviceName").asString()).isEqualTo("ws-h");
        assertThat(forHigh.get(0).get("status").asString()).isEqualTo("PENDING");
        assertThat(deliveries(allIncidents, ""))
                .extracting(d -> d.get("eventType").asString() + " "
                        + d.at("/payload/data/deviceName").asString())
                .containsExactlyInAnyOrder("incident.created ws-m", "incident.created ws-h");
    }

    @Test
    void retriesAfterA500WithExponentialBackoffAndTheSameDeliveryId() {
        WebhookDispatcher dispatcher = dispatcher(3, Duration.ofSeconds(30), Duration.ofHours(1));
        long subscription = subscribe(receiver.url(), "Low", "finding.created");
        ingest(fallback("ws-r", 10, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        receiver.answer(500);
        Instant firstAttempt = clock.instant();

        assertThat(dispatcher.dispatchOnce()).isEqualTo(new WebhookDispatcher.Pass(1, 0, 1, 0));
        JsonNode pending = deliveries(subscription, "").get(0);
        assertThat(pending.get("status").asString()).isEqualTo("PENDING");
        assertThat(pending.get("attempts").asInt()).isEqualTo(1);
        assertThat(pending.get("lastStatusCode").asInt()).isEqualTo(500);
        assertThat(pending.get("lastError").asString()).isEqualTo("HTTP 500");
        assertThat(Instant.parse(pending.get("nextAttemptAt").asString())).isEqualTo(firstAttempt.plusSeconds(30));

        clock.advance(Duration.ofSeconds(29));
        assertThat(dispatcher.dispatchOnce()).isEqualTo(WebhookDispatcher.Pass.NOTHING);
        clock.advance(Duration.ofSeconds(1));
        assertThat(dispatcher.dispatchOnce()).isEqualTo(new WebhookDispatcher.Pass(1, 1, 0, 0));

        JsonNode delivered = deliveries(subscription, "").get(0);
        assertThat(delivered.get("status").asString()).isEqualTo("DELIVERED");
        assertThat(delivered.get("attempts").asInt()).isEqualTo(2);
        List<Receiver.Request> received = receiver.received();
        assertThat(received).hasSize(2);
        assertThat(received)
                .extracting(Receiver.Request::deliveryId)
                .containsOnly(delivered.get("id").asString());
        assertThat(received.get(1).text()).isEqualTo(received.get(0).text());
        assertThat(received.get(1).signature())
                .isEqualTo(hmacSha256(SECRET, received.get(1).body()));
    }

    @Test
    void marksADeliveryFailedWhenItsAttemptsRunOutAndRetriesItByHand() {
        WebhookDispatcher dispatcher = dispatcher(3, Duration.ofSeconds(10), Duration.ofSeconds(15));
        long subscription = subscribe(receiver.url(), "Low", "finding.created");
        ingest(fallback("ws-f", 11, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        receiver.answerOtherwise(503);
        Instant start = clock.instant();

        dispatcher.dispatchOnce();
        clock.advance(Duration.ofSeconds(10));
        dispatcher.dispatchOnce();
        assertThat(Instant.parse(
                        deliveries(subscription, "").get(0).get("nextAttemptAt").asString()))
                .as("the second wait doubles to 20 s, capped at 15 s")
                .isEqualTo(start.plusSeconds(25));
        clock.advance(Duration.ofSeconds(15));
        assertThat(dispatcher.dispatchOnce()).isEqualTo(new WebhookDispatcher.Pass(1, 0, 0, 1));

        List<JsonNode> failed = deliveries(subscription, "&status=failed");
        assertThat(failed).hasSize(1);
        JsonNode delivery = failed.get(0);
        String deliveryId = delivery.get("id").asString();
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("lastStatusCode").asInt()).isEqualTo(503);
        assertThat(delivery.get("nextAttemptAt").isNull()).isTrue();
        clock.advance(Duration.ofHours(1));
        assertThat(dispatcher.dispatchOnce()).isEqualTo(WebhookDispatcher.Pass.NOTHING);

        MvcTestResult retried = retry(subscription, deliveryId);

        assertThat(retried).hasStatus(202);
        assertThat(body(retried).get("status").asString()).isEqualTo("PENDING");
        assertThat(body(retried).get("attempts").asInt()).isZero();
        assertProblem(retry(subscription, deliveryId), 409, "delivery-not-failed");
        receiver.answerOtherwise(200);
        assertThat(dispatcher.dispatchOnce()).isEqualTo(new WebhookDispatcher.Pass(1, 1, 0, 0));
        assertThat(receiver.received()).hasSize(4);
        assertThat(receiver.received()).extracting(Receiver.Request::deliveryId).containsOnly(deliveryId);
        assertProblem(retry(subscription, UUID.randomUUID().toString()), 404, "not-found");
        assertProblem(retry(subscription, "not-a-uuid"), 400, "invalid-parameter");
    }

    @Test
    void prunesDeliveredAndFailedDeliveriesOnceTheirRetentionIsOverAndKeepsPendingOnes() {
        WebhookDispatcher dispatcher = dispatcher(1, Duration.ofSeconds(10), Duration.ofSeconds(10));
        long subscription = subscribe(receiver.url(), "Low", "finding.created");
        ingest(fallback("ws-p", 12, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        receiver.answer(200);
        assertThat(dispatcher.dispatchOnce()).isEqualTo(new WebhookDispatcher.Pass(1, 1, 0, 0));
        clock.advance(Duration.ofDays(10));
        ingest(fallback("ws-p", 13, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        receiver.answerOtherwise(503);
        assertThat(dispatcher.dispatchOnce()).isEqualTo(new WebhookDispatcher.Pass(1, 0, 0, 1));
        ingest(fallback("ws-p", 14, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        clock.advance(Duration.ofDays(20));
        assertThat(dispatcher.pruneSettled()).isEqualTo(1);
        clock.advance(Duration.ofDays(10));
        assertThat(dispatcher.pruneSettled()).isEqualTo(1);

        assertThat(deliveries(subscription, ""))
                .extracting(d -> d.get("status").asString())
                .containsExactly("PENDING");
    }

    /**
     * A restart: the outbox rows were committed by this process, and a new dispatcher with a new HTTP client (as
     * a restarted process builds them) sends them. One row was claimed by a dispatcher that stopped before it
     * sent it; once that claim's lease expires, the new dispatcher sends it too, with the id it was written with.
     */
    @Test
    void deliversWhatWasWrittenBeforeARestartIncludingAClaimCutShortByAStop() {
        WebhookProperties properties = properties(8, Duration.ofSeconds(30), Duration.ofHours(1));
        long subscription = subscribe(receiver.url(), "Low", "finding.created");
        List<DefenderEvents> events = new ArrayList<>();
        events.addAll(fallback("ws-s", 12, "2026-11-30T08:00:00Z", 3));
        events.addAll(fallback("ws-t", 13, "2026-11-30T08:00:00Z", 3));
        ingest(events);
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        Set<String> written = deliveries(subscription, "").stream()
                .map(d -> d.get("id").asString())
                .collect(Collectors.toSet());
        List<WebhookDeliveryStore.ClaimedDelivery> cutShort =
                deliveryStore.claimDue(clock.instant(), clock.instant().plus(properties.lease()), 1);
        assertThat(cutShort).hasSize(1);

        WebhookDispatcher restarted = new WebhookDispatcher(
                new WebhookDeliveryStore(namedJdbc, json, secrets), new WebhookSender(properties), properties, clock);

        assertThat(restarted.dispatchOnce()).isEqualTo(new WebhookDispatcher.Pass(1, 1, 0, 0));
        clock.advance(properties.lease());
        assertThat(restarted.dispatchOnce()).isEqualTo(new WebhookDispatcher.Pass(1, 1, 0, 0));
        assertThat(receiver.received())
                .extracting(Receiver.Request::deliveryId)
                .containsExactlyInAnyOrderElementsOf(written);
        assertThat(receiver.received().get(1).deliveryId())
                .isEqualTo(cutShort.get(0).id().toString());
        assertThat(deliveries(subscription, ""))
                .extracting(d ->
                        d.get("status").asString() + " " + d.get("attempts").asInt())
                .containsExactlyInAnyOrder("DELIVERED 1", "DELIVERED 2");
    }

    @Test
    void dispatchersRunningAtOnceNeverSendADeliveryTwice() throws Exception {
        long subscription = subscribe(receiver.url(), "Low", "finding.created");
        List<DefenderEvents> events = new ArrayList<>();
        for (int device = 0; device < 12; device++) {
            events.addAll(fallback("ws-" + device, 20 + device, "2026-11-30T08:00:00Z", 3));
        }
        ingest(events);
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        receiver.delay(30);
        WebhookProperties properties = new WebhookProperties(
                false,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                5,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                8,
                Duration.ofSeconds(30),
                Duration.ofHours(1),
                Duration.ofDays(30));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                WebhookDispatcher one =
                        new WebhookDispatcher(deliveryStore, new WebhookSender(properties), properties, clock);
                sent.add(threads.submit(() -> {
                    int claimed = 0;
                    for (WebhookDispatcher.Pass pass = one.dispatchOnce();
                            pass.claimed() > 0;
                            pass = one.dispatchOnce()) {
                        claimed += pass.claimed();
                    }
                    return claimed;
                }));
            }

            assertThat(sent.get(0).get() + sent.get(1).get()).isEqualTo(12);
        } finally {
            threads.shutdownNow();
        }
        List<String> ids =
                receiver.received().stream().map(Receiver.Request::deliveryId).toList();
        assertThat(ids).hasSize(12).doesNotHaveDuplicates();
        List<JsonNode> recorded = deliveries(subscription, "");
        assertThat(recorded).extracting(d -> d.get("id").asString()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(recorded)
                .extracting(d ->
                        d.get("status").asString() + " " + d.get("attempts").asInt())
                .containsOnly("DELIVERED 1");
    }

    @Test
    void announcesTriageChangesAndAReopenedIncident() {
        long subscription =
                subscribe(receiver.url(), "Low", "finding.updated", "incident.updated", "incident.reopened");
        ingest(fallback("ws-o", 14, "2026-11-30T08:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        assertThat(deliveries(subscription, "")).isEmpty();
        long findingId = findings().get(0).get("id").asLong();

        assertThat(mvc.patch()
                        .uri("/api/v1/findings/" + findingId)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"status\": \"RESOLVED\"}")
                        .exchange())
                .hasStatusOk();

        assertThat(deliveries(subscription, ""))
                .extracting(d -> d.get("eventType").asString() + " "
                        + d.at("/payload/data/status").asString())
                .containsExactlyInAnyOrder("finding.updated RESOLVED", "incident.updated RESOLVED");

        ingest(fallback("ws-o", 14, "2026-11-30T09:00:00Z", 3));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode newest = deliveries(subscription, "").get(0);
        assertThat(deliveries(subscription, "")).hasSize(3);
        assertThat(newest.get("eventType").asString()).isEqualTo("incident.reopened");
        assertThat(newest.at("/payload/data/status").asString()).isEqualTo("OPEN");
        assertThat(newest.at("/payload/data/reopenCount").asInt()).isEqualTo(1);
        assertThat(newest.at("/payload/data/findingCount").asInt()).isEqualTo(2);
    }

    private WebhookDispatcher dispatcher(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        WebhookProperties properties = properties(maxAttempts, initialBackoff, maxBackoff);
        return new WebhookDispatcher(deliveryStore, new WebhookSender(properties), properties, clock);
    }

    private static WebhookProperties properties(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new WebhookProperties(
                false,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                50,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                maxAttempts,
                initialBackoff,
                maxBackoff,
                Duration.ofDays(30));
    }

    private MvcTestResult retry(long subscription, String deliveryId) {
        return mvc.post()
                .uri("/api/v1/webhooks/" + subscription + "/deliveries/" + deliveryId + "/retry")
                .exchange();
    }

    private JsonNode payloadOf(List<Receiver.Request> received, String event) {
        return json.readTree(received.stream()
                .filter(r -> r.event().equals(event))
                .findFirst()
                .orElseThrow()
                .body());
    }

    /** Computed here, independently of the service's signing code, as a receiver would. */
    private void assertProblem(MvcTestResult result, int status, String slug) {
        assertThat(result).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(body(result).get("type").asString()).isEqualTo("urn:fallback-watch:problem:" + slug);
    }
}
