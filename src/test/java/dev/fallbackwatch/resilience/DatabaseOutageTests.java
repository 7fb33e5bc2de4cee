package dev.fallbackwatch.resilience;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import dev.fallbackwatch.testing.TcpProxy;
import dev.fallbackwatch.testing.TestDatabase;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The database cut off while events arrive: ingest answers 503 with Retry-After and stores nothing half-way,
 * readiness turns false, and the service recovers by itself when the database is back. No accepted record is
 * lost and none is stored twice.
 */
@SpringBootTest(
        properties = {
            "fallbackwatch.detection.schedule-enabled=false",
            "fallbackwatch.retention.schedule-enabled=false",
            "fallbackwatch.security.admin-key=" + PostgresIntegrationTest.ADMIN_KEY,
            "spring.datasource.hikari.connection-timeout=1000",
            "spring.datasource.hikari.validation-timeout=500"
        })
@AutoConfigureMockMvc
@Import(PostgresIntegrationTest.AsAdmin.class)
class DatabaseOutageTests {

    private static final TcpProxy DATABASE_LINK = link();

    @Autowired
    MockMvcTester mvc;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ObjectMapper json;

    @DynamicPropertySource
    static void throughTheLink(DynamicPropertyRegistry registry) {
        URI direct = URI.create(TestDatabase.get().jdbcUrl().substring("jdbc:".length()));
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:postgresql://127.0.0.1:" + DATABASE_LINK.port() + direct.getRawPath()
                        + (direct.getRawQuery() == null ? "" : "?" + direct.getRawQuery()));
        registry.add("spring.datasource.username", () -> TestDatabase.get().username());
        registry.add("spring.datasource.password", () -> TestDatabase.get().password());
    }

    @AfterEach
    void reconnect() {
        DATABASE_LINK.restore();
        awaitReadiness(200);
    }

    @AfterAll
    static void closeLink() {
        DATABASE_LINK.close();
    }

    @Test
    void answers503WhileTheDatabaseIsDownAndRecoversByItself() {
        List<DefenderEvents> before = batch(20);
        List<DefenderEvents> during = batch(20);
        assertThat(accepted(ingest(before))).isEqualTo(20);

        DATABASE_LINK.cut();
        MvcTestResult refused = ingest(during);

        assertThat(refused).hasStatus(503).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(refused.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(read(refused).get("type").asString()).isEqualTo("urn:fallback-watch:problem:database-unavailable");
        assertThat(probe("readiness")).hasStatus(503);
        assertThat(probe("liveness")).hasStatusOk();

        DATABASE_LINK.restore();
        awaitReadiness(200);
        MvcTestResult resent = ingest(during);

        assertThat(accepted(resent)).isEqualTo(20);
        assertThat(storedOnce(before)).isTrue();
        assertThat(storedOnce(during)).isTrue();
    }

    @Test
    void storesAllOrNothingOfABatchCutOffMidIngest() throws Exception {
        List<DefenderEvents> batch = batch(40_000);
        String body = json.writeValueAsString(
                batch.stream().map(DefenderEvents::build).toList());

        CompletableFuture<MvcTestResult> sending = CompletableFuture.supplyAsync(() -> ingestJson(body));
        Thread.sleep(150);
        DATABASE_LINK.cut();
        MvcTestResult outcome = sending.get();
        DATABASE_LINK.restore();
        awaitReadiness(200);

        int status = outcome.getResponse().getStatus();
        assertThat(status).isIn(200, 503);
        long storedAfterOutage = stored(batch);
        assertThat(storedAfterOutage).isEqualTo(status == 200 ? batch.size() : 0);
        JsonNode resent = read(ingestJson(body));
        assertThat(resent.get("accepted").asInt() + resent.get("duplicates").asInt())
                .isEqualTo(batch.size());
        assertThat(storedOnce(batch)).isTrue();
    }

    private MvcTestResult ingest(List<DefenderEvents> events) {
        return ingestJson(json.writeValueAsString(
                events.stream().map(DefenderEvents::build).toList()));
    }

    private MvcTestResult ingestJson(String body) {
        return mvc.post()
                .uri("/api/v1/events")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body)
                .exchange();
    }

    /** Asks a probe as Kubernetes does, without a credential. */
    private MvcTestResult probe(String name) {
        return mvc.get()
                .uri("/actuator/health/" + name)
                .header(HttpHeaders.AUTHORIZATION, "")
                .exchange();
    }

    private void awaitReadiness(int status) {
        for (int attempt = 0; attempt < 100; attempt++) {
            if (mvc.get()
                            .uri("/actuator/health/readiness")
                            .exchange()
                            .getResponse()
                            .getStatus()
                    == status) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError("readiness did not answer " + status + " within 20 s");
    }

    private boolean storedOnce(List<DefenderEvents> batch) {
        return stored(batch) == batch.size();
    }

    /** Rows of this batch: its device name is unique to it, and the primary key forbids doubles. */
    private long stored(List<DefenderEvents> batch) {
        String device = (String) batch.get(0).build().get("DeviceName");
        return jdbc.queryForObject("SELECT count(*) FROM network_event WHERE device_name = ?", Long.class, device);
    }

    private int accepted(MvcTestResult result) {
        assertThat(result).hasStatusOk();
        return read(result).get("accepted").asInt();
    }

    private JsonNode read(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    private static List<DefenderEvents> batch(int size) {
        String device = "outage-" + UUID.randomUUID();
        List<DefenderEvents> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            events.add(event().device(device).reportId(i));
        }
        return events;
    }

    private static TcpProxy link() {
        URI direct = URI.create(TestDatabase.get().jdbcUrl().substring("jdbc:".length()));
        return new TcpProxy(direct.getHost(), direct.getPort());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
