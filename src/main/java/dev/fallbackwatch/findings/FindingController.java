package dev.fallbackwatch.findings;

import dev.fallbackwatch.security.AnalystAccess;
import dev.fallbackwatch.web.Problems;
import dev.fallbackwatch.web.Versions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
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

/** Lets analysts and SOAR platforms read findings. */
@RestController
@AnalystAccess
@RequestMapping("/api/v1/findings")
@Tag(name = "Findings", description = "Processes that fell back across destinations, ports or protocols")
class FindingController {

    private final FindingRepository findings;

    FindingController(FindingRepository findings) {
        this.findings = findings;
    }

    @GetMapping
    @Operation(
            summary = "List findings",
            description = "Sorted like the seed query (uniqueDestIps desc, uniqueDestPorts desc) unless sort is"
                    + " given. Sortable: " + "uniqueDestIps, uniqueDestPorts, totalConnections, connectionSpanMinutes,"
                    + " firstSeen, lastSeen, windowStart, detectedAt, updatedAt, deviceName, accountName,"
                    + " initiatingProcessFileName, riskScore, id.")
    PagedModel<Finding> list(
            @Parameter(description = "Risk levels to keep: Critical, High, Medium, Low (any case)")
                    @RequestParam(required = false)
                    List<String> risk,
            @Parameter(
                            description = "true: only findings that still cross the thresholds; false: only those a"
                                    + " settings change made stop matching; absent: both")
                    @RequestParam(required = false)
                    Boolean matching,
            @Parameter(description = "Device name, exact and case-insensitive") @RequestParam(required = false)
                    String deviceName,
            @Parameter(description = "Account name, exact and case-insensitive") @RequestParam(required = false)
                    String accountName,
            @Parameter(description = "Initiating process file name, exact and case-insensitive")
                    @RequestParam(required = false)
                    String initiatingProcessFileName,
            @Parameter(description = "Keep findings active at or after this instant (lastSeen >= from)")
                    @RequestParam(required = false)
                    Instant from,
            @Parameter(description = "Keep findings active before this instant (firstSeen < to)")
                    @RequestParam(required = false)
                    Instant to,
            @Parameter(
                            description =
                                    "Triage states to keep (repeatable, any case): NEW, ACKNOWLEDGED, IN_PROGRESS,"
                                            + " RESOLVED, FALSE_POSITIVE")
                    @RequestParam(required = false)
                    List<String> status,
            @Parameter(description = "Assignee, exact and case-insensitive") @RequestParam(required = false)
                    String assignee,
            @ParameterObject @PageableDefault(size = 20) Pageable pageable) {
        checkSort(pageable.getSort());
        if (from != null && to != null && !from.isBefore(to)) {
            throw Problems.badRequest("invalid-time-range", "Invalid time range", "'from' must be before 'to'.");
        }

        FindingFilter filter = new FindingFilter(
                risks(risk),
                matching,
                blankToNull(deviceName),
                blankToNull(accountName),
                blankToNull(initiatingProcessFileName),
                from,
                to,
                statuses(status),
                blankToNull(assignee));
        return new PagedModel<>(findings.find(filter, pageable));
    }

    @GetMapping("/{id}")
    @Operation(
            summary = "Show one finding",
            description = "Its ETag is its version, for If-Match on PATCH /api/v1/findings/{id}.")
    ResponseEntity<Finding> get(@PathVariable long id) {
        Finding finding = findings.findById(id).orElseThrow(() -> Problems.notFound("Finding", id));
        return ResponseEntity.ok().eTag(Versions.etag(finding.version())).body(finding);
    }

    private static void checkSort(Sort sort) {
        for (Sort.Order order : sort) {
            if (!FindingRepository.SORTABLE.containsKey(order.getProperty())) {
                throw Problems.badRequest(
                        "invalid-sort",
                        "Invalid sort property",
                        "Cannot sort by '" + order.getProperty() + "'; use one of "
                                + String.join(
                                        ", ",
                                        FindingRepository.SORTABLE.keySet().stream()
                                                .sorted()
                                                .toList())
                                + ".");
            }
        }
    }

    private static Set<RiskScore> risks(List<String> values) {
        Set<RiskScore> risks = EnumSet.noneOf(RiskScore.class);
        if (values == null) {
            return risks;
        }
        for (String value : values) {
            risks.add(risk(value.trim()));
        }
        return risks;
    }

    private static Set<TriageStatus> statuses(List<String> values) {
        Set<TriageStatus> statuses = EnumSet.noneOf(TriageStatus.class);
        if (values == null) {
            return statuses;
        }
        for (String value : values) {
            String name = value.trim().toUpperCase(Locale.ROOT);
            TriageStatus status = Arrays.stream(TriageStatus.values())
                    .filter(candidate -> candidate.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> Problems.badRequest(
                            "invalid-status",
                            "Invalid status",
                            "Unknown status '" + value + "'; use NEW, ACKNOWLEDGED, IN_PROGRESS, RESOLVED or"
                                    + " FALSE_POSITIVE."));
            statuses.add(status);
        }
        return statuses;
    }

    private static RiskScore risk(String value) {
        for (RiskScore risk : RiskScore.values()) {
            if (risk.name().toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return risk;
            }
        }
        throw Problems.badRequest(
                "invalid-risk",
                "Invalid risk level",
                "Unknown risk '" + value + "'; use Critical, High, Medium or Low.");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
