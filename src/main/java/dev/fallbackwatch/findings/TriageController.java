package dev.fallbackwatch.findings;

import dev.fallbackwatch.security.AnalystAccess;
import dev.fallbackwatch.settings.ProcessExclusion;
import dev.fallbackwatch.web.Actor;
import dev.fallbackwatch.web.Versions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PageableDefault;
import org.springframework.data.web.PagedModel;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Lets analysts work a finding: status, assignee, classification, comments, history, and a scoped exclusion. */
@RestController
@AnalystAccess
@RequestMapping("/api/v1/findings/{id}")
@Tag(name = "Triage", description = "Work a finding through its lifecycle, with every change recorded")
class TriageController {

    static final String MERGE_PATCH_JSON = "application/merge-patch+json";

    private final TriageService triage;

    private final FindingChangeLog changeLog;

    private final FalsePositiveExclusions exclusions;

    TriageController(TriageService triage, FindingChangeLog changeLog, FalsePositiveExclusions exclusions) {
        this.triage = triage;
        this.changeLog = changeLog;
        this.exclusions = exclusions;
    }

    /** Describes the PATCH body for the API docs; the body itself is read as a merge patch. */
    @Schema(
            name = "FindingPatch",
            description = "JSON merge patch: a field left out stays, null clears assignee or classification")
    record PatchDocument(
            @Schema(example = "IN_PROGRESS") TriageStatus status,

            @Schema(example = "alice@contoso.com", nullable = true)
            String assignee,

            @Schema(nullable = true) Classification classification,

            @Schema(description = "Appended to the finding's comments", example = "Host isolated, collecting memory")
            String comment) {}

    @PatchMapping(consumes = {MERGE_PATCH_JSON, "application/json"})
    @Operation(
            summary = "Change a finding's triage",
            description = "Sets status (NEW, ACKNOWLEDGED, IN_PROGRESS, RESOLVED, FALSE_POSITIVE), assignee and"
                    + " classification, and appends a comment, as one recorded change that raises the version."
                    + " Any status may follow any other. With If-Match, a finding changed since it was read (by"
                    + " triage or by a detection run) answers 412 and nothing is written.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = {
                                @Content(
                                        mediaType = MERGE_PATCH_JSON,
                                        schema = @Schema(implementation = PatchDocument.class)),
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = PatchDocument.class))
                            }))
    ResponseEntity<Finding> patch(
            @PathVariable long id,
            @RequestBody JsonNode body,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            HttpServletRequest request) {
        Finding updated = triage.patch(id, TriagePatch.parse(body), ifMatch, Actor.of(request));
        return ResponseEntity.ok().eTag(Versions.etag(updated.version())).body(updated);
    }

    @GetMapping("/comments")
    @Operation(summary = "List a finding's comments, oldest first")
    List<FindingComment> comments(@PathVariable long id) {
        return triage.comments(id);
    }

    @GetMapping("/history")
    @Operation(
            summary = "List every change of a finding, oldest first",
            description = "Changes by detection runs (DETECTED, UPDATED_BY_DETECTION, NO_LONGER_MATCHING) and by"
                    + " analysts (TRIAGED): who, when, which fields from what to what, and the comment.")
    PagedModel<FindingChange> history(
            @PathVariable long id, @ParameterObject @PageableDefault(size = 50) Pageable pageable) {
        triage.finding(id);
        return new PagedModel<>(changeLog.history(id, pageable));
    }

    /**
     * Optional words for the exclusion's reason.
     *
     * @param note appended to the reason, which always names the finding
     */
    @Schema(description = "Optional: words appended to the exclusion's reason")
    record ExclusionRequest(
            @Schema(example = "Vendor's sync client, confirmed with the desktop team") @Size(max = 500)
            String note) {}

    @PostMapping("/process-exclusion")
    @AnalystAccess
    @Operation(
            summary = "Exclude a false positive's process, scoped to the finding",
            description = "Creates a process exclusion for the finding's process name on its device, under its"
                    + " parent process, with its command line as the pattern (* and ? in it act as wildcards); its"
                    + " reason names the finding. 409 unless the finding's status is FALSE_POSITIVE, or when the same"
                    + " exclusion exists. The next detection run marks the finding as no longer matching.")
    ResponseEntity<ProcessExclusion> excludeProcess(
            @PathVariable long id,
            @Valid @RequestBody(required = false) ExclusionRequest body,
            HttpServletRequest request) {
        ProcessExclusion created = exclusions.create(id, body == null ? null : body.note(), Actor.of(request));
        return ResponseEntity.created(URI.create("/api/v1/settings/process-exclusions/" + created.id()))
                .eTag(Versions.etag(created.version()))
                .body(created);
    }
}
