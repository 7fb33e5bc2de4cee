package dev.fallbackwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Base of the tests that run the whole service against a real PostgreSQL. The schema comes from the Flyway
 * migrations once per JVM; events, findings and runs are emptied before each test. The schedule is off so that
 * tests decide when detection runs.
 */
@SpringBootTest(properties = "fallbackwatch.detection.schedule-enabled=false")
@AutoConfigureMockMvc
public abstract class PostgresIntegrationTest {

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

    @BeforeEach
    void emptyEventsAndFindings() {
        jdbc.execute("TRUNCATE network_event, finding, detection_run RESTART IDENTITY CASCADE");
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
