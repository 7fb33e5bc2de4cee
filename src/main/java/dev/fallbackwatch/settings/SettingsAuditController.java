package dev.fallbackwatch.settings;

import dev.fallbackwatch.security.AdminAccess;
import dev.fallbackwatch.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PageableDefault;
import org.springframework.data.web.PagedModel;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Every change to any setting, newest first. */
@RestController
@AdminAccess
@RequestMapping("/api/v1/settings/audit")
@Tag(name = "Settings")
class SettingsAuditController {

    private final SettingsAudit audit;

    SettingsAuditController(SettingsAudit audit) {
        this.audit = audit;
    }

    @GetMapping
    @Operation(summary = "List settings changes, newest first", description = "Who, when, what, before and after.")
    PagedModel<AuditEntry> list(
            @Parameter(
                            description = "Only changes of this resource: thresholds, ports, process-exclusions,"
                                    + " destination-exclusions")
                    @RequestParam(required = false)
                    String resource,
            @ParameterObject @PageableDefault(size = 20) Pageable pageable) {
        if (resource != null
                && Arrays.stream(SettingsAudit.Resource.values())
                        .noneMatch(r -> r.path().equals(resource))) {
            throw Problems.badRequest(
                    "invalid-parameter",
                    "Invalid parameter",
                    "Unknown resource '" + resource + "'; use thresholds, ports, process-exclusions or"
                            + " destination-exclusions.");
        }
        return new PagedModel<>(audit.find(resource, pageable));
    }
}
