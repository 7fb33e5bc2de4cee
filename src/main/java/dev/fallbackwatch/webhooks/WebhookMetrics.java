package dev.fallbackwatch.webhooks;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The webhook backlog for Prometheus: {@code fallbackwatch_webhook_backlog} counts deliveries still waiting to be
 * sent or retried, read from the outbox at each scrape.
 */
@Component
class WebhookMetrics {

    WebhookMetrics(MeterRegistry registry, JdbcTemplate jdbc) {
        Gauge.builder("fallbackwatch.webhook.backlog", jdbc, WebhookMetrics::pending)
                .description("Webhook deliveries waiting to be sent or retried")
                .register(registry);
    }

    private static double pending(JdbcTemplate jdbc) {
        Long pending =
                jdbc.queryForObject("SELECT count(*) FROM webhook_delivery WHERE status = 'PENDING'", Long.class);
        return pending == null ? 0 : pending;
    }
}
