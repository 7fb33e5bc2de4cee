package dev.fallbackwatch.settings;

import dev.fallbackwatch.security.AdminAccess;
import dev.fallbackwatch.security.AnalystAccess;
import dev.fallbackwatch.web.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The remote ports detection looks at. */
@RestController
@RequestMapping("/api/v1/settings/ports")
@Tag(name = "Settings")
class PortController {

    private final SettingsService settings;

    PortController(SettingsService settings) {
        this.settings = settings;
    }

    @GetMapping
    @AnalystAccess
    @Operation(summary = "Show the port list", description = "The ETag header is the version to send in If-Match.")
    ResponseEntity<PortList> get() {
        return ThresholdController.versioned(settings.ports());
    }

    @PutMapping
    @AdminAccess
    @Operation(
            summary = "Replace the port list",
            description = "1 to 65535, no duplicates, not empty. Send If-Match with the ETag you read: 412 when the"
                    + " list changed meanwhile.")
    ResponseEntity<PortList> put(
            @Valid @RequestBody PortList ports,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            HttpServletRequest request) {
        return ThresholdController.versioned(settings.replacePorts(ports, ifMatch, Actor.of(request)));
    }
}
