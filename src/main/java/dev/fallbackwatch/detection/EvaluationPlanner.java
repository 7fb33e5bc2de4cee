package dev.fallbackwatch.detection;

import static dev.fallbackwatch.database.SqlTime.instant;
import static dev.fallbackwatch.database.SqlTime.utc;

import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Decides whether a run may build on the previous one. An incremental run gives the findings of a full one only
 * when nothing but new events changed since the previous successful run: the same settings, no exclusion expired
 * in between, and a window that moved forward. Anything else, or no previous run, means a full evaluation.
 */
@Component
class EvaluationPlanner {

    private final NamedParameterJdbcTemplate jdbc;

    EvaluationPlanner(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The previous successful run's facts that an incremental run depends on. */
    private record PreviousRun(Instant evaluatedAt, Instant windowEnd, Long settingsChangeCount) {}

    /**
     * Plans {@code run}; call with the run lock held, so the previous run is final.
     *
     * @param fullRequested the caller asks for a full evaluation
     * @param boundedWindow the run ends at a given instant, a back-test of stored history
     */
    EvaluationPlan plan(DetectionRun run, boolean fullRequested, boolean boundedWindow) {
        long settingsChanges = jdbc.getJdbcTemplate().queryForObject("SELECT count(*) FROM settings_audit", Long.class);
        Optional<PreviousRun> previous = previousRun(run.id());

        if (fullRequested) {
            return EvaluationPlan.full("requested", settingsChanges);
        }
        if (boundedWindow) {
            return EvaluationPlan.full("a window end was given", settingsChanges);
        }
        if (previous.isEmpty() || previous.get().settingsChangeCount() == null) {
            return EvaluationPlan.full("no earlier run to build on", settingsChanges);
        }
        if (previous.get().settingsChangeCount() != settingsChanges) {
            return EvaluationPlan.full("settings changed since the previous run", settingsChanges);
        }
        if (run.windowEnd().isBefore(previous.get().windowEnd())) {
            return EvaluationPlan.full("the window ends before the previous run's", settingsChanges);
        }
        if (exclusionExpiredSince(previous.get().evaluatedAt(), run.startedAt())) {
            return EvaluationPlan.full("an exclusion expired since the previous run", settingsChanges);
        }
        return EvaluationPlan.incremental(settingsChanges);
    }

    private Optional<PreviousRun> previousRun(long runId) {
        return jdbc
                .query(
                        """
                        SELECT started_at, window_end, settings_change_count
                        FROM detection_run
                        WHERE status = 'SUCCEEDED'
                          AND id <> :runId
                        ORDER BY finished_at DESC, id DESC
                        LIMIT 1""",
                        new MapSqlParameterSource("runId", runId),
                        (rs, row) -> new PreviousRun(
                                instant(rs, "started_at"),
                                instant(rs, "window_end"),
                                rs.getObject("settings_change_count", Long.class)))
                .stream()
                .findFirst();
    }

    /** An exclusion that stopped applying lets events through that the previous run kept out. */
    private boolean exclusionExpiredSince(Instant previousEvaluation, Instant evaluatedAt) {
        MapSqlParameterSource between = new MapSqlParameterSource()
                .addValue("after", utc(previousEvaluation))
                .addValue("upTo", utc(evaluatedAt));
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (
                           SELECT 1 FROM process_exclusion WHERE expires_at > :after AND expires_at <= :upTo)
                       OR EXISTS (
                           SELECT 1 FROM destination_exclusion WHERE expires_at > :after AND expires_at <= :upTo)""", between, Boolean.class));
    }
}
