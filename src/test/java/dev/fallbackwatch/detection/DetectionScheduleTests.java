package dev.fallbackwatch.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.time.Duration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** With several replicas ticking on their own, exactly one detection run happens per interval. */
class DetectionScheduleTests extends PostgresIntegrationTest {

    @Autowired
    DetectionService detection;

    @Autowired
    LockingTaskExecutor locks;

    /** Expires what an earlier test held; the lock rows stay, as ShedLock expects of rows it has written. */
    @BeforeEach
    void noTickHeld() {
        expireLocks();
    }

    @Test
    void onlyTheFirstReplicaToTickRunsTheInterval() {
        var replicaA = new DetectionConfiguration.DetectionSchedule(detection, locks, Duration.ofMinutes(5));
        var replicaB = new DetectionConfiguration.DetectionSchedule(detection, locks, Duration.ofMinutes(5));

        replicaA.runScheduled();
        replicaB.runScheduled();
        replicaA.runScheduled();

        assertThat(scheduledRuns()).isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT lock_until > timezone('utc', now()) + INTERVAL '4 minutes' FROM shedlock"
                                + " WHERE name = 'detection-run'",
                        Boolean.class))
                .as("the tick stays taken for the rest of the interval")
                .isTrue();
    }

    @Test
    void theNextIntervalRunsAgain() {
        var replica = new DetectionConfiguration.DetectionSchedule(detection, locks, Duration.ofMinutes(5));
        replica.runScheduled();

        expireLocks();
        replica.runScheduled();

        assertThat(scheduledRuns()).isEqualTo(2);
    }

    private void expireLocks() {
        jdbc.update("UPDATE shedlock SET lock_until = timezone('utc', now()) - INTERVAL '1 second'");
    }

    private int scheduledRuns() {
        return jdbc.queryForObject("SELECT count(*) FROM detection_run WHERE trigger = 'SCHEDULED'", Integer.class);
    }
}
