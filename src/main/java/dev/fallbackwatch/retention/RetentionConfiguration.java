package dev.fallbackwatch.retention;

import java.time.Duration;
import java.time.Instant;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** Maintains the event partitions once at start and then every {@code fallbackwatch.retention.interval}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RetentionProperties.class)
class RetentionConfiguration {

    private final EventRetention retention;

    private final RetentionProperties properties;

    private final JdbcTemplate jdbc;

    RetentionConfiguration(EventRetention retention, RetentionProperties properties, JdbcTemplate jdbc) {
        this.retention = retention;
        this.properties = properties;
        this.jdbc = jdbc;
    }

    /**
     * Refuses to serve with a stored lookback longer than the retention: detection would read a window whose
     * oldest events are already gone. The settings API keeps the two consistent from then on.
     */
    @EventListener(ApplicationReadyEvent.class)
    void maintainAtStart() {
        Integer lookbackHours =
                jdbc.queryForObject("SELECT lookback_hours FROM detection_threshold WHERE id = 1", Integer.class);
        if (lookbackHours > properties.maxLookbackHours()) {
            throw new IllegalStateException("The detection lookback of " + lookbackHours
                    + " hours is longer than fallbackwatch.retention.events=" + properties.events()
                    + "; raise the retention or lower the lookback first");
        }
        retention.maintain();
    }

    /** One replica per pass; the others skip it. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @ConditionalOnBooleanProperty(name = "fallbackwatch.retention.schedule-enabled", matchIfMissing = true)
    static class RetentionSchedule {

        private static final Duration LOCK_AT_MOST_FOR = Duration.ofMinutes(30);

        private final EventRetention retention;

        private final LockingTaskExecutor locks;

        private final RetentionProperties properties;

        RetentionSchedule(EventRetention retention, LockingTaskExecutor locks, RetentionProperties properties) {
            this.retention = retention;
            this.locks = locks;
            this.properties = properties;
        }

        @Scheduled(
                initialDelayString = "${fallbackwatch.retention.interval:PT1H}",
                fixedDelayString = "${fallbackwatch.retention.interval:PT1H}")
        void maintainScheduled() {
            Duration atLeast = properties.interval().dividedBy(2);
            locks.executeWithLock(
                    (Runnable) retention::maintain,
                    new LockConfiguration(Instant.now(), "event-partitions", LOCK_AT_MOST_FOR, atLeast));
        }
    }
}
