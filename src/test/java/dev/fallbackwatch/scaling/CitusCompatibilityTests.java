package dev.fallbackwatch.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The schema sharded as docs/scaling.md says, on a single-node Citus, then the sample day ingested and detected:
 * the same findings as on plain PostgreSQL. Needs Docker; skipped without it.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(
        properties = {
            "fallbackwatch.detection.schedule-enabled=false",
            "fallbackwatch.retention.schedule-enabled=false",
            "fallbackwatch.webhooks.schedule-enabled=false",
            "fallbackwatch.security.admin-key=" + PostgresIntegrationTest.ADMIN_KEY
        })
@AutoConfigureMockMvc
@Import(PostgresIntegrationTest.AsAdmin.class)
class CitusCompatibilityTests {

    @Container
    static final PostgreSQLContainer citus = new PostgreSQLContainer(
            DockerImageName.parse("citusdata/citus:13.0").asCompatibleSubstituteFor("postgres"));

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", citus::getJdbcUrl);
        registry.add("spring.datasource.username", citus::getUsername);
        registry.add("spring.datasource.password", citus::getPassword);
    }

    @Autowired
    MockMvcTester mvc;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DetectionService detection;

    @Autowired
    ObjectMapper json;

    @Test
    void shardedSchemaFindsTheSampleDaysPatterns() throws IOException {
        jdbc.execute("CREATE EXTENSION IF NOT EXISTS citus");
        jdbc.queryForList("SELECT citus_set_coordinator_host('localhost')");
        jdbc.execute(Files.readString(Path.of("docs/citus/distribute.sql")));

        assertThat(mvc.post()
                        .uri("/api/v1/events")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(Files.readString(Path.of("samples/device-network-events.json"))))
                .hasStatusOk();
        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, Instant.parse("2026-12-01T00:00:00Z"));

        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'network_event'::regclass",
                        Integer.class))
                .as("network_event is distributed")
                .isEqualTo(1);
        assertThat(run.status()).isEqualTo(DetectionRun.Status.SUCCEEDED);
        assertThat(findingsFound()).isEqualTo(findingsExpected());
    }

    private Set<String> findingsFound() {
        return jdbc
                .queryForList(
                        "SELECT device_name || ' ' || initiating_process_file_name || ' '"
                                + " || to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
                                + " || ' ' || risk_score || ' ' || unique_dest_ips FROM finding",
                        String.class)
                .stream()
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private Set<String> findingsExpected() throws IOException {
        Set<String> expected = new TreeSet<>();
        JsonNode findings =
                json.readTree(Path.of("samples/expected-findings.json").toFile());
        for (JsonNode finding : findings) {
            expected.add(String.join(
                    " ",
                    finding.get("deviceName").asString(),
                    finding.get("initiatingProcessFileName").asString(),
                    Instant.parse(finding.get("windowStart").asString())
                            .toString()
                            .replace("T", " ")
                            .replace("Z", ""),
                    finding.get("riskScore").asString(),
                    finding.get("uniqueDestIps").asString()));
        }
        return expected;
    }
}
