package dev.fallbackwatch.detection;

import static dev.fallbackwatch.database.SqlTime.instant;
import static dev.fallbackwatch.database.SqlTime.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Stores detection runs and their figures in {@code detection_run}. */
@Repository
class DetectionRunRepository {

    private final NamedParameterJdbcTemplate jdbc;

    DetectionRunRepository(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    long insertRunning(DetectionRun.Trigger trigger, Instant windowStart, Instant windowEnd, Instant startedAt) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("trigger", trigger.name())
                .addValue("windowStart", utc(windowStart))
                .addValue("windowEnd", utc(windowEnd))
                .addValue("startedAt", utc(startedAt));
        return jdbc.queryForObject("""
                INSERT INTO detection_run (trigger, status, window_start, window_end, started_at)
                VALUES (:trigger, 'RUNNING', :windowStart, :windowEnd, :startedAt)
                RETURNING id""", params, Long.class);
    }

    void markSucceeded(long id, RunFigures figures, EvaluationPlan plan, Instant finishedAt) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("id", id)
                .addValue("evaluation", plan.evaluation().name())
                .addValue("fullReason", plan.fullReason())
                .addValue("settingsChangeCount", plan.settingsChangeCount())
                .addValue("eventsScanned", figures.eventsScanned())
                .addValue("eventsMatched", figures.eventsMatched())
                .addValue("findingsCreated", figures.findingsCreated())
                .addValue("findingsUpdated", figures.findingsUpdated())
                .addValue("findingsNoLongerMatching", figures.findingsNoLongerMatching())
                .addValue("finishedAt", utc(finishedAt));
        jdbc.update("""
                UPDATE detection_run
                SET status = 'SUCCEEDED',
                    events_scanned = :eventsScanned,
                    events_matched = :eventsMatched,
                    findings_created = :findingsCreated,
                    findings_updated = :findingsUpdated,
                    findings_no_longer_matching = :findingsNoLongerMatching,
                    finished_at = :finishedAt,
                    error_message = NULL,
                    evaluation = :evaluation,
                    full_reason = :fullReason,
                    settings_change_count = :settingsChangeCount
                WHERE id = :id""", params);
    }

    void markFailed(long id, String errorMessage, Instant finishedAt) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("id", id)
                .addValue("errorMessage", errorMessage)
                .addValue("finishedAt", utc(finishedAt));
        jdbc.update("""
                UPDATE detection_run
                SET status = 'FAILED', error_message = :errorMessage, finished_at = :finishedAt
                WHERE id = :id""", params);
    }

    /** Marks runs left RUNNING by a service process that stopped before they finished. */
    int failInterrupted(Instant finishedAt) {
        return jdbc.update("""
                UPDATE detection_run
                SET status = 'FAILED',
                    error_message = 'interrupted: the service stopped before the run finished',
                    finished_at = :finishedAt
                WHERE status = 'RUNNING'""", new MapSqlParameterSource("finishedAt", utc(finishedAt)));
    }

    Optional<DetectionRun> findById(long id) {
        return jdbc
                .query("SELECT * FROM detection_run WHERE id = :id", new MapSqlParameterSource("id", id), this::row)
                .stream()
                .findFirst();
    }

    List<DetectionRun> findRecent(int limit) {
        return jdbc.query(
                "SELECT * FROM detection_run ORDER BY started_at DESC, id DESC LIMIT :limit",
                new MapSqlParameterSource("limit", limit),
                this::row);
    }

    private DetectionRun row(ResultSet rs, int rowNum) throws SQLException {
        Instant startedAt = instant(rs, "started_at");
        Instant finishedAt = instant(rs, "finished_at");
        String evaluation = rs.getString("evaluation");
        return new DetectionRun(
                rs.getLong("id"),
                DetectionRun.Trigger.valueOf(rs.getString("trigger")),
                DetectionRun.Status.valueOf(rs.getString("status")),
                instant(rs, "window_start"),
                instant(rs, "window_end"),
                rs.getObject("events_scanned", Long.class),
                rs.getObject("events_matched", Long.class),
                rs.getObject("findings_created", Integer.class),
                rs.getObject("findings_updated", Integer.class),
                rs.getObject("findings_no_longer_matching", Integer.class),
                startedAt,
                finishedAt,
                DetectionRun.durationMs(startedAt, finishedAt),
                rs.getString("error_message"),
                evaluation == null ? null : DetectionRun.Evaluation.valueOf(evaluation),
                rs.getString("full_reason"));
    }
}
