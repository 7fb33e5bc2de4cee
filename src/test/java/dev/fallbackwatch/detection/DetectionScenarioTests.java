package dev.fallbackwatch.detection;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Each branch of the seed query, run end to end: events in over HTTP, one detection run, findings out. */
class DetectionScenarioTests extends PostgresIntegrationTest {

    private static final Instant WINDOW_END = Instant.parse("2026-12-01T00:00:00Z");

    @Autowired
    DetectionService detection;

    @Test
    void raisesCriticalForFiveAddressesOnThreePortsWithDestinationsInFirstContactOrder() {
        ingest(List.of(
                event().at("2026-11-30T10:00:05Z").to("198.51.99.7", 443).with("ActionType", "ConnectionFailed"),
                event().at("2026-11-30T10:00:01Z").to("45.77.1.1", 443).with("ActionType", "ConnectionFailed"),
                event().at("2026-11-30T10:01:00Z").to("45.77.1.2", 8080),
                event().at("2026-11-30T10:02:00Z").to("45.77.1.3", 8443),
                event().at("2026-11-30T10:03:00Z").to("45.77.1.1", 8443),
                event().at("2026-11-30T10:04:00Z").to("45.77.1.4", 443)));

        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(run.status()).isEqualTo(DetectionRun.Status.SUCCEEDED);
        assertThat(run.findingsCreated()).isEqualTo(1);
        assertThat(run.eventsScanned()).isEqualTo(6);
        JsonNode finding = single(findings());
        assertThat(finding.get("riskScore").asString()).isEqualTo("Critical");
        assertThat(finding.get("uniqueDestIps").asInt()).isEqualTo(5);
        assertThat(finding.get("uniqueDestPorts").asInt()).isEqualTo(3);
        assertThat(finding.get("totalConnections").asInt()).isEqualTo(6);
        assertThat(texts(finding.get("destinationIps")))
                .containsExactly("45.77.1.1", "198.51.99.7", "45.77.1.2", "45.77.1.3", "45.77.1.4");
        assertThat(texts(finding.get("destinationPorts"))).containsExactly("443", "8080", "8443");
        assertThat(finding.get("firstSeen").asString()).isEqualTo("2026-11-30T10:00:01Z");
        assertThat(finding.get("lastSeen").asString()).isEqualTo("2026-11-30T10:04:00Z");
        assertThat(finding.get("windowStart").asString()).isEqualTo("2026-11-30T10:00:00Z");
        assertThat(finding.get("windowEnd").asString()).isEqualTo("2026-11-30T11:00:00Z");
        assertThat(finding.get("technique").asString()).isEqualTo("T1008");
        assertThat(finding.get("accountName").asString()).isEqualTo("jdoe");
    }

    @Test
    void raisesHighForFourAddressesOnOnePort() {
        ingest(addresses(4, 443, "2026-11-30T10:00:00Z"));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode finding = single(findings());
        assertThat(finding.get("riskScore").asString()).isEqualTo("High");
        assertThat(finding.get("uniqueDestPorts").asInt()).isEqualTo(1);
    }

    @Test
    void raisesHighForThreePortsAndEightConnectionsToTwoAddresses() {
        List<DefenderEvents> events = new ArrayList<>();
        int[] ports = {80, 80, 80, 443, 443, 443, 53, 53};
        for (int i = 0; i < ports.length; i++) {
            String ip = i % 2 == 0 ? "45.77.2.1" : "8.8.8.8";
            events.add(event().at(minute("2026-11-30T10:00:00Z", i)).to(ip, ports[i]));
        }
        ingest(events);

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode finding = single(findings());
        assertThat(finding.get("riskScore").asString()).isEqualTo("High");
        assertThat(finding.get("uniqueDestIps").asInt()).isEqualTo(2);
        assertThat(finding.get("totalConnections").asInt()).isEqualTo(8);
        assertThat(texts(finding.get("destinationPorts"))).containsExactly("80", "443", "53");
    }

    @Test
    void raisesMediumForThreeAddresses() {
        ingest(addresses(3, 443, "2026-11-30T10:00:00Z"));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(single(findings()).get("riskScore").asString()).isEqualTo("Medium");
    }

    @Test
    void raisesLowForThreePortsAndFiveConnectionsToTwoAddresses() {
        ingest(List.of(
                event().at("2026-11-30T10:00:00Z").to("45.77.3.1", 80),
                event().at("2026-11-30T10:01:00Z").to("45.77.3.1", 443),
                event().at("2026-11-30T10:02:00Z").to("45.77.3.2", 8080),
                event().at("2026-11-30T10:03:00Z").to("45.77.3.2", 8080),
                event().at("2026-11-30T10:04:00Z").to("45.77.3.1", 80)));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode finding = single(findings());
        assertThat(finding.get("riskScore").asString()).isEqualTo("Low");
        assertThat(finding.get("totalConnections").asInt()).isEqualTo(5);
    }

    @Test
    void raisesNothingBelowTheThresholds() {
        ingest(List.of(
                // two addresses only
                event().at("2026-11-30T10:00:00Z").to("45.77.4.1", 443),
                event().at("2026-11-30T10:01:00Z").to("45.77.4.2", 443),
                // three ports but four connections, on another process
                event().pid(7).at("2026-11-30T10:00:00Z").to("45.77.4.1", 80),
                event().pid(7).at("2026-11-30T10:01:00Z").to("45.77.4.1", 443),
                event().pid(7).at("2026-11-30T10:02:00Z").to("45.77.4.1", 8080),
                event().pid(7).at("2026-11-30T10:03:00Z").to("45.77.4.1", 8080)));

        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(run.findingsCreated()).isZero();
        assertThat(findings()).isEmpty();
    }

    @Test
    void countsOnlyPublicAddressesOnFallbackPortsOfProcessesNotExcluded() {
        List<DefenderEvents> events = new ArrayList<>();
        events.addAll(addresses(2, 443, "2026-11-30T10:00:00Z"));
        events.add(event().at("2026-11-30T10:10:00Z").to("10.1.1.1", 443).with("RemoteIPType", "Private"));
        events.add(event().at("2026-11-30T10:11:00Z").to("45.77.9.9", 22));
        events.add(event().at("2026-11-30T10:12:00Z").to("45.77.9.8", 443).with("RemoteIPType", "public"));
        for (String browser : List.of("chrome.exe", "CHROME.EXE", "MsEdge.exe")) {
            events.addAll(addresses(5, 443, "2026-11-30T11:00:00Z").stream()
                    .map(e -> e.process(browser))
                    .toList());
        }
        ingest(events);

        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(run.eventsScanned()).isEqualTo(20);
        assertThat(run.eventsMatched()).isEqualTo(2);
        assertThat(findings()).isEmpty();
    }

    @Test
    void excludesOnlyTheWholeFileNameSoLookAlikeNamesAreStillDetected() {
        List<DefenderEvents> events = new ArrayList<>();
        for (String name : List.of("update-chrome.exe", "chrome.exe.tmp", "chrome")) {
            events.addAll(addresses(3, 443, "2026-11-30T10:00:00Z").stream()
                    .map(e -> e.process(name))
                    .toList());
        }
        ingest(events);

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(findings())
                .extracting(f -> f.get("initiatingProcessFileName").asString())
                .containsExactlyInAnyOrder("update-chrome.exe", "chrome.exe.tmp", "chrome");
    }

    @Test
    void keepsEachHourBucketSeparate() {
        ingest(List.of(
                event().at("2026-11-30T10:59:58Z").to("45.77.5.1", 443),
                event().at("2026-11-30T10:59:59.999999Z").to("45.77.5.2", 443),
                event().at("2026-11-30T11:00:00Z").to("45.77.5.3", 443),
                event().at("2026-11-30T11:59:59Z").to("45.77.5.4", 443)));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(findings()).isEmpty();
    }

    @Test
    void evaluatesOnlyEventsAfterTheStartOfTheLookbackAndUpToItsEnd() {
        Instant start = WINDOW_END.minus(24, ChronoUnit.HOURS);
        ingest(List.of(
                event().at(start).to("45.77.6.1", 443),
                event().at(start.plus(1, ChronoUnit.MICROS)).to("45.77.6.2", 443),
                event().at(start.plusSeconds(60)).to("45.77.6.3", 443),
                event().at(start.plusSeconds(120)).to("45.77.6.4", 443),
                event().at(WINDOW_END.plus(1, ChronoUnit.MICROS)).to("45.77.6.5", 443)));

        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(run.windowStart()).isEqualTo(start);
        assertThat(run.eventsScanned()).isEqualTo(3);
        JsonNode finding = single(findings());
        assertThat(finding.get("uniqueDestIps").asInt()).isEqualTo(3);
        assertThat(texts(finding.get("destinationIps"))).doesNotContain("45.77.6.1");
    }

    @Test
    void evaluatesTheLastDayUpToNowWhenNoWindowEndIsGiven() {
        Instant now = Instant.now();
        ingest(List.of(
                event().at(now.minus(25, ChronoUnit.HOURS)).to("45.77.7.1", 443),
                event().at(now.minus(90, ChronoUnit.MINUTES)).to("45.77.7.2", 443),
                event().at(now.minus(89, ChronoUnit.MINUTES)).to("45.77.7.3", 443),
                event().at(now.minus(88, ChronoUnit.MINUTES)).to("45.77.7.4", 443)));

        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, null);

        assertThat(run.eventsScanned()).isEqualTo(3);
        assertThat(run.windowEnd()).isBetween(now, Instant.now());
    }

    @Test
    void countsAnEventSentTwiceOnce() {
        List<DefenderEvents> events = addresses(3, 443, "2026-11-30T10:00:00Z");
        events.add(event().at("2026-11-30T10:00:00Z").to("45.77.0.1", 443).reportId(9_000_001));
        ingest(events);
        ingest(List.of(event().at("2026-11-30T10:00:00Z").to("45.77.0.1", 443).reportId(9_000_001)));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(single(findings()).get("totalConnections").asInt()).isEqualTo(4);
    }

    @Test
    void classifiesAddressesThatCameWithoutRemoteIpType() {
        List<DefenderEvents> events = new ArrayList<>();
        for (String ip : List.of("8.8.8.8", "1.1.1.1", "9.9.9.9", "10.0.0.53", "100.64.0.1", "192.0.2.1")) {
            events.add(event().at(minute("2026-11-30T10:00:00Z", events.size()))
                    .to(ip, 53)
                    .without("RemoteIPType"));
        }
        events.add(event().at("2026-11-30T10:30:00Z").to("172.16.5.5", 53).with("RemoteIPType", ""));
        ingest(events);

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(texts(single(findings()).get("destinationIps"))).containsExactly("8.8.8.8", "1.1.1.1", "9.9.9.9");
    }

    @Test
    void countsPublicIpv6Destinations() {
        ingest(List.of(
                event().at("2026-11-30T10:00:00Z").to("2606:4700:4700::1111", 443),
                event().at("2026-11-30T10:01:00Z").to("2a00:1450:4001:82a::200e", 443),
                event().at("2026-11-30T10:02:00Z")
                        .to("2001:4860:4860:0:0:0:0:8888", 443)
                        .without("RemoteIPType"),
                event().at("2026-11-30T10:03:00Z").to("fd00::1", 443).without("RemoteIPType")));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode finding = single(findings());
        assertThat(finding.get("riskScore").asString()).isEqualTo("Medium");
        assertThat(texts(finding.get("destinationIps")))
                .containsExactly("2606:4700:4700::1111", "2a00:1450:4001:82a::200e", "2001:4860:4860::8888");
    }

    @Test
    void listsTheFirstTenDestinationsOfMany() {
        ingest(addresses(12, 8443, "2026-11-30T10:00:00Z"));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        JsonNode finding = single(findings());
        assertThat(finding.get("uniqueDestIps").asInt()).isEqualTo(12);
        assertThat(texts(finding.get("destinationIps")))
                .hasSize(10)
                .startsWith("45.77.0.1", "45.77.0.2")
                .endsWith("45.77.0.10");
    }

    @Test
    void groupsByProcessInstanceSoTwoPidsAreTwoGroups() {
        ingest(List.of(
                event().pid(100).at("2026-11-30T10:00:00Z").to("45.77.8.1", 443),
                event().pid(100).at("2026-11-30T10:01:00Z").to("45.77.8.2", 443),
                event().pid(200).at("2026-11-30T10:02:00Z").to("45.77.8.3", 443),
                event().pid(200).at("2026-11-30T10:03:00Z").to("45.77.8.4", 443)));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(findings()).isEmpty();
    }

    @Test
    void measuresTheSpanInMinuteBoundariesCrossedLikeKusto() {
        ingest(List.of(
                event().at("2026-11-30T23:00:59Z").to("45.77.9.1", 443),
                event().at("2026-11-30T23:03:00Z").to("45.77.9.2", 443),
                event().at("2026-11-30T23:05:01Z").to("45.77.9.3", 443)));

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(single(findings()).get("connectionSpanMinutes").asLong()).isEqualTo(5);
    }

    @Test
    void groupsByAccountNameWhenSentElseByTheInitiatingProcessAccount() {
        List<DefenderEvents> events = addresses(3, 443, "2026-11-30T10:00:00Z");
        events.forEach(e -> e.with("AccountName", "svc-backup"));
        ingest(events);

        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(single(findings()).get("accountName").asString()).isEqualTo("svc-backup");
    }

    @Test
    void updatesTheSameFindingOnLaterRunsInsteadOfAddingOne() {
        ingest(addresses(3, 443, "2026-11-30T10:00:00Z"));
        DetectionRun first = detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);
        DetectionRun unchanged = detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        ingest(List.of(event().at("2026-11-30T10:30:00Z").to("45.77.0.9", 443)));
        DetectionRun afterLateEvent = detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        assertThat(first.findingsCreated()).isEqualTo(1);
        assertThat(unchanged.findingsCreated()).isZero();
        assertThat(unchanged.findingsUpdated()).isZero();
        assertThat(afterLateEvent.findingsCreated()).isZero();
        assertThat(afterLateEvent.findingsUpdated()).isEqualTo(1);
        JsonNode finding = single(findings());
        assertThat(finding.get("riskScore").asString()).isEqualTo("High");
        assertThat(finding.get("lastSeen").asString()).isEqualTo("2026-11-30T10:30:00Z");
    }

    @Test
    void keepsAFindingWhoseBucketIsLeavingTheLookback() {
        ingest(addresses(4, 443, "2026-11-30T10:00:00Z"));
        detection.run(DetectionRun.Trigger.MANUAL, WINDOW_END);

        // The lookback now starts inside the bucket: only the last two events are still in it.
        DetectionRun later = detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T10:01:30Z"));

        assertThat(later.eventsScanned()).isEqualTo(2);
        assertThat(later.findingsUpdated()).isZero();
        assertThat(single(findings()).get("uniqueDestIps").asInt()).isEqualTo(4);
    }

    /** Connections of the default process to 45.77.0.1, 45.77.0.2, … one minute apart. */
    private static List<DefenderEvents> addresses(int count, int port, String firstTimestamp) {
        List<DefenderEvents> events = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            events.add(event().at(minute(firstTimestamp, i - 1)).to("45.77.0." + i, port));
        }
        return events;
    }

    private static Instant minute(String timestamp, int minutes) {
        return Instant.parse(timestamp).plus(minutes, ChronoUnit.MINUTES);
    }

    private static JsonNode single(List<JsonNode> findings) {
        assertThat(findings).hasSize(1);
        return findings.get(0);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(value -> texts.add(value.asString()));
        return texts;
    }
}
