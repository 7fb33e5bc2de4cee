package dev.fallbackwatch.findings;

import dev.fallbackwatch.security.AnalystAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The change feed: every new or changed finding, exactly once, in order, for clients that poll. */
@RestController
@AnalystAccess
@RequestMapping("/api/v1/findings/changes")
@Tag(name = "Change feed", description = "Poll every new or changed finding exactly once, in order")
class FindingChangeFeedController {

    static final String CURSOR_MEANING = "The cursor is the position of the last change received (0 to start from"
            + " the beginning). Positions increase in commit order: once a position is visible, no change with a"
            + " lower position can still appear, so asking for the changes after the last position received never"
            + " misses a change, also one that commits while the poll runs, and never repeats one. Positions may"
            + " have gaps (a rolled-back change); they carry no other meaning. Each change comes with the finding"
            + " as it was right after it; a finding changed twice between two polls comes twice, with versions in"
            + " increasing order.";

    private final FindingChangeLog changeLog;

    FindingChangeFeedController(FindingChangeLog changeLog) {
        this.changeLog = changeLog;
    }

    /**
     * A page of the change feed.
     *
     * @param next the cursor for the next poll: the position of the last change returned, or {@code after}
     * @param hasMore true when more changes were waiting beyond {@code limit}: poll again at once
     */
    @Schema(description = "A page of the change feed. " + CURSOR_MEANING)
    record ChangePage(
            List<FindingChange> changes,

            @Schema(description = "Send as 'after' in the next poll")
            long next,

            @Schema(description = "More changes are waiting: poll again without delay")
            boolean hasMore) {}

    @GetMapping
    @Operation(summary = "Poll the changes of findings after a cursor", description = CURSOR_MEANING)
    ChangePage changes(
            @Parameter(description = "Position of the last change received; 0 for the beginning")
                    @RequestParam(defaultValue = "0")
                    @Min(0)
                    long after,
            @Parameter(description = "How many changes to return at most")
                    @RequestParam(defaultValue = "100")
                    @Min(1)
                    @Max(1000)
                    int limit) {
        List<FindingChange> changes = changeLog.after(after, limit + 1);
        boolean hasMore = changes.size() > limit;
        List<FindingChange> page = hasMore ? changes.subList(0, limit) : changes;
        long next = page.isEmpty() ? after : page.get(page.size() - 1).position();
        return new ChangePage(page, next, hasMore);
    }
}
