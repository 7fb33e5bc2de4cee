package dev.fallbackwatch.findings;

import dev.fallbackwatch.detection.DetectionRunCompleted;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Completes what a detection run wrote to findings, in the run's transaction: raises the version of every finding
 * the run created, changed or marked, stores why each matching one fired, announces the changes and records them
 * in the change feed.
 */
@Component
class DetectionRunRecorder {

    /** Recorded as the author of changes made by detection runs. */
    static final String DETECTION = "detection";

    /** After the incidents listener, so that the findings it links carry their incident in the feed. */
    static final int ORDER = 100;

    private static final String EXPLAINED = """
            UPDATE finding f
            SET explanation = CAST(e.explanation AS json)
            FROM unnest(?::bigint[], ?::text[]) AS e (id, explanation)
            WHERE f.id = e.id""";

    private final NamedParameterJdbcTemplate jdbc;

    private final FindingRepository findings;

    private final FindingChangeLog changeLog;

    private final ApplicationEventPublisher events;

    private final ObjectMapper json;

    private final Clock clock;

    DetectionRunRecorder(
            NamedParameterJdbcTemplate jdbc,
            FindingRepository findings,
            FindingChangeLog changeLog,
            ApplicationEventPublisher events,
            ObjectMapper json,
            Clock clock) {
        this.jdbc = jdbc;
        this.findings = findings;
        this.changeLog = changeLog;
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    @EventListener
    @Order(ORDER)
    void recordRun(DetectionRunCompleted run) {
        // A row the run inserted has version 0 (the column default) and becomes 1; a changed row goes up by one.
        List<Long> ids = jdbc.queryForList(
                "UPDATE finding SET version = version + 1 WHERE last_run_id = :runId RETURNING id",
                new MapSqlParameterSource("runId", run.runId()),
                Long.class);
        if (ids.isEmpty()) {
            return;
        }

        explain(findings.findByIds(ids));

        List<Finding> changed = findings.findByIds(ids);
        Map<Long, JsonNode> previous = changeLog.latestSnapshots(ids);
        Instant now = clock.instant();
        List<FindingsChanged.Change> announced = new ArrayList<>();
        List<FindingChangeLog.Entry> entries = new ArrayList<>();
        for (Finding finding : changed) {
            ChangeKind kind = kind(finding);
            JsonNode after = json.valueToTree(finding);
            announced.add(new FindingsChanged.Change(finding, kind));
            entries.add(new FindingChangeLog.Entry(
                    finding,
                    kind,
                    now,
                    DETECTION,
                    run.runId(),
                    FieldChanges.between(previous.get(finding.id()), after),
                    null));
        }

        events.publishEvent(new FindingsChanged(FindingsChanged.Origin.DETECTION_RUN, announced));
        changeLog.record(entries);
    }

    /**
     * Stores why each finding that crosses the thresholds fired, with the thresholds of this transaction. A
     * finding marked as no longer matching keeps the explanation of when it fired.
     */
    private void explain(List<Finding> touched) {
        Thresholds thresholds = jdbc.getJdbcTemplate().queryForObject(Thresholds.SELECT, Thresholds::row);
        List<Finding> matching =
                touched.stream().filter(finding -> !finding.noLongerMatching()).toList();
        Long[] ids = matching.stream().map(Finding::id).toArray(Long[]::new);
        String[] explanations = matching.stream()
                .map(finding -> json.writeValueAsString(thresholds.explain(
                        finding.uniqueDestIps(),
                        finding.uniqueDestPorts(),
                        finding.totalConnections(),
                        finding.riskScore(),
                        Duration.between(finding.windowStart(), finding.windowEnd())
                                .toMinutes())))
                .toArray(String[]::new);

        // One statement for all of them: a run may explain thousands of findings at once.
        jdbc.getJdbcTemplate().update(EXPLAINED, ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("bigint", ids));
            ps.setArray(2, ps.getConnection().createArrayOf("text", explanations));
        });
    }

    private static ChangeKind kind(Finding finding) {
        if (finding.noLongerMatching()) {
            return ChangeKind.NO_LONGER_MATCHING;
        }
        return finding.version() == 1 ? ChangeKind.DETECTED : ChangeKind.UPDATED_BY_DETECTION;
    }
}
