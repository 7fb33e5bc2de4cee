package dev.fallbackwatch.ingest;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** POST /api/v1/events: every body layout, every rejection, and what ends up stored. */
class EventIngestTests extends PostgresIntegrationTest {

    @Test
    void storesAJsonArrayAndReportsTheCounts() {
        MvcTestResult result = ingest(List.of(event(), event(), event()));

        assertThat(result).hasStatusOk().hasContentType(MediaType.APPLICATION_JSON);
        assertThat(body(result).get("accepted").asInt()).isEqualTo(3);
        assertThat(body(result).get("errors")).isEmpty();
        assertThat(storedEvents()).isEqualTo(3);
    }

    @Test
    void storesNdjsonAndRejectsOnlyTheLineThatIsNotJson() {
        String ndjson = line(event()) + "\n\n{\"Timestamp\": broken\n" + line(event()) + "\n";

        MvcTestResult result = post(ndjson, EventIngestController.NDJSON);

        assertThat(result).hasStatusOk();
        JsonNode body = body(result);
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("rejected").asInt()).isEqualTo(1);
        assertThat(body.get("errors").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(body.get("errors").get(0).get("message").asString()).startsWith("line 3 is not valid JSON");
        assertThat(storedEvents()).isEqualTo(2);
    }

    @Test
    void rejectsAnNdjsonLineThatIsNotUtf8AndStoresTheOthersUnaltered() {
        String commandLine = "C:\\Users\\Zoë\\wdm.exe --名前 🚀";
        byte[] valid = (line(event().with("InitiatingProcessCommandLine", commandLine)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = (line(event().with("InitiatingProcessCommandLine", "Zoë")) + "\n")
                .getBytes(StandardCharsets.ISO_8859_1);

        MvcTestResult result = postNdjson(valid, latin1);

        JsonNode answer = body(result);
        assertThat(answer.get("accepted").asInt()).isEqualTo(1);
        assertThat(answer.get("rejected").asInt()).isEqualTo(1);
        assertThat(answer.at("/errors/0/message").asString()).startsWith("line 2 is not valid JSON");
        assertThat(jdbc.queryForObject("SELECT initiating_process_command_line FROM network_event", String.class))
                .isEqualTo(commandLine);
    }

    @Test
    void readsNdjsonThatStartsWithAByteOrderMark() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] lines = (line(event()) + "\n" + line(event()) + "\n").getBytes(StandardCharsets.UTF_8);

        MvcTestResult result = postNdjson(bom, lines);

        assertThat(body(result).get("accepted").asInt()).isEqualTo(2);
        assertThat(storedEvents()).isEqualTo(2);
    }

    @Test
    void unwrapsTheStreamingApiEnvelopeAndSkipsOtherCategories() {
        Map<String, Object> properties = event().without("Timestamp").build();
        String envelope = json.writeValueAsString(Map.of(
                "records",
                List.of(
                        Map.of(
                                "time", "2026-11-30T10:00:00.1234567Z",
                                "tenantId", "8f0c-tenant",
                                "operationName", "Publish",
                                "category", "AdvancedHunting-DeviceNetworkEvents",
                                "properties", properties),
                        Map.of(
                                "time", "2026-11-30T10:00:01Z",
                                "category", "AdvancedHunting-DeviceProcessEvents",
                                "properties", Map.of("DeviceName", "ws-1")))));

        MvcTestResult result = post(envelope, MediaType.APPLICATION_JSON_VALUE);

        assertThat(body(result).get("accepted").asInt()).isEqualTo(1);
        assertThat(body(result).get("skipped").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT event_time::text FROM network_event", String.class))
                .isEqualTo("2026-11-30 10:00:00.123456+00");
    }

    @Test
    void decompressesGzipBodies() throws IOException {
        byte[] gzipped = gzip(json.writeValueAsString(List.of(event().build(), event().build())));

        MvcTestResult result = mvc.post()
                .uri("/api/v1/events")
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_ENCODING, "gzip")
                .content(gzipped)
                .exchange();

        assertThat(body(result).get("accepted").asInt()).isEqualTo(2);
    }

    @Test
    void refusesACorruptGzipBodyAndStoresNothing() throws IOException {
        byte[] gzipped = gzip(json.writeValueAsString(List.of(event().build())));
        byte[] truncated = java.util.Arrays.copyOf(gzipped, gzipped.length - 12);

        MvcTestResult result = mvc.post()
                .uri("/api/v1/events")
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_ENCODING, "gzip")
                .content(truncated)
                .exchange();

        assertThat(result).hasStatus(400);
        assertThat(problemType(result)).isEqualTo("urn:fallback-watch:problem:malformed-body");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void matchesColumnNamesCaseInsensitivelyAndIgnoresUnknownColumns() {
        String record = """
                [{"timestamp":"2026-11-30 10:00:00.1234567","DEVICENAME":"ws-1","remoteip":"8.8.8.8",
                  "RemotePort":"443","reportid":"77","SomethingNew":{"nested":true}}]""";

        MvcTestResult result = post(record, MediaType.APPLICATION_JSON_VALUE);

        assertThat(body(result).get("accepted").asInt()).isEqualTo(1);
        Map<String, Object> stored = jdbc.queryForMap(
                "SELECT device_name, host(remote_ip) AS ip, remote_port, remote_ip_type, remote_ip_type_derived,"
                        + " report_id FROM network_event");
        assertThat(stored)
                .containsEntry("device_name", "ws-1")
                .containsEntry("ip", "8.8.8.8")
                .containsEntry("remote_port", 443)
                .containsEntry("remote_ip_type", "Public")
                .containsEntry("remote_ip_type_derived", true)
                .containsEntry("report_id", "77");
    }

    @Test
    void rejectsInvalidRecordsWithTheirIndexAndFieldWhileStoringTheValidOnes() {
        List<DefenderEvents> batch = List.of(
                event(),
                event().without("Timestamp"),
                event().with("DeviceName", " "),
                event().with("RemoteIP", "999.1.1.1"),
                event().with("RemotePort", 70000),
                event().with("Timestamp", "yesterday"),
                event().with("InitiatingProcessId", "pid-12"),
                event());

        MvcTestResult result = ingest(batch);

        JsonNode body = body(result);
        assertThat(result).hasStatusOk();
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("rejected").asInt()).isEqualTo(6);
        Map<Integer, String> fieldByIndex = errors(body);
        assertThat(fieldByIndex)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        1, "Timestamp",
                        2, "DeviceName",
                        3, "RemoteIP",
                        4, "RemotePort",
                        5, "Timestamp",
                        6, "InitiatingProcessId"));
        assertThat(storedEvents()).isEqualTo(2);
    }

    @Test
    void rejectsARecordThatIsNotAnObject() {
        MvcTestResult result = post("[42, " + line(event()) + "]", MediaType.APPLICATION_JSON_VALUE);

        assertThat(body(result).get("rejected").asInt()).isEqualTo(1);
        assertThat(body(result).get("errors").get(0).get("message").asString()).contains("JSON object");
        assertThat(storedEvents()).isEqualTo(1);
    }

    @Test
    void refusesABodyThatIsNotJsonAndStoresNothingOfIt() {
        String broken = "[" + line(event()) + "," + line(event()) + ", {\"Timestamp\": ";

        MvcTestResult result = post(broken, MediaType.APPLICATION_JSON_VALUE);

        assertThat(result).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(problemType(result)).isEqualTo("urn:fallback-watch:problem:malformed-body");
        assertThat(body(result).get("detail").asString()).contains("line 1");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void refusesContentAfterTheJsonValue() {
        MvcTestResult result = post("[" + line(event()) + "] trailing", MediaType.APPLICATION_JSON_VALUE);

        assertThat(result).hasStatus(400);
        assertThat(storedEvents()).isZero();
    }

    @Test
    void refusesAnEmptyBody() {
        assertThat(post("", MediaType.APPLICATION_JSON_VALUE)).hasStatus(400);
        assertThat(post("\n\n", EventIngestController.NDJSON)).hasStatus(400);
    }

    @Test
    void refusesUnsupportedMediaTypesAndEncodings() {
        MvcTestResult plainText = post(line(event()), MediaType.TEXT_PLAIN_VALUE);
        MvcTestResult brotli = mvc.post()
                .uri("/api/v1/events")
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_ENCODING, "br")
                .content("[]")
                .exchange();

        assertThat(plainText).hasStatus(415).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(problemType(plainText)).isEqualTo("urn:fallback-watch:problem:unsupported-media-type");
        assertThat(brotli).hasStatus(415);
        assertThat(problemType(brotli)).isEqualTo("urn:fallback-watch:problem:unsupported-content-encoding");
    }

    @Test
    void storesAnEventSentTwiceOnceAndCountsTheDuplicate() {
        DefenderEvents original = event().reportId(555).at("2026-11-30T10:00:00.1234567Z");
        ingest(List.of(original));

        MvcTestResult again = ingest(List.of(
                event().reportId(555).at("2026-11-30T10:00:00.1234567Z"),
                event().reportId(556),
                event().reportId(556)));

        assertThat(body(again).get("accepted").asInt()).isEqualTo(1);
        assertThat(body(again).get("duplicates").asInt()).isEqualTo(2);
        assertThat(storedEvents()).isEqualTo(2);
    }

    @Test
    void storesEveryEventOfABatchOnceWhetherItIsCopiedStraightInOrStagedFirst() {
        List<DefenderEvents> small = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            small.add(event().reportId(10_000 + i));
        }
        assertThat(body(ingest(small)).get("accepted").asInt()).isEqualTo(100);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM detection_backlog", Long.class))
                .isEqualTo(1);

        // Larger than what a batch may hold in memory, and holding the 100 events stored above.
        List<DefenderEvents> large = new ArrayList<>();
        String padding = "x".repeat(1000);
        for (int i = 0; i < 10_000; i++) {
            large.add(event().reportId(10_000 + i).with("InitiatingProcessCommandLine", "cmd " + padding));
        }
        JsonNode answer = body(ingest(large));

        assertThat(answer.get("accepted").asInt()).isEqualTo(9_900);
        assertThat(answer.get("duplicates").asInt()).isEqualTo(100);
        assertThat(storedEvents()).isEqualTo(10_000);
    }

    @Test
    void identifiesRecordsWithoutReportIdByTheirContent() {
        ingest(List.of(event().without("ReportId"), event().without("ReportId")));

        MvcTestResult result = ingest(List.of(event().without("ReportId").to("1.1.1.1", 53)));

        assertThat(body(result).get("accepted").asInt()).isEqualTo(1);
        assertThat(storedEvents()).isEqualTo(2);
    }

    @Test
    void storesTextVerbatimIncludingCopyControlCharacters() {
        String commandLine = "cmd.exe /c \"echo a\tb\\nc\" \\. '; DROP TABLE network_event; --\r\n<script>x</script>";

        ingest(List.of(event().with("InitiatingProcessCommandLine", commandLine)));

        assertThat(jdbc.queryForObject("SELECT initiating_process_command_line FROM network_event", String.class))
                .isEqualTo(commandLine);
    }

    @Test
    void rejectsTextThatPostgresCannotHold() {
        MvcTestResult result = ingest(List.of(event().with("RemoteUrl", "evil\u0000.example")));

        assertThat(errors(body(result))).containsEntry(0, "RemoteUrl");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void takesAccountNameWhenSentElseTheInitiatingProcessAccount() {
        ingest(List.of(event().reportId(1), event().reportId(2).with("AccountName", "svc-sql")));

        assertThat(jdbc.queryForList("SELECT account_name FROM network_event ORDER BY report_id", String.class))
                .containsExactly("jdoe", "svc-sql");
    }

    private MvcTestResult post(String body, String contentType) {
        return mvc.post()
                .uri("/api/v1/events")
                .contentType(contentType)
                .content(body)
                .exchange();
    }

    /** Posts the parts, one after the other, as one NDJSON body of raw bytes. */
    private MvcTestResult postNdjson(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        return mvc.post()
                .uri("/api/v1/events")
                .contentType(EventIngestController.NDJSON)
                .content(body.toByteArray())
                .exchange();
    }

    private String line(DefenderEvents event) {
        return json.writeValueAsString(event.build());
    }

    private JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    private String problemType(MvcTestResult result) {
        return body(result).get("type").asString();
    }

    private static Map<Integer, String> errors(JsonNode body) {
        return body.get("errors")
                .valueStream()
                .collect(Collectors.toMap(
                        e -> e.get("index").asInt(), e -> e.get("field").asString(), (a, b) -> a));
    }

    private long storedEvents() {
        return jdbc.queryForObject("SELECT count(*) FROM network_event", Long.class);
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
