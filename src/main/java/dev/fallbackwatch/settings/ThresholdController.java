package dev.fallbackwatch.settings;

import dev.fallbackwatch.security.AdminAccess;
import dev.fallbackwatch.security.AnalystAccess;
import dev.fallbackwatch.web.Actor;
import dev.fallbackwatch.web.Versions;
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

/** The lookback, bucket width and thresholds, as one document. */
@RestController
@RequestMapping("/api/v1/settings/thresholds")
@Tag(name = "Settings", description = "Tune detection: thresholds, ports, exclusions, their audit trail, a preview")
class ThresholdController {

    private final SettingsService settings;

    ThresholdController(SettingsService settings) {
        this.settings = settings;
    }

    @GetMapping
    @AnalystAccess
    @Operation(summary = "Show the thresholds", description = "The ETag header is the version to send in If-Match.")
    ResponseEntity<ThresholdSettings> get() {
        return versioned(settings.thresholds());
    }

    @PutMapping
    @AdminAccess
    @Operation(
            summary = "Replace the thresholds",
            description = "Applies from the next detection run, which re-evaluates the whole lookback window."
                    + " Send If-Match with the ETag you read: 412 when they changed meanwhile.")
    ResponseEntity<ThresholdSettings> put(
            @Valid @RequestBody ThresholdSettings thresholds,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            HttpServletRequest request) {
        return versioned(settings.replaceThresholds(thresholds, ifMatch, Actor.of(request)));
    }

    static <T> ResponseEntity<T> versioned(Versioned<T> setting) {
        return ResponseEntity.ok().eTag(Versions.etag(setting.version())).body(setting.value());
    }
}
