package dev.fallbackwatch.incidents;

import dev.fallbackwatch.findings.FindingRepository;
import dev.fallbackwatch.findings.RiskScore;
import dev.fallbackwatch.security.AnalystAccess;
import dev.fallbackwatch.web.Problems;
import dev.fallbackwatch.web.Versions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.web.PageableDefault;
import org.springframework.data.web.PagedModel;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Lets analysts and SOAR platforms read incidents: one per process instance misbehaving over consecutive hours. */
@RestController
@AnalystAccess
@RequestMapping("/api/v1/incidents")
@Tag(name = "Incidents", description = "Consecutive findings of one process instance, grouped")
class IncidentController {

    private final IncidentRepository incidents;

    private final FindingRepository findings;

    IncidentController(IncidentRepository incidents, FindingRepository findings) {
        this.incidents = incidents;
        this.findings = findings;
    }

    @GetMapping
    @Operation(
            summary = "List incidents",
            description = "Most recent activity first (lastSeen desc) unless sort is given. Sortable: firstSeen,"
                    + " lastSeen, highestRisk, findingCount, id.")
    PagedModel<Incident> list(
            @Parameter(description = "Statuses to keep (repeatable, any case): OPEN, RESOLVED")
                    @RequestParam(required = false)
                    List<String> status,
            @Parameter(description = "Highest risk levels to keep (repeatable, any case): Critical, High, Medium, Low")
                    @RequestParam(required = false)
                    List<String> risk,
            @Parameter(description = "Device name, exact and case-insensitive") @RequestParam(required = false)
                    String deviceName,
            @ParameterObject @PageableDefault(size = 20) Pageable pageable) {
        checkSort(pageable.getSort());
        IncidentFilter filter = new IncidentFilter(
                parse(status, IncidentStatus.class, "invalid-status", "Invalid status", "OPEN or RESOLVED"),
                parse(risk, RiskScore.class, "invalid-risk", "Invalid risk level", "Critical, High, Medium or Low"),
                deviceName == null || deviceName.isBlank() ? null : deviceName.trim());
        return new PagedModel<>(incidents.find(filter, pageable));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Show one incident with its findings, in time order")
    ResponseEntity<Incident> get(@PathVariable long id) {
        Incident incident = incidents.findById(id).orElseThrow(() -> Problems.notFound("Incident", id));
        return ResponseEntity.ok()
                .eTag(Versions.etag(incident.version()))
                .body(incident.withFindings(findings.findByIncident(id)));
    }

    private static void checkSort(Sort sort) {
        for (Sort.Order order : sort) {
            if (!IncidentRepository.SORTABLE.containsKey(order.getProperty())) {
                throw Problems.badRequest(
                        "invalid-sort",
                        "Invalid sort property",
                        "Cannot sort by '" + order.getProperty() + "'; use one of "
                                + String.join(
                                        ", ",
                                        IncidentRepository.sortable().stream()
                                                .sorted()
                                                .toList())
                                + ".");
            }
        }
    }

    private static <E extends Enum<E>> Set<E> parse(
            List<String> values, Class<E> type, String slug, String title, String allowed) {
        Set<E> parsed = EnumSet.noneOf(type);
        if (values == null) {
            return parsed;
        }
        for (String value : values) {
            String wanted = value.trim().toLowerCase(Locale.ROOT);
            parsed.add(Arrays.stream(type.getEnumConstants())
                    .filter(constant -> constant.name().toLowerCase(Locale.ROOT).equals(wanted))
                    .findFirst()
                    .orElseThrow(() ->
                            Problems.badRequest(slug, title, "Unknown value '" + value + "'; use " + allowed + ".")));
        }
        return parsed;
    }
}
