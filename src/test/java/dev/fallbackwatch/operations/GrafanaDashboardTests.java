package dev.fallbackwatch.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard in docs/grafana charts every metric family the service registers and names no other
 * fallbackwatch series, so a renamed meter cannot leave a panel silently empty.
 */
class GrafanaDashboardTests {

    private static final Path DASHBOARD = Path.of("docs", "grafana", "fallback-watch-dashboard.json");

    private static final Pattern METRIC_NAME = Pattern.compile("fallbackwatch_[a-z_]+");

    /** Each meter the service registers, with the Prometheus series a dashboard may query for it. */
    private static final Map<String, Set<String>> EXPOSED_SERIES = Map.of(
            "fallbackwatch.ingest.records",
            Set.of("fallbackwatch_ingest_records_total"),
            "fallbackwatch.ingest.requests",
            Set.of(
                    "fallbackwatch_ingest_requests_seconds_bucket",
                    "fallbackwatch_ingest_requests_seconds_count",
                    "fallbackwatch_ingest_requests_seconds_sum"),
            "fallbackwatch.detection.runs",
            Set.of(
                    "fallbackwatch_detection_runs_seconds_count",
                    "fallbackwatch_detection_runs_seconds_sum",
                    "fallbackwatch_detection_runs_seconds_max"),
            "fallbackwatch.detection.events.scanned",
            Set.of("fallbackwatch_detection_events_scanned_total"),
            "fallbackwatch.findings",
            Set.of("fallbackwatch_findings"),
            "fallbackwatch.detection.lag",
            Set.of("fallbackwatch_detection_lag_seconds"));

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final JsonNode dashboard = JSON.readTree(DASHBOARD);

    @Test
    void isADashboardWithATitleAndPanels() {
        assertThat(dashboard.path("title").asString("")).isNotBlank();
        assertThat(dashboard.path("panels").isArray()).isTrue();
        assertThat(panels()).isNotEmpty();
    }

    @Test
    void queriesThePrometheusChosenOnImport() {
        assertThat(dashboard.path("templating").path("list").valueStream())
                .anySatisfy(variable -> {
                    assertThat(variable.path("type").asString("")).isEqualTo("datasource");
                    assertThat(variable.path("name").asString("")).isEqualTo("DS_PROMETHEUS");
                })
                .anySatisfy(variable ->
                        assertThat(variable.path("name").asString("")).isEqualTo("instance"));
        assertThat(panels().flatMap(panel -> Stream.concat(Stream.of(panel), targets(panel))))
                .allSatisfy(
                        node -> assertThat(node.path("datasource").path("uid").asString(""))
                                .isEqualTo("${DS_PROMETHEUS}"));
    }

    @Test
    void givesEveryPanelATitleAndAQuery() {
        assertThat(panels()).allSatisfy(panel -> {
            String id = panel.path("id").asString("");
            assertThat(panel.path("title").asString(""))
                    .as("title of panel %s", id)
                    .isNotBlank();
            assertThat(targets(panel).map(target -> target.path("expr").asString("")))
                    .as("queries of panel %s", id)
                    .isNotEmpty()
                    .allSatisfy(expr -> assertThat(expr).isNotBlank());
        });
    }

    @Test
    void refersOnlyToMetricsTheServiceExposes() {
        Set<String> exposed =
                EXPOSED_SERIES.values().stream().flatMap(Set::stream).collect(Collectors.toSet());

        assertThat(chartedMetricNames()).isNotEmpty().isSubsetOf(exposed);
    }

    @Test
    void chartsEveryMetricTheServiceExposes() {
        Set<String> charted = chartedMetricNames();

        assertThat(EXPOSED_SERIES.entrySet().stream()
                        .filter(meter -> Collections.disjoint(meter.getValue(), charted))
                        .map(Map.Entry::getKey))
                .as("meters without a panel")
                .isEmpty();
    }

    private Stream<JsonNode> panels() {
        return dashboard.path("panels").valueStream();
    }

    private static Stream<JsonNode> targets(JsonNode panel) {
        return panel.path("targets").valueStream();
    }

    private Set<String> chartedMetricNames() {
        return panels().flatMap(GrafanaDashboardTests::targets)
                .map(target -> target.path("expr").asString(""))
                .flatMap(expr -> METRIC_NAME.matcher(expr).results())
                .map(MatchResult::group)
                .collect(Collectors.toSet());
    }
}
