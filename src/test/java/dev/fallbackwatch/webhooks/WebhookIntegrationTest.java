package dev.fallbackwatch.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/**
 * Base of the webhook tests: the dispatcher's schedule is off in every test context, so a test decides when
 * deliveries are sent by calling a dispatcher's pass itself. Subscriptions and deliveries are removed after each
 * test too, so no later test's detection run writes deliveries for them.
 */
abstract class WebhookIntegrationTest extends PostgresIntegrationTest {

    static final String SECRET = "s3cret-for-tests-0123456789";

    @AfterEach
    void noSubscriptions() {
        jdbc.execute("TRUNCATE webhook_subscription, webhook_delivery RESTART IDENTITY CASCADE");
    }

    long subscribe(String url, String minRisk, String... eventTypes) {
        MvcTestResult result = mvc.post()
                .uri("/api/v1/webhooks")
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(
                        new WebhookSubscriptionRequest(url, SECRET, minRisk, List.of(eventTypes))))
                .exchange();
        assertThat(result).hasStatus(201);
        return body(result).get("id").asLong();
    }

    List<JsonNode> deliveries(long subscriptionId, String query) {
        MvcTestResult result = mvc.get()
                .uri("/api/v1/webhooks/" + subscriptionId + "/deliveries?size=100" + query)
                .exchange();
        assertThat(result).hasStatusOk();
        List<JsonNode> deliveries = new ArrayList<>();
        body(result).get("content").forEach(deliveries::add);
        return deliveries;
    }

    JsonNode body(MvcTestResult result) {
        return json.readTree(result.getResponse().getContentAsByteArray());
    }

    /** The signature header a receiver expects, computed here independently of the service's code. */
    static String hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
