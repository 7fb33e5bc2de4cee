package dev.fallbackwatch.detection;

import dev.fallbackwatch.database.SqlTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Evaluates the lookback window and records the run.
 *
 * <p>The window is {@code (windowEnd - lookback, windowEnd]}. A run without an explicit end is the seed's
 * {@code Timestamp > ago(24h)}: it ends now and, like the KQL, also counts events stamped after now. A run with an
 * explicit end (a back-test over stored history) ignores events after it. Runs are serialised across every
 * service instance by a PostgreSQL advisory lock held for the run's transaction.
 *
 * <p>A scheduled run is incremental when {@link EvaluationPlanner} allows: it evaluates only the device buckets
 * that received events since the previous run. A manual run, a back-test and any run after a settings change
 * evaluate the whole window.
 */
@Service
public class DetectionService {

    private static final Logger log = LoggerFactory.getLogger(DetectionService.class);

    /** Advisory lock key shared by every instance: the technique number. */
    private static final long RUN_LOCK_KEY = 1008L;

    /** Upper bound of an open-ended window: later than any event a sensor can report. */
    private static final Instant END_OF_TIME = Instant.parse("9999-12-31T23:59:59Z");

    private final DetectionRunRepository runs;

    private final NamedParameterJdbcTemplate jdbc;

    private final TransactionTemplate transaction;

    private final TaskExecutor executor;

    private final Clock clock;

    private final ApplicationEventPublisher events;

    private final DetectionMetrics metrics;

    private final EvaluationPlanner planner;

    DetectionService(
            DetectionRunRepository runs,
            EvaluationPlanner planner,
            NamedParameterJdbcTemplate jdbc,
            TransactionTemplate transaction,
            @Qualifier("applicationTaskExecutor") TaskExecutor executor,
            Clock clock,
            ApplicationEventPublisher events,
            DetectionMetrics metrics) {
        this.runs = runs;
        this.planner = planner;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.executor = executor;
        this.clock = clock;
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * Runs detection now on the caller's thread and returns the finished run. A manual run evaluates the whole
     * window; a scheduled one builds on the previous run when it can.
     */
    public DetectionRun run(DetectionRun.Trigger trigger, Instant windowEnd) {
        return run(trigger, windowEnd, trigger == DetectionRun.Trigger.MANUAL);
    }

    /** Runs detection now on the caller's thread, in full when asked, and returns the finished run. */
    public DetectionRun run(DetectionRun.Trigger trigger, Instant windowEnd, boolean fullRequested) {
        DetectionRun run = start(trigger, windowEnd);
        execute(run, windowEnd != null, fullRequested);
        return runs.findById(run.id()).orElseThrow();
    }

    /** Records a new run and evaluates it in the background; returns it while it is still running. */
    DetectionRun submit(Instant windowEnd, boolean fullRequested) {
        DetectionRun run = start(DetectionRun.Trigger.MANUAL, windowEnd);
        executor.execute(() -> execute(run, windowEnd != null, fullRequested));
        return run;
    }

    /**
     * Evaluates the window as a run would after {@code candidateSettings} has changed the settings tables, and
     * compares the outcome with the stored findings. Everything happens in one transaction that is rolled back,
     * so the preview runs the very query of a real run and saves nothing.
     */
    public DetectionPreview preview(Runnable candidateSettings, Instant requestedEnd) {
        return transaction.execute(status -> {
            status.setRollbackOnly();
            candidateSettings.run();

            Instant evaluatedAt = clock.instant();
            Instant windowEnd = requestedEnd == null ? evaluatedAt : requestedEnd;
            Instant windowStart = windowEnd.minus(lookback());
            MapSqlParameterSource params = window(windowStart, requestedEnd == null ? END_OF_TIME : windowEnd)
                    .addValue("evaluatedAt", SqlTime.utc(evaluatedAt));

            List<PreviewQueries.Evaluated> evaluated =
                    jdbc.query(FallbackChannelQuery.PREVIEW, params, PreviewQueries::evaluated);
            List<PreviewQueries.Stored> stored =
                    jdbc.query(PreviewQueries.STORED_IN_WINDOW, params, PreviewQueries::stored);
            return DetectionPreview.compare(windowStart, windowEnd, evaluated, stored);
        });
    }

    private DetectionRun start(DetectionRun.Trigger trigger, Instant requestedEnd) {
        Instant startedAt = clock.instant();
        Instant windowEnd = requestedEnd == null ? startedAt : requestedEnd;
        Instant windowStart = windowEnd.minus(lookback());
        long id = runs.insertRunning(trigger, windowStart, windowEnd, startedAt);
        return runs.findById(id).orElseThrow();
    }

    private void execute(DetectionRun run, boolean boundedWindow, boolean fullRequested) {
        MapSqlParameterSource params = window(run.windowStart(), boundedWindow ? run.windowEnd() : END_OF_TIME)
                .addValue("runId", run.id())
                .addValue("evaluatedAt", SqlTime.utc(run.startedAt()))
                .addValue("consumeBefore", SqlTime.utc(run.windowEnd()));

        Evaluated outcome;
        try {
            outcome = transaction.execute(status -> {
                jdbc.getJdbcTemplate().queryForObject("SELECT pg_advisory_xact_lock(?)", Object.class, RUN_LOCK_KEY);
                EvaluationPlan plan = planner.plan(run, fullRequested, boundedWindow);

                RunFigures evaluated = plan.isFull() ? evaluateFull(params) : evaluateIncremental(params);
                events.publishEvent(new DetectionRunCompleted(
                        run.id(),
                        run.windowStart(),
                        run.windowEnd(),
                        new DetectionRunCompleted.RunFiguresView(
                                evaluated.findingsCreated(),
                                evaluated.findingsUpdated(),
                                evaluated.findingsNoLongerMatching())));
                runs.markSucceeded(run.id(), evaluated, plan, clock.instant());
                return new Evaluated(plan, evaluated);
            });
        } catch (RuntimeException ex) {
            metrics.failed(Duration.between(run.startedAt(), clock.instant()));
            runs.markFailed(run.id(), "evaluation failed: " + ex.getClass().getSimpleName(), clock.instant());
            log.error("Detection run failed id={} trigger={}", run.id(), run.trigger(), ex);
            return;
        }

        RunFigures figures = outcome.figures();
        metrics.succeeded(figures, Duration.between(run.startedAt(), clock.instant()));
        log.info(
                "Detection run finished id={} trigger={} evaluation={} fullReason=\"{}\" windowStart={} windowEnd={}"
                        + " eventsScanned={} eventsMatched={} findingsCreated={} findingsUpdated={}"
                        + " findingsNoLongerMatching={} durationMs={}",
                run.id(),
                run.trigger(),
                outcome.plan().evaluation(),
                outcome.plan().isFull() ? outcome.plan().fullReason() : "",
                run.windowStart(),
                run.windowEnd(),
                figures.eventsScanned(),
                figures.eventsMatched(),
                figures.findingsCreated(),
                figures.findingsUpdated(),
                figures.findingsNoLongerMatching(),
                Duration.between(run.startedAt(), clock.instant()).toMillis());
    }

    /** The steps of a full run, in the run's transaction; see {@link FallbackChannelQuery}. */
    private RunFigures evaluateFull(MapSqlParameterSource params) {
        analyzeSettings();
        jdbc.update(FallbackChannelQuery.BACKLOG_CLEARED, params);
        jdbc.update(FallbackChannelQuery.EVALUATE_FULL_RUN, params);
        RunFigures figures =
                jdbc.queryForObject(FallbackChannelQuery.WRITE_FULL_RUN, params, DetectionService::figures);

        jdbc.update(FallbackChannelQuery.COUNT_SUPPRESSION, params);
        jdbc.update(FallbackChannelQuery.STORE_SUPPRESSION, params);
        return figures;
    }

    /** The steps of an incremental run, in the run's transaction; see {@link FallbackChannelQuery}. */
    private RunFigures evaluateIncremental(MapSqlParameterSource params) {
        analyzeSettings();
        jdbc.update(FallbackChannelQuery.RUN_BUCKET_TABLE, params);
        jdbc.update(FallbackChannelQuery.RUN_BUCKETS_TAKEN, params);
        // Each bucket is read through the (device_name, event_time) key. Told how few buckets there are, and that a
        // random page costs little more than a sequential one (SSD storage), the planner does so instead of scanning
        // every partition of the window.
        jdbc.getJdbcTemplate().execute("ANALYZE run_bucket");
        jdbc.getJdbcTemplate().execute("SET LOCAL random_page_cost = 1.1");
        jdbc.update(FallbackChannelQuery.EVALUATE_INCREMENTAL_RUN, params);
        return jdbc.queryForObject(FallbackChannelQuery.WRITE_INCREMENTAL_RUN, params, DetectionService::figures);
    }

    /**
     * Gives the planner true sizes of the settings tables, which the evaluation joins with every event. Autovacuum
     * never analyses a table of a few dozen rows, and estimates of a never-analysed one lead to nested loops over
     * the whole window. A few milliseconds.
     */
    private void analyzeSettings() {
        jdbc.getJdbcTemplate().execute("ANALYZE detection_port, process_exclusion, destination_exclusion");
    }

    /** How a run evaluated and what it counted. */
    private record Evaluated(EvaluationPlan plan, RunFigures figures) {}

    private static MapSqlParameterSource window(Instant start, Instant end) {
        return new MapSqlParameterSource()
                .addValue("windowStart", SqlTime.utc(start))
                .addValue("windowEnd", SqlTime.utc(end));
    }

    private static RunFigures figures(java.sql.ResultSet rs, int rowNum) throws java.sql.SQLException {
        return new RunFigures(
                rs.getLong("events_scanned"),
                SqlTime.instant(rs, "newest_event"),
                rs.getLong("events_matched"),
                rs.getInt("findings_created"),
                rs.getInt("findings_updated"),
                rs.getInt("findings_no_longer_matching"));
    }

    private Duration lookback() {
        Integer hours = jdbc.getJdbcTemplate()
                .queryForObject("SELECT lookback_hours FROM detection_threshold WHERE id = 1", Integer.class);
        return Duration.ofHours(hours);
    }

    /** A run still RUNNING when the service starts was cut short by the previous stop. */
    @EventListener(ApplicationReadyEvent.class)
    void failInterruptedRuns() {
        int interrupted = runs.failInterrupted(clock.instant());
        if (interrupted > 0) {
            log.warn("Marked detection runs interrupted by the last stop as failed count={}", interrupted);
        }
    }
}
