package dev.fallbackwatch.findings;

import dev.fallbackwatch.web.Problems;
import dev.fallbackwatch.web.Versions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.ObjectMapper;

/**
 * Changes a finding's triage in one transaction: lock the finding, compare the version the client read, write,
 * append the comment, announce the change, record it in the change feed.
 */
@Service
class TriageService {

    private static final Logger log = LoggerFactory.getLogger(TriageService.class);

    private final NamedParameterJdbcTemplate jdbc;

    private final FindingRepository findings;

    private final FindingChangeLog changeLog;

    private final ApplicationEventPublisher events;

    private final ObjectMapper json;

    private final Clock clock;

    TriageService(
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

    Finding finding(long id) {
        return findings.findById(id).orElseThrow(() -> Problems.notFound("Finding", id));
    }

    /**
     * Applies a patch. A patch that changes nothing and adds no comment writes nothing and keeps the version.
     *
     * @param ifMatch the client's If-Match header; null or {@code *} for an unconditional change
     */
    @Transactional
    Finding patch(long id, TriagePatch patch, String ifMatch, String actor) {
        Finding current = findings.findForUpdate(id).orElseThrow(() -> Problems.notFound("Finding", id));
        Versions.requireMatch(ifMatch, current.version(), "Finding " + id);

        TriageStatus status = patch.status() == null ? current.status() : patch.status();
        String assignee = patch.assigneeSet() ? patch.assignee() : current.assignee();
        Classification classification = patch.classificationSet() ? patch.classification() : current.classification();
        boolean triageChanged = status != current.status()
                || !Objects.equals(assignee, current.assignee())
                || classification != current.classification();
        if (!triageChanged && patch.comment() == null) {
            return current;
        }

        Instant now = clock.instant();
        jdbc.update(
                """
                UPDATE finding
                SET status = :status, assignee = :assignee, classification = :classification, version = version + 1
                WHERE id = :id""",
                new MapSqlParameterSource()
                        .addValue("id", id)
                        .addValue("status", status.name())
                        .addValue("assignee", assignee)
                        .addValue("classification", classification == null ? null : classification.name()));
        if (patch.comment() != null) {
            addComment(id, patch.comment(), actor, now);
        }

        Finding updated = finding(id);
        events.publishEvent(new FindingsChanged(
                FindingsChanged.Origin.TRIAGE, List.of(new FindingsChanged.Change(updated, ChangeKind.TRIAGED))));
        changeLog.record(List.of(new FindingChangeLog.Entry(
                updated,
                ChangeKind.TRIAGED,
                now,
                actor,
                null,
                FieldChanges.between(json.valueToTree(current), json.valueToTree(updated)),
                patch.comment())));
        log.info(
                "Finding triaged id={} version={} status={} assignee={} classification={} comment={} by={}",
                id,
                updated.version(),
                updated.status(),
                updated.assignee(),
                updated.classification(),
                patch.comment() != null,
                actor);
        return updated;
    }

    List<FindingComment> comments(long findingId) {
        finding(findingId);
        return jdbc.query(
                "SELECT * FROM finding_comment WHERE finding_id = :findingId ORDER BY id",
                new MapSqlParameterSource("findingId", findingId),
                (rs, rowNum) -> new FindingComment(
                        rs.getLong("id"),
                        rs.getLong("finding_id"),
                        FindingRepository.instant(rs, "created_at"),
                        rs.getString("author"),
                        rs.getString("text")));
    }

    private void addComment(long findingId, String text, String actor, Instant now) {
        jdbc.update(
                """
                INSERT INTO finding_comment (finding_id, created_at, author, text)
                VALUES (:findingId, :createdAt, :author, :text)""",
                new MapSqlParameterSource()
                        .addValue("findingId", findingId)
                        .addValue("createdAt", FindingRepository.utc(now))
                        .addValue("author", actor)
                        .addValue("text", text));
    }
}
