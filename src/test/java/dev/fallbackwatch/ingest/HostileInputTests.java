package dev.fallbackwatch.ingest;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** Each ingest limit, set small here, refuses what exceeds it with 413 or 400 and stores nothing of it. */
@TestPropertySource(
        properties = {
            "fallbackwatch.ingest.max-body-size=64KB",
            "fallbackwatch.ingest.max-decompressed-size=256KB",
            "fallbackwatch.ingest.max-records=50",
            "fallbackwatch.ingest.max-field-length=100",
            "fallbackwatch.ingest.max-record-size=4KB",
            "fallbackwatch.ingest.max-nesting-depth=6",
            "fallbackwatch.ingest.max-clock-skew=PT1H",
            "fallbackwatch.ingest.rate-limit.requests-per-second=1",
            "fallbackwatch.ingest.rate-limit.burst=3"
        })
class HostileInputTests extends PostgresIntegrationTest {

    @Test
    void refusesABodyLargerThanTheLimit() {
        String padding = "x".repeat(70 * 1024);

        MvcTestResult result =
                post("[" + line(event()) + ", \"" + padding + "\"]", MediaType.APPLICATION_JSON_VALUE, null);

        assertProblem(result, 413, "body-too-large");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void stopsAGzipBombAtTheDecompressedLimit() throws IOException {
        byte[] bomb = gzip("[" + line(event()) + "," + " ".repeat(20 * 1024 * 1024) + "]");

        long startedNanos = System.nanoTime();
        MvcTestResult result = post(bomb, MediaType.APPLICATION_JSON_VALUE, "gzip");

        assertThat(bomb.length).isLessThan(64 * 1024);
        assertProblem(result, 413, "body-too-large");
        assertThat(read(result).get("detail").asString()).contains("decompressed");
        assertThat(System.nanoTime() - startedNanos).isLessThan(2_000_000_000L);
        assertThat(storedEvents()).isZero();
    }

    @Test
    void refusesMoreRecordsThanTheLimitAndStoresNoneOfThem() {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            records.add(line(event()));
        }

        MvcTestResult result = post("[" + String.join(",", records) + "]", MediaType.APPLICATION_JSON_VALUE, null);

        assertProblem(result, 413, "too-many-records");
        assertThat(storedEvents()).isZero();
    }

    @Test
    void rejectsARecordWithAnOverlongFieldAndKeepsTheOthers() {
        MvcTestResult result =
                ingest(List.of(event(), event().with("InitiatingProcessCommandLine", "a".repeat(101)), event()));

        JsonNode body = read(result);
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.at("/errors/0/field").asString()).isEqualTo("InitiatingProcessCommandLine");
        assertThat(body.at("/errors/0/index").asInt()).isEqualTo(1);
    }

    @Test
    void refusesJsonNestedDeeperThanTheLimit() {
        String nested = "[{\"DeviceName\":[[[[[[[[\"deep\"]]]]]]]]}]";

        assertProblem(post(nested, MediaType.APPLICATION_JSON_VALUE, null), 400, "too-deeply-nested");
    }

    @Test
    void refusesAJsonStringLargerThanARecord() {
        String huge = "[{\"InitiatingProcessCommandLine\":\"" + "a".repeat(5 * 1024) + "\"}]";

        assertProblem(post(huge, MediaType.APPLICATION_JSON_VALUE, null), 413, "record-too-large");
    }

    @Test
    void rejectsAnOverlongNdjsonLineOnly() {
        String ndjson = line(event()) + "\n{\"pad\":\"" + "p".repeat(5 * 1024) + "\"}\n" + line(event()) + "\n";

        JsonNode body = read(post(ndjson, "application/x-ndjson", null));

        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("rejected").asInt()).isEqualTo(1);
        assertThat(body.at("/errors/0/message").asString()).contains("line 2 is longer than");
    }

    @Test
    void rejectsTimestampsFarInTheFuturePerRecord() {
        Instant now = Instant.now();

        JsonNode body = read(ingest(
                List.of(event().at(now.plus(30, ChronoUnit.MINUTES)), event().at(now.plus(2, ChronoUnit.HOURS)))));

        assertThat(body.get("accepted").asInt()).isEqualTo(1);
        assertThat(body.at("/errors/0/index").asInt()).isEqualTo(1);
        assertThat(body.at("/errors/0/field").asString()).isEqualTo("Timestamp");
    }

    @Test
    void limitsTheRateOfEachKeyWithRetryAfter() {
        String key = ingestKey();
        List<Integer> statuses = new ArrayList<>();
        MvcTestResult limited = null;
        for (int i = 0; i < 4; i++) {
            MvcTestResult result = mvc.post()
                    .uri("/api/v1/events")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("[]")
                    .exchange();
            statuses.add(result.getResponse().getStatus());
            limited = result;
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429);
        assertProblem(limited, 429, "rate-limited");
        assertThat(Integer.parseInt(limited.getResponse().getHeader(HttpHeaders.RETRY_AFTER)))
                .isPositive();
        assertThat(post("[]", MediaType.APPLICATION_JSON_VALUE, null))
                .as("another key")
                .hasStatusOk();
    }

    private String ingestKey() {
        MvcTestResult created = mvc.post()
                .uri("/api/v1/api-keys")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"forwarder-" + UUID.randomUUID() + "\",\"roles\":[\"INGEST\"]}")
                .exchange();
        return read(created).get("key").asString();
    }

    private void assertProblem(MvcTestResult result, int status, String slug) {
        assertThat(result).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        JsonNode problem = read(result);
        assertThat(problem.get("type").asString()).isEqualTo("urn:fallback-watch:problem:" + slug);
        assertThat(problem.get("correlationId").asString()).isNotBlank();
    }

    private MvcTestResult post(Object body, String contentType, String encoding) {
        var request = mvc.post().uri("/api/v1/events").header(HttpHeaders.AUTHORIZATION, "Bearer " + ingestKey());
        request = request.contentType(contentType);
        if (encoding != null) {
            request = request.header(HttpHeaders.CONTENT_ENCODING, encoding);
        }
        return body instanceof byte[] bytes
                ? request.content(bytes).exchange()
                : request.content((String) body).exchange();
    }

    private String array(DefenderEvents... events) {
        List<String> lines = new ArrayList<>();
        for (DefenderEvents event : events) {
            lines.add(line(event));
        }
        return "[" + String.join(",", lines) + "]";
    }

    private String line(DefenderEvents event) {
        return json.writeValueAsString(event.build());
    }

    private JsonNode read(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
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
