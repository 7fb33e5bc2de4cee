package dev.fallbackwatch.detection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.springframework.beans.factory.annotation.Value;
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

    /**
     * Runs detection every {@code fallbackwatch.detection.interval}, waiting for the previous run to end. With
     * several replicas exactly one runs each tick: the first to take the ShedLock lock, which it holds for at least
     * the interval less a second, so that the others' ticks of the same interval find it taken and skip.
     */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @ConditionalOnBooleanProperty(name = "fallbackwatch.detection.schedule-enabled", matchIfMissing = true)
    static class DetectionSchedule {

        /** A replica that dies mid-run frees the tick after this long. */
        private static final Duration LOCK_AT_MOST_FOR = Duration.ofMinutes(30);

        private final DetectionService detection;

        private final LockingTaskExecutor locks;

        private final Duration lockAtLeastFor;

        DetectionSchedule(
                DetectionService detection,
                LockingTaskExecutor locks,
                @Value("${fallbackwatch.detection.interval:PT5M}") Duration interval) {
            this.detection = detection;
            this.locks = locks;
            this.lockAtLeastFor = interval.minusSeconds(1).isNegative() ? Duration.ZERO : interval.minusSeconds(1);
        }

        @Scheduled(
                initialDelayString = "${fallbackwatch.detection.initial-delay:PT30S}",
                fixedDelayString = "${fallbackwatch.detection.interval:PT5M}")
        void runScheduled() {
            locks.executeWithLock(
                    (Runnable) () -> detection.run(DetectionRun.Trigger.SCHEDULED, null),
                    new LockConfiguration(Instant.now(), "detection-run", LOCK_AT_MOST_FOR, lockAtLeastFor));
        }
    }
}
