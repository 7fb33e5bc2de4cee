package dev.fallbackwatch.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.PostgresIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** The lookback can never reach past the events the retention keeps. */
@TestPropertySource(properties = "fallbackwatch.retention.events=P2D")
class RetentionBoundsLookbackTests extends PostgresIntegrationTest {

    @Test
    void lookbackLongerThanTheRetentionIsRefused() {
        MvcTestResult result = putLookback(49);

        assertThat(result).hasStatus(400);
        assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("lookbackHours");
        assertThat(result)
                .bodyJson()
                .extractingPath("$.errors[0].message")
                .asString()
                .contains("48 hours");
        assertThat(jdbc.queryForObject("SELECT lookback_hours FROM detection_threshold", Integer.class))
                .isEqualTo(24);
    }

    @Test
    void lookbackAsLongAsTheRetentionIsAccepted() {
        assertThat(putLookback(48)).hasStatusOk();
        assertThat(jdbc.queryForObject("SELECT lookback_hours FROM detection_threshold", Integer.class))
                .isEqualTo(48);
    }

    private MvcTestResult putLookback(int hours) {
        String body = """
                {"lookbackHours":%d,"bucketMinutes":60,
                 "finding":{"minDistinctIps":3,"minDistinctPorts":3,"minConnections":5},
                 "critical":{"minDistinctIps":5,"minDistinctPorts":3},
                 "high":{"minDistinctIps":4,"minDistinctPorts":3,"minConnections":8},
                 "medium":{"minDistinctIps":3}}""".formatted(hours);
        return mvc.put()
                .uri("/api/v1/settings/thresholds")
                .contentType("application/json")
                .content(body)
                .exchange();
    }
}
