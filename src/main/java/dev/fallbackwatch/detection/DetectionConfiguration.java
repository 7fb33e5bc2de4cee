package dev.fallbackwatch.detection;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** Wires the clock detection reads and the schedule that runs it. */
@Configuration(proxyBeanMethods = false)
class DetectionConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Runs detection every {@code fallbackwatch.detection.interval}, waiting for the previous run to end. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @ConditionalOnBooleanProperty(name = "fallbackwatch.detection.schedule-enabled", matchIfMissing = true)
    static class DetectionSchedule {

        private final DetectionService detection;

        DetectionSchedule(DetectionService detection) {
            this.detection = detection;
        }

        @Scheduled(
                initialDelayString = "${fallbackwatch.detection.initial-delay:PT30S}",
                fixedDelayString = "${fallbackwatch.detection.interval:PT5M}")
        void runScheduled() {
            detection.run(DetectionRun.Trigger.SCHEDULED, null);
        }
    }
}
