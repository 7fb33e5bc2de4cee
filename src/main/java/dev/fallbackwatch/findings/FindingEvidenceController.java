package dev.fallbackwatch.findings;

import dev.fallbackwatch.security.AnalystAccess;
import dev.fallbackwatch.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PageableDefault;
import org.springframework.data.web.PagedModel;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The events behind a finding, so an analyst sees the fallback sequence. */
@RestController
@AnalystAccess
@RequestMapping("/api/v1/findings/{id}/events")
@Tag(name = "Findings")
class FindingEvidenceController {

    private final TriageService triage;

    private final FindingEventRepository events;

    private final Clock clock;

    FindingEvidenceController(TriageService triage, FindingEventRepository events, Clock clock) {
        this.triage = triage;
        this.events = events;
        this.clock = clock;
    }

    @GetMapping
    @Operation(
            summary = "Page through the events behind a finding, in time order",
            description = "The events of the finding's process instance (device, account, process file name, command"
                    + " line, process id, parent) within its bucket that pass detection's filters with the current"
                    + " settings: public address, a watched port, no active exclusion. newAddress marks the first"
                    + " contact with an address: which destination failed, which came next.")
    PagedModel<FindingEvent> list(
            @PathVariable long id, @ParameterObject @PageableDefault(size = 100) Pageable pageable) {
        if (pageable.getSort().isSorted()) {
            throw Problems.badRequest(
                    "invalid-sort",
                    "Invalid sort property",
                    "The events behind a finding are always in time order; leave out sort.");
        }
        triage.finding(id);
        return new PagedModel<>(events.find(id, clock.instant(), pageable));
    }
}
