package dev.fallbackwatch.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The bundled sample day against the findings its generator computed independently: every planted pattern
 * found with its exact figures, and nothing else.
 */
class SampleDataSetTests extends PostgresIntegrationTest {

    private static final Path SAMPLE_EVENTS = Path.of("samples/device-network-events.json");

    private static final Path EXPECTED_FINDINGS = Path.of("samples/expected-findings.json");

    @Autowired
    DetectionService detection;

    @Test
    void findsExactlyThePlantedPatternsOfTheSampleDay() throws IOException {
        JsonNode ingested = json.readTree(
                ingestJson(Files.readString(SAMPLE_EVENTS)).getResponse().getContentAsByteArray());

        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T00:00:00Z"));

        assertThat(ingested.get("accepted").asInt()).isEqualTo(3150);
        assertThat(ingested.get("duplicates").asInt()).isEqualTo(20);
        assertThat(ingested.get("rejected").asInt()).isZero();
        assertThat(run.findingsCreated()).isEqualTo(9);
        Map<String, Map<String, Object>> actual = byGroup(findings());
        Map<String, Map<String, Object>> expected = byGroup(list(json.readTree(EXPECTED_FINDINGS.toFile())));
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach(
                (group, finding) -> assertThat(actual.get(group)).as(group).isEqualTo(finding));
    }

    @Test
    void listsTheSampleFindingsInTheSeedOrder() throws IOException {
        ingestJson(Files.readString(SAMPLE_EVENTS));

        detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T00:00:00Z"));

        List<int[]> ranks = findings().stream()
                .map(f -> new int[] {
                    f.get("uniqueDestIps").asInt(), f.get("uniqueDestPorts").asInt()
                })
                .toList();
        for (int i = 1; i < ranks.size(); i++) {
            int[] previous = ranks.get(i - 1);
            int[] current = ranks.get(i);
            assertThat(previous[0] > current[0] || (previous[0] == current[0] && previous[1] >= current[1]))
                    .as("finding %d is ranked after finding %d", i, i - 1)
                    .isTrue();
        }
    }

    /** The comparable columns of each finding, keyed by its group and bucket. */
    private static Map<String, Map<String, Object>> byGroup(List<JsonNode> findings) {
        Map<String, Map<String, Object>> groups = new TreeMap<>();
        for (JsonNode f : findings) {
            String group = String.join(
                    " | ",
                    f.get("deviceName").asString(),
                    f.get("initiatingProcessFileName").asString(),
                    f.get("initiatingProcessId").asString(),
                    f.get("windowStart").asString());
            Map<String, Object> columns = new TreeMap<>();
            for (String text : List.of(
                    "accountName",
                    "initiatingProcessCommandLine",
                    "initiatingProcessParentFileName",
                    "riskScore",
                    "destinationIps",
                    "destinationPorts")) {
                columns.put(text, f.get(text).toString());
            }
            for (String number :
                    List.of("connectionSpanMinutes", "uniqueDestIps", "uniqueDestPorts", "totalConnections")) {
                columns.put(number, f.get(number).asLong());
            }
            for (String instant : List.of("firstSeen", "lastSeen")) {
                columns.put(instant, Instant.parse(f.get(instant).asString()));
            }
            groups.put(group, columns);
        }
        return groups;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }
}
