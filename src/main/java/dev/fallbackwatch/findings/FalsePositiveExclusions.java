package dev.fallbackwatch.findings;

import dev.fallbackwatch.settings.ProcessExclusion;
import dev.fallbackwatch.web.Problems;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns a finding an analyst judged a false positive into a process exclusion scoped as narrowly as the finding:
 * its process name on its device, under its parent, with its command line. Written like an exclusion created
 * through the settings API, audit entry included, so the settings audit stays complete.
 */
@Service
class FalsePositiveExclusions {

    private static final Logger log = LoggerFactory.getLogger(FalsePositiveExclusions.class);

    /** The longest command line pattern the settings API accepts. */
    static final int MAX_PATTERN_LENGTH = 2000;

    private final NamedParameterJdbcTemplate jdbc;

    private final FindingRepository findings;

    private final ObjectMapper json;

    FalsePositiveExclusions(NamedParameterJdbcTemplate jdbc, FindingRepository findings, ObjectMapper json) {
        this.jdbc = jdbc;
        this.findings = findings;
        this.json = json;
    }

    /**
     * Creates the exclusion.
     *
     * @param note optional words of the analyst, appended to the reason
     */
    @Transactional
    ProcessExclusion create(long findingId, String note, String actor) {
        Finding finding = findings.findForUpdate(findingId).orElseThrow(() -> Problems.notFound("Finding", findingId));
        if (finding.status() != TriageStatus.FALSE_POSITIVE) {
            throw Problems.problem(
                    HttpStatus.CONFLICT,
                    "finding-not-false-positive",
                    "Finding is not a false positive",
                    "Finding " + findingId + " has status " + finding.status() + "; set its status to FALSE_POSITIVE"
                            + " with PATCH /api/v1/findings/" + findingId + " first.");
        }

        if (finding.initiatingProcessFileName().isBlank()) {
            throw Problems.problem(
                    HttpStatus.CONFLICT,
                    "finding-without-process",
                    "Finding has no process name",
                    "Finding " + findingId + " has no initiating process file name, so no process exclusion can"
                            + " scope it; add a destination exclusion through the settings API instead.");
        }

        long id = insert(finding, reason(finding, note), actor);

        ProcessExclusion created = read(id);
        jdbc.update(
                """
                INSERT INTO settings_audit (changed_by, resource, resource_id, action, before, after)
                VALUES (:actor, 'process-exclusions', :id, 'CREATE', NULL, CAST(:after AS jsonb))""",
                new MapSqlParameterSource()
                        .addValue("actor", actor)
                        .addValue("id", id)
                        .addValue("after", json.writeValueAsString(created)));
        log.info(
                "Settings changed resource=process-exclusions id={} action=CREATE by={} fromFindingId={}",
                id,
                actor,
                findingId);
        return created;
    }

    private long insert(Finding finding, String reason, String actor) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("processName", finding.initiatingProcessFileName())
                .addValue("reason", reason)
                .addValue("deviceName", blankToNull(finding.deviceName()))
                .addValue("parentProcessName", blankToNull(finding.initiatingProcessParentFileName()))
                .addValue("commandLinePattern", pattern(finding.initiatingProcessCommandLine()))
                .addValue("actor", actor);
        try {
            return jdbc.queryForObject("""
                    INSERT INTO process_exclusion (
                        process_name, reason, device_name, parent_process_name, command_line_pattern, created_by)
                    VALUES (:processName, :reason, :deviceName, :parentProcessName, :commandLinePattern, :actor)
                    RETURNING id""", params, Long.class);
        } catch (DuplicateKeyException ex) {
            throw Problems.problem(
                    HttpStatus.CONFLICT,
                    "duplicate-exclusion",
                    "Duplicate exclusion",
                    "An exclusion with the same process name and scope exists already; change that one instead.");
        }
    }

    /**
     * The command line as a pattern. A command line longer than the settings API allows keeps its start and ends in
     * {@code *}; an empty one leaves the command line unscoped.
     */
    static String pattern(String commandLine) {
        if (commandLine == null || commandLine.isEmpty()) {
            return null;
        }
        return commandLine.length() <= MAX_PATTERN_LENGTH
                ? commandLine
                : commandLine.substring(0, MAX_PATTERN_LENGTH - 1) + "*";
    }

    private static String reason(Finding finding, String note) {
        String reason = "False positive: finding " + finding.id() + " (" + finding.deviceName() + ", "
                + finding.initiatingProcessFileName() + ", bucket " + finding.windowStart() + ")";
        return note == null || note.isBlank() ? reason : reason + ": " + note.trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private ProcessExclusion read(long id) {
        return jdbc.queryForObject(
                "SELECT *, expires_at IS NOT NULL AND expires_at <= now() AS expired FROM process_exclusion"
                        + " WHERE id = :id",
                new MapSqlParameterSource("id", id),
                FalsePositiveExclusions::exclusion);
    }

    private static ProcessExclusion exclusion(ResultSet rs, int rowNum) throws SQLException {
        return new ProcessExclusion(
                rs.getLong("id"),
                rs.getString("process_name"),
                rs.getString("reason"),
                rs.getString("device_name"),
                rs.getString("account_name"),
                rs.getString("parent_process_name"),
                rs.getString("command_line_pattern"),
                FindingRepository.nullableInstant(rs, "expires_at"),
                rs.getBoolean("expired"),
                FindingRepository.instant(rs, "created_at"),
                rs.getString("created_by"),
                FindingRepository.instant(rs, "updated_at"),
                rs.getLong("version"),
                rs.getObject("last_run_id", Long.class),
                rs.getObject("last_run_suppressed_events", Long.class));
    }
}
