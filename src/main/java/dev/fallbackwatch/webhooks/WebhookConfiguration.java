package dev.fallbackwatch.webhooks;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** Wires the dispatcher and the schedule that runs it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({WebhookProperties.class, WebhookEncryptionProperties.class})
class WebhookConfiguration {

    @Bean
    WebhookSender webhookSender(WebhookProperties properties) {
        return new WebhookSender(properties);
    }

    @Bean
    WebhookDispatcher webhookDispatcher(
            WebhookDeliveryStore deliveries, WebhookSender sender, WebhookProperties properties, Clock clock) {
        return new WebhookDispatcher(deliveries, sender, properties, clock);
    }

    /**
     * Runs a dispatcher pass every {@code fallbackwatch.webhooks.interval}, after the previous pass ends, and prunes
     * settled deliveries every hour.
     */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @ConditionalOnBooleanProperty(name = "fallbackwatch.webhooks.schedule-enabled", matchIfMissing = true)
    static class DispatchSchedule {

        private final WebhookDispatcher dispatcher;

        DispatchSchedule(WebhookDispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }

        @Scheduled(
                initialDelayString = "${fallbackwatch.webhooks.initial-delay:PT10S}",
                fixedDelayString = "${fallbackwatch.webhooks.interval:PT5S}")
        void dispatch() {
            dispatcher.dispatchOnce();
        }

        /** Every replica may prune; deleting what another replica deleted already is harmless. */
        @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1H")
        void prune() {
            dispatcher.pruneSettled();
        }
    }
}
