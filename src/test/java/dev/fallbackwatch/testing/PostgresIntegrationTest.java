package dev.fallbackwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Base of the tests that run the whole service against a real PostgreSQL. The schema comes from the Flyway
 * migrations once per JVM; events, findings and runs are emptied before each test. The schedule is off so that
 * tests decide when detection runs.
 */
@SpringBootTest(
        properties = {
            "fallbackwatch.detection.schedule-enabled=false",
            "fallbackwatch.retention.schedule-enabled=false",
            "fallbackwatch.security.admin-key=" + PostgresIntegrationTest.ADMIN_KEY,
            "fallbackwatch.ingest.rate-limit.requests-per-second=1000000",
            "fallbackwatch.ingest.rate-limit.burst=1000000",
            "fallbackwatch.webhooks.schedule-enabled=false"
        })
@AutoConfigureMockMvc
@Import(PostgresIntegrationTest.AsAdmin.class)
public abstract class PostgresIntegrationTest {

    /** The admin key the tests' service is configured with; every request sends it unless it sets its own. */
    public static final String ADMIN_KEY = "fw_test-admin-key-0123456789abcdef0123456789abcdef";

    /** Sends the admin key by default, so tests of behaviour need not repeat it; access tests override it. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class AsAdmin {

        @Bean
        MockMvcBuilderCustomizer adminCredentials() {
            return builder -> builder.defaultRequest(get("/").header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_KEY));
        }
    }

    @Autowired
    protected MockMvcTester mvc;

    @Autowired
    protected JdbcTemplate jdbc;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase database = TestDatabase.get();
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
    }

    @Autowired
    protected ObjectMapper json;

    @Autowired
    private TransactionTemplate transaction;

    private static boolean pristineSettingsSaved;

    /** Empties events, findings, runs and audit, and puts the settings back as the migrations seeded them. */
    @BeforeEach
    void startFromTheSeededState() {
        if (!pristineSettingsSaved) {
            jdbc.execute("CREATE TABLE pristine_threshold AS TABLE detection_threshold");
            jdbc.execute("CREATE TABLE pristine_port AS TABLE detection_port");
            jdbc.execute("CREATE TABLE pristine_process_exclusion AS"
                    + " SELECT id, process_name, reason, created_at, created_by FROM process_exclusion");
            pristineSettingsSaved = true;
        }
        // A run started over HTTP by the previous test may still be going: wait for it, as runs do.
        transaction.executeWithoutResult(status -> {
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(1008)", Object.class);
            jdbc.execute("DELETE FROM api_key WHERE name <> 'admin (configuration)'");
            jdbc.execute("TRUNCATE network_event, detection_backlog, finding, detection_run, settings_audit,"
                    + " process_exclusion, destination_exclusion, detection_port, detection_threshold,"
                    + " webhook_subscription, webhook_delivery RESTART IDENTITY CASCADE");
        });
        jdbc.execute("INSERT INTO detection_threshold SELECT * FROM pristine_threshold");
        jdbc.execute("INSERT INTO detection_port SELECT * FROM pristine_port");
        jdbc.execute("UPDATE detection_port_list SET version = 1");
        jdbc.execute("INSERT INTO process_exclusion (id, process_name, reason, created_at, created_by)"
                + " OVERRIDING SYSTEM VALUE SELECT * FROM pristine_process_exclusion");
        jdbc.execute(
                "SELECT setval(pg_get_serial_sequence('process_exclusion', 'id'), max(id)) FROM process_exclusion");
    }

    /** Sends records as a JSON array and expects them to be processed. */
    protected MvcTestResult ingest(List<DefenderEvents> events) {
        List<Map<String, Object>> records =
                events.stream().map(DefenderEvents::build).toList();
        return ingestJson(json.writeValueAsString(records));
    }

    /** Reads every finding through the API, in the API's default order. */
    protected List<JsonNode> findings() {
        MvcTestResult result = mvc.get().uri("/api/v1/findings?size=500").exchange();
        assertThat(result).hasStatusOk();
        JsonNode page = json.readTree(result.getResponse().getContentAsByteArray());
        List<JsonNode> content = new ArrayList<>();
        page.get("content").forEach(content::add);
        return content;
    }

    protected MvcTestResult ingestJson(String body) {
        return mvc.post()
                .uri("/api/v1/events")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body)
                .exchange();
    }
}
