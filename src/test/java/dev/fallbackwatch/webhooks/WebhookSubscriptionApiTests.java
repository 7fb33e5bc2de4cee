package dev.fallbackwatch.webhooks;

import static dev.fallbackwatch.findings.Fallbacks.TEST_ACTOR;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** /api/v1/webhooks: subscriptions with a write-only secret, validation, ETags. */
class WebhookSubscriptionApiTests extends WebhookIntegrationTest {

    @Test
    void createsReadsReplacesAndDeletesASubscriptionWithoutEverShowingItsSecret() {
        MvcTestResult created = send("POST", "/api/v1/webhooks", null, """
                {"url": "https://soar.contoso.com/hooks/fw", "secret": "%s", "minRisk": "high",
                 "eventTypes": ["finding.created", "incident.reopened"]}""".formatted(SECRET));

        assertThat(created).hasStatus(201).hasHeader(HttpHeaders.ETAG, "\"1\"");
        JsonNode subscription = body(created);
        long id = subscription.get("id").asLong();
        assertThat(created).hasHeader(HttpHeaders.LOCATION, "/api/v1/webhooks/" + id);
        assertThat(subscription.propertyNames())
                .containsExactlyInAnyOrder(
                        "id", "url", "minRisk", "eventTypes", "createdAt", "createdBy", "updatedAt", "version");
        assertThat(subscription.get("minRisk").asString()).isEqualTo("High");
        assertThat(subscription.get("createdBy").asString()).isEqualTo(TEST_ACTOR);
        assertThat(subscription.get("eventTypes").valueStream().map(JsonNode::asString))
                .containsExactly("finding.created", "incident.reopened");
        assertThat(body(mvc.get().uri("/api/v1/webhooks").exchange())).hasSize(1);

        MvcTestResult replaced = send("PUT", "/api/v1/webhooks/" + id, "\"1\"", """
                {"url": "https://soar.contoso.com/hooks/v2", "eventTypes": ["finding.updated"]}""");

        assertThat(replaced).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"2\"");
        assertThat(body(replaced).get("url").asString()).isEqualTo("https://soar.contoso.com/hooks/v2");
        assertThat(body(replaced).get("minRisk").asString()).isEqualTo("Low");
        assertThat(jdbc.queryForObject("SELECT secret FROM webhook_subscription WHERE id = ?", String.class, id))
                .isEqualTo(SECRET);
        String stale = "{\"url\": \"https://x.example\", \"eventTypes\": [\"finding.updated\"]}";
        assertProblem(send("PUT", "/api/v1/webhooks/" + id, "\"1\"", stale), 412, "precondition-failed");
        assertProblem(send("DELETE", "/api/v1/webhooks/" + id, "\"1\"", null), 412, "precondition-failed");
        assertThat(send("DELETE", "/api/v1/webhooks/" + id, "\"2\"", null)).hasStatus(204);
        assertProblem(mvc.get().uri("/api/v1/webhooks/" + id).exchange(), 404, "not-found");
    }

    @Test
    void refusesAnInvalidSubscriptionNamingEachField() {
        MvcTestResult result = send("POST", "/api/v1/webhooks", null, """
                {"url": "ftp://soar.contoso.com/in", "secret": "short", "minRisk": "severe",
                 "eventTypes": ["finding.created", "finding.deleted", "finding.created"]}""");

        assertProblem(result, 400, "validation-failed");
        assertThat(body(result)
                        .get("errors")
                        .valueStream()
                        .map(e -> e.get("field").asString()))
                .containsExactlyInAnyOrder("url", "secret", "minRisk", "eventTypes[1]", "eventTypes[2]");
        assertThat(fields(send("POST", "/api/v1/webhooks", null, "{\"url\": \"https://u:p@soar.contoso.com/\"}")))
                .containsExactlyInAnyOrder("url", "secret", "eventTypes");
        assertProblem(send("POST", "/api/v1/webhooks", null, """
                        {"url": "https://soar.contoso.com/", "secret": "%s", "eventTypes": ["finding.created"],
                         "secrets": "typo"}""".formatted(SECRET)), 400, "malformed-body");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM webhook_subscription", Long.class))
                .isZero();
    }

    private List<String> fields(MvcTestResult result) {
        assertProblem(result, 400, "validation-failed");
        return body(result)
                .get("errors")
                .valueStream()
                .map(e -> e.get("field").asString())
                .toList();
    }

    private MvcTestResult send(String method, String uri, String ifMatch, String body) {
        var request = switch (method) {
            case "POST" -> mvc.post().uri(uri);
            case "PUT" -> mvc.put().uri(uri);
            default -> mvc.delete().uri(uri);
        };
        if (ifMatch != null) {
            request = request.header(HttpHeaders.IF_MATCH, ifMatch);
        }
        if (body != null) {
            request = request.contentType(MediaType.APPLICATION_JSON).content(body);
        }
        return request.exchange();
    }

    private void assertProblem(MvcTestResult result, int status, String slug) {
        assertThat(result).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(body(result).get("type").asString()).isEqualTo("urn:fallback-watch:problem:" + slug);
    }
}
