package dev.fallbackwatch.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/**
 * Each endpoint with no credential, a key of the wrong role, an expired key, a revoked key, and a key of the
 * right role.
 */
class AccessMatrixTests extends PostgresIntegrationTest {

    private final Map<Role, String> keyFor = new EnumMap<>(Role.class);

    private String expiredKey;

    private String revokedKey;

    @BeforeEach
    void keysOfEveryKind() {
        keyFor.put(Role.ADMIN, ADMIN_KEY);
        keyFor.put(Role.INGEST, create("forwarder", "INGEST", null).get("key").asString());
        keyFor.put(Role.ANALYST, create("soar", "ANALYST", null).get("key").asString());

        JsonNode expired = create("old-soar", "ADMIN", "2999-01-01T00:00:00Z");
        jdbc.update(
                "UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = ?",
                expired.at("/apiKey/id").asLong());
        expiredKey = expired.get("key").asString();

        JsonNode revoked = create("leaked", "ADMIN", null);
        assertThat(mvc.delete()
                        .uri("/api/v1/api-keys/" + revoked.at("/apiKey/id").asLong())
                        .exchange())
                .hasStatus(204);
        revokedKey = revoked.get("key").asString();
    }

    static Stream<Arguments> endpoints() {
        return Stream.of(
                endpoint(HttpMethod.POST, "/api/v1/events", "[]", Role.INGEST),
                endpoint(HttpMethod.GET, "/api/v1/findings", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/findings/1", null, Role.ANALYST),
                endpoint(HttpMethod.PATCH, "/api/v1/findings/1", "{}", Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/findings/1/events", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/findings/1/history", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/findings/changes", null, Role.ANALYST),
                endpoint(HttpMethod.POST, "/api/v1/findings/1/process-exclusion", "{}", Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/incidents", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/incidents/1", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/webhooks", null, Role.ADMIN),
                endpoint(HttpMethod.POST, "/api/v1/webhooks", "{}", Role.ADMIN),
                endpoint(HttpMethod.GET, "/api/v1/webhooks/1/deliveries", null, Role.ADMIN),
                endpoint(HttpMethod.GET, "/api/v1/settings/thresholds", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/settings/ports", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/settings/process-exclusions", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/settings/process-exclusions/1", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/api/v1/settings/destination-exclusions", null, Role.ANALYST),
                endpoint(HttpMethod.GET, "/actuator/info", null, Role.ANALYST),
                endpoint(HttpMethod.PUT, "/api/v1/settings/thresholds", "{}", Role.ADMIN),
                endpoint(HttpMethod.PUT, "/api/v1/settings/ports", "{\"ports\":[443]}", Role.ADMIN),
                endpoint(HttpMethod.POST, "/api/v1/settings/process-exclusions", "{}", Role.ADMIN),
                endpoint(HttpMethod.PUT, "/api/v1/settings/process-exclusions/1", "{}", Role.ADMIN),
                endpoint(HttpMethod.DELETE, "/api/v1/settings/process-exclusions/1", null, Role.ADMIN),
                endpoint(HttpMethod.POST, "/api/v1/settings/destination-exclusions", "{}", Role.ADMIN),
                endpoint(HttpMethod.GET, "/api/v1/settings/audit", null, Role.ADMIN),
                endpoint(HttpMethod.POST, "/api/v1/settings/preview", "{}", Role.ADMIN),
                endpoint(HttpMethod.POST, "/api/v1/detection/runs", null, Role.ADMIN),
                endpoint(HttpMethod.GET, "/api/v1/detection/runs", null, Role.ADMIN),
                endpoint(HttpMethod.GET, "/api/v1/detection/runs/1", null, Role.ADMIN),
                endpoint(HttpMethod.GET, "/api/v1/api-keys", null, Role.ADMIN),
                endpoint(HttpMethod.POST, "/api/v1/api-keys", "{}", Role.ADMIN));
    }

    @ParameterizedTest(name = "{0} {1} needs {3}")
    @MethodSource("endpoints")
    void refusesEveryCredentialButTheRightRole(HttpMethod method, String path, String body, Role required) {
        assertThat(call(method, path, body, "")).as("no credential").hasStatus(401);
        assertThat(call(method, path, body, "Bearer fw_unknown-key-0123456789abcdef0123456789"))
                .as("unknown key")
                .hasStatus(401);
        assertThat(call(method, path, body, "Bearer " + expiredKey))
                .as("expired key")
                .hasStatus(401);
        assertThat(call(method, path, body, "Bearer " + revokedKey))
                .as("revoked key")
                .hasStatus(401);
        assertThat(call(method, path, body, "Bearer " + keyFor.get(wrongRole(required))))
                .as("key of the wrong role")
                .hasStatus(403)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON);

        int status = call(method, path, body, "Bearer " + keyFor.get(required))
                .getResponse()
                .getStatus();

        assertThat(status).as("key of the right role").isNotIn(401, 403).isLessThan(500);
    }

    @ParameterizedTest(name = "ADMIN may also call {0} {1}")
    @MethodSource("endpoints")
    void letsAdminsDoWhatTheOtherRolesMay(HttpMethod method, String path, String body, Role required) {
        int status =
                call(method, path, body, "Bearer " + ADMIN_KEY).getResponse().getStatus();

        assertThat(status).isNotIn(401, 403).isLessThan(500);
    }

    @Test
    void keepsProbesAndTheApiDescriptionOpen() {
        assertThat(call(HttpMethod.GET, "/actuator/health/liveness", null, "")).hasStatusOk();
        assertThat(call(HttpMethod.GET, "/actuator/health/readiness", null, "")).hasStatusOk();
        assertThat(call(HttpMethod.GET, "/v3/api-docs", null, "")).hasStatusOk();
    }

    @Test
    void answersAMissingCredentialWithAProblemAndAChallenge() {
        MvcTestResult result = call(HttpMethod.GET, "/api/v1/findings", null, "");

        assertThat(result)
                .hasStatus(401)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .hasHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        JsonNode problem = json.readTree(result.getResponse().getContentAsByteArray());
        assertThat(problem.get("type").asString()).isEqualTo("urn:fallback-watch:problem:unauthenticated");
        assertThat(problem.get("correlationId").asString()).isNotBlank();
    }

    @Test
    void showsAKeyOnceAndStoresOnlyItsHash() throws Exception {
        JsonNode created = create("shown-once", "ANALYST", null);
        String key = created.get("key").asString();

        String listed =
                mvc.get().uri("/api/v1/api-keys").exchange().getResponse().getContentAsString();
        String stored = jdbc.queryForObject(
                "SELECT string_agg(name || key_prefix || encode(key_hash, 'escape'), ',') FROM api_key", String.class);

        assertThat(key).startsWith("fw_").hasSizeGreaterThan(40);
        assertThat(listed)
                .doesNotContain(key)
                .contains(created.at("/apiKey/keyPrefix").asString());
        assertThat(stored).doesNotContain(key);
        assertThat(call(HttpMethod.GET, "/api/v1/findings", null, "Bearer " + key))
                .hasStatusOk();
        assertThat(jdbc.queryForObject(
                        "SELECT last_used_at IS NOT NULL FROM api_key WHERE name = 'shown-once'", Boolean.class))
                .isTrue();
    }

    private static Role wrongRole(Role required) {
        return required == Role.INGEST ? Role.ANALYST : Role.INGEST;
    }

    private MvcTestResult call(HttpMethod method, String path, String body, String authorization) {
        var request = mvc.method(method).uri(path).header(HttpHeaders.AUTHORIZATION, authorization);
        if (body != null) {
            request = request.contentType(MediaType.APPLICATION_JSON).content(body);
        }
        return request.exchange();
    }

    private JsonNode create(String name, String role, String expiresAt) {
        String body = "{\"name\":\"" + name + "\",\"roles\":[\"" + role + "\"]"
                + (expiresAt == null ? "" : ",\"expiresAt\":\"" + expiresAt + "\"") + "}";
        MvcTestResult result = mvc.post()
                .uri("/api/v1/api-keys")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body)
                .exchange();
        assertThat(result).hasStatus(201);
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    private static Arguments endpoint(HttpMethod method, String path, String body, Role role) {
        return Arguments.of(method, path, body, role);
    }
}
