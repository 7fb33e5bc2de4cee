package dev.fallbackwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Helm chart in helm/fallback-watch, rendered by the Helm library itself: it lints, its defaults give a
 * hardened Deployment, its switches add the objects they name, and it refuses to render without a database.
 */
class HelmChartTests {

    private static final Path CHART = Path.of("helm", "fallback-watch").toAbsolutePath();

    private static final String DATABASE_URL = "jdbc:postgresql://postgres.db.svc:5432/fallbackwatch";

    private static final String RELEASE = "watch";

    private static final String FULLNAME = "watch-fallback-watch";

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path work;

    @Test
    void lintsWithoutErrorsOrWarnings() {
        // In lint mode Helm reports a missing required value as information, so the shipped values, which
        // deliberately name no database, still lint every template.
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages())
                .noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
    }

    @Test
    void refusesToRenderWithoutADatabase() {
        assertThatThrownBy(() -> render(Map.of()))
                .hasMessageContaining("fallback-watch needs an external PostgreSQL")
                .hasMessageContaining("database.url")
                .hasMessageContaining("database.existingSecret");
    }

    @Test
    void refusesToCreateADatabaseSecretWithoutAUserName() {
        assertThatThrownBy(() -> render(Map.of("database.url", DATABASE_URL)))
                .hasMessageContaining("database.username is required");
    }

    @Test
    void rendersAHardenedDeploymentWithProbesFromTheDefaults() {
        Rendered rendered = render(defaultsWithDatabase());

        assertThat(rendered.kinds())
                .contains("Deployment", "Service", "ConfigMap", "Secret", "ServiceAccount", "PodDisruptionBudget")
                .doesNotContain("HorizontalPodAutoscaler", "Ingress", "ServiceMonitor", "NetworkPolicy");

        JsonNode pod = rendered.one("Deployment").at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        assertThat(rendered.one("Deployment").at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(container.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
        assertThat(container.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/readiness");
        assertThat(container.at("/startupProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
        assertThat(container.at("/livenessProbe/httpGet/port").asString()).isEqualTo("http");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);

        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean())
                .isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean())
                .isFalse();
        assertThat(container.at("/securityContext/capabilities/drop").toString())
                .contains("ALL");
        assertThat(pod.at("/automountServiceAccountToken").asBoolean()).isFalse();

        assertThat(container.at("/resources/requests/cpu").asString()).isNotEmpty();
        assertThat(container.at("/resources/requests/memory").asString()).isNotEmpty();
        assertThat(container.at("/resources/limits/memory").asString()).isNotEmpty();

        // A read-only root still needs a writable /tmp for Tomcat and the JVM.
        assertThat(container.at("/volumeMounts/0/mountPath").asString()).isEqualTo("/tmp");
        assertThat(pod.at("/volumes/0/name").asString())
                .isEqualTo(container.at("/volumeMounts/0/name").asString());
        assertThat(pod.at("/volumes/0/emptyDir").isObject()).isTrue();
    }

    @Test
    void passesSettingsThroughTheConfigMapAndCredentialsThroughTheChartsSecret() {
        Rendered rendered = render(defaultsWithDatabase());

        JsonNode config = rendered.one("ConfigMap").at("/data");
        assertThat(config.at("/FALLBACKWATCH_DETECTION_INTERVAL").asString()).isEqualTo("PT5M");
        assertThat(config.at("/FALLBACKWATCH_RETENTION_EVENTS").asString()).isEqualTo("P7D");
        assertThat(config.at("/SPRING_DATASOURCE_URL").asString()).isEqualTo(DATABASE_URL);
        assertThat(config.at("/JAVA_TOOL_OPTIONS").asString()).contains("-XX:MaxRAMPercentage=75");
        assertThat(config.has("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE")).isFalse();

        JsonNode secret = rendered.one("Secret");
        assertThat(secret.at("/metadata/name").asString()).isEqualTo(FULLNAME + "-database");
        assertThat(decode(secret.at("/data/username"))).isEqualTo("fallbackwatch");
        assertThat(decode(secret.at("/data/password"))).isEqualTo("s3cret");

        JsonNode container = rendered.one("Deployment").at("/spec/template/spec/containers/0");
        assertThat(container.at("/envFrom/0/configMapRef/name").asString())
                .isEqualTo(rendered.one("ConfigMap").at("/metadata/name").asString());
        assertThat(secretRef(container, "SPRING_DATASOURCE_PASSWORD")).isEqualTo(FULLNAME + "-database/password");
        // The URL comes from the ConfigMap, and no admin key is configured.
        assertThat(env(container))
                .doesNotContainKeys(
                        "SPRING_DATASOURCE_URL",
                        "FALLBACKWATCH_SECURITY_ADMIN_KEY",
                        "FALLBACKWATCH_WEBHOOKS_ENCRYPTION_KEY");
    }

    @Test
    void rendersTheOptionalObjectsAndUsesExistingSecretsWhenAskedTo() throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("replicaCount", 3);
        values.put(
                "database",
                Map.of(
                        "existingSecret",
                        "fallback-watch-pg-app",
                        "secretKeys",
                        Map.of("url", "jdbc-uri", "username", "user", "password", "pass")));
        values.put("adminKey", Map.of("existingSecret", "fallback-watch-admin"));
        values.put("webhookEncryptionKey", Map.of("existingSecret", "fallback-watch-webhooks"));
        values.put(
                "ingress",
                Map.of(
                        "enabled",
                        true,
                        "className",
                        "nginx",
                        "hosts",
                        List.of(Map.of(
                                "host",
                                "watch.example.internal",
                                "paths",
                                List.of(Map.of("path", "/", "pathType", "Prefix"))))));
        values.put(
                "serviceMonitor",
                Map.of(
                        "enabled",
                        true,
                        "labels",
                        Map.of("release", "prometheus"),
                        "bearerTokenSecret",
                        Map.of("name", "fallback-watch-metrics", "key", "api-key")));
        values.put(
                "networkPolicy",
                Map.of(
                        "enabled",
                        true,
                        "ingressFrom",
                        List.of(Map.of(
                                "namespaceSelector",
                                Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ingress-nginx"))))));

        Rendered rendered = renderWithValuesFile(values);

        assertThat(rendered.kinds())
                .contains("Ingress", "ServiceMonitor", "NetworkPolicy")
                .doesNotContain("Secret", "HorizontalPodAutoscaler");
        assertThat(rendered.one("Deployment").at("/spec/replicas").asInt()).isEqualTo(3);

        JsonNode container = rendered.one("Deployment").at("/spec/template/spec/containers/0");
        assertThat(secretRef(container, "SPRING_DATASOURCE_URL")).isEqualTo("fallback-watch-pg-app/jdbc-uri");
        assertThat(secretRef(container, "SPRING_DATASOURCE_USERNAME")).isEqualTo("fallback-watch-pg-app/user");
        assertThat(secretRef(container, "SPRING_DATASOURCE_PASSWORD")).isEqualTo("fallback-watch-pg-app/pass");
        assertThat(secretRef(container, "FALLBACKWATCH_SECURITY_ADMIN_KEY"))
                .isEqualTo("fallback-watch-admin/admin-key");
        assertThat(secretRef(container, "FALLBACKWATCH_WEBHOOKS_ENCRYPTION_KEY"))
                .isEqualTo("fallback-watch-webhooks/webhook-encryption-key");
        assertThat(rendered.one("ConfigMap").at("/data").has("SPRING_DATASOURCE_URL"))
                .isFalse();

        String service = rendered.one("Service").at("/metadata/name").asString();
        JsonNode rule = rendered.one("Ingress").at("/spec/rules/0");
        assertThat(rule.at("/host").asString()).isEqualTo("watch.example.internal");
        assertThat(rule.at("/http/paths/0/backend/service/name").asString()).isEqualTo(service);
        assertThat(rule.at("/http/paths/0/backend/service/port/name").asString())
                .isEqualTo("http");
        assertThat(rendered.one("Ingress").at("/spec/ingressClassName").asString())
                .isEqualTo("nginx");

        JsonNode monitor = rendered.one("ServiceMonitor");
        assertThat(monitor.at("/metadata/labels/release").asString()).isEqualTo("prometheus");
        assertThat(monitor.at("/spec/endpoints/0/path").asString()).isEqualTo("/actuator/prometheus");
        assertThat(monitor.at("/spec/endpoints/0/port").asString()).isEqualTo("http");
        assertThat(monitor.at("/spec/endpoints/0/authorization/credentials/name")
                        .asString())
                .isEqualTo("fallback-watch-metrics");
        assertThat(labels(rendered.one("Service").at("/metadata/labels")))
                .containsAllEntriesOf(labels(monitor.at("/spec/selector/matchLabels")));
        assertThat(rendered.one("ConfigMap")
                        .at("/data/MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE")
                        .asString())
                .contains("prometheus");

        JsonNode policy = rendered.one("NetworkPolicy").at("/spec");
        assertThat(policy.at("/policyTypes").toString()).contains("Ingress", "Egress");
        assertThat(policy.at("/ingress/0/ports/0/port").asString()).isEqualTo("http");
        assertThat(policy.at("/ingress/0/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
                        .asString())
                .isEqualTo("ingress-nginx");
        assertThat(policy.at("/egress").findValues("port"))
                .extracting(JsonNode::asInt)
                .contains(53, 5432);
    }

    @Test
    void letsTheAutoscalerOwnTheReplicaCountWhenEnabled() {
        Map<String, Object> values = defaultsWithDatabase();
        values.put("autoscaling.enabled", true);
        values.put("autoscaling.maxReplicas", 7);

        Rendered rendered = render(values);

        JsonNode autoscaler = rendered.one("HorizontalPodAutoscaler").at("/spec");
        assertThat(autoscaler.at("/scaleTargetRef/name").asString())
                .isEqualTo(rendered.one("Deployment").at("/metadata/name").asString());
        assertThat(autoscaler.at("/maxReplicas").asInt()).isEqualTo(7);
        assertThat(rendered.one("Deployment").at("/spec").has("replicas")).isFalse();
        assertThat(rendered.kinds()).contains("PodDisruptionBudget");
    }

    @Test
    void leavesOutTheDisruptionBudgetForASinglePod() {
        Map<String, Object> values = defaultsWithDatabase();
        values.put("replicaCount", 1);

        assertThat(render(values).kinds()).doesNotContain("PodDisruptionBudget");
    }

    @Test
    void createsTheAdminKeySecretFromAGivenKey() {
        Map<String, Object> values = defaultsWithDatabase();
        values.put("adminKey.value", "k3y");

        Rendered rendered = render(values);

        JsonNode secret = rendered.all("Secret").stream()
                .filter(object -> object.at("/metadata/name").asString().endsWith("-admin-key"))
                .findFirst()
                .orElseThrow();
        assertThat(decode(secret.at("/data/admin-key"))).isEqualTo("k3y");
        JsonNode container = rendered.one("Deployment").at("/spec/template/spec/containers/0");
        assertThat(secretRef(container, "FALLBACKWATCH_SECURITY_ADMIN_KEY"))
                .isEqualTo(FULLNAME + "-admin-key/admin-key");
    }

    private static Map<String, Object> defaultsWithDatabase() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("database.url", DATABASE_URL);
        values.put("database.username", "fallbackwatch");
        values.put("database.password", "s3cret");
        return values;
    }

    /** Renders with --set style values: dotted keys, plain values. */
    private static Rendered render(Map<String, Object> values) {
        TemplateCommand template = template();
        values.forEach(template::set);
        return Rendered.of(template.call());
    }

    /** Renders with a values file, for values that are lists or maps. */
    private Rendered renderWithValuesFile(Map<String, Object> values) throws IOException {
        Path file = Files.writeString(work.resolve("values.yaml"), new Yaml().dump(values));
        return Rendered.of(template().withValuesFile(file).call());
    }

    private static TemplateCommand template() {
        return new Helm(CHART).template().withName(RELEASE).withNamespace("detection");
    }

    private static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new LinkedHashMap<>();
        object.properties()
                .forEach(entry -> labels.put(entry.getKey(), entry.getValue().asString()));
        return labels;
    }

    private static String decode(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asString()));
    }

    /** Environment variables of a container by name. */
    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        container.path("env").forEach(variable -> env.put(variable.get("name").asString(), variable));
        return env;
    }

    /** Where a variable's value comes from, as secret/key. */
    private static String secretRef(JsonNode container, String variable) {
        JsonNode ref = env(container).get(variable).at("/valueFrom/secretKeyRef");
        return ref.at("/name").asString() + "/" + ref.at("/key").asString();
    }

    /** The objects of one rendered manifest. */
    private record Rendered(List<JsonNode> objects) {

        static Rendered of(String manifest) {
            List<JsonNode> objects = new ArrayList<>();
            for (Object document : new Yaml().loadAll(manifest)) {
                if (document != null) {
                    objects.add(JSON.valueToTree(document));
                }
            }
            return new Rendered(objects);
        }

        List<String> kinds() {
            return objects.stream().map(object -> object.get("kind").asString()).toList();
        }

        List<JsonNode> all(String kind) {
            return objects.stream()
                    .filter(object -> kind.equals(object.get("kind").asString()))
                    .toList();
        }

        JsonNode one(String kind) {
            assertThat(all(kind)).as(kind).hasSize(1);
            return all(kind).get(0);
        }
    }
}
