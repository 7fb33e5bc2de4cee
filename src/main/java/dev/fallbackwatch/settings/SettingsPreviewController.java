package dev.fallbackwatch.settings;

import dev.fallbackwatch.detection.DetectionPreview;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.security.AdminAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Shows what candidate settings would change before anyone saves them. */
@RestController
@AdminAccess
@RequestMapping("/api/v1/settings/preview")
@Tag(name = "Settings")
class SettingsPreviewController {

    private final SettingsService settings;

    private final DetectionService detection;

    SettingsPreviewController(SettingsService settings, DetectionService detection) {
        this.settings = settings;
        this.detection = detection;
    }

    @PostMapping
    @Operation(
            summary = "Preview candidate settings",
            description = "Evaluates the lookback window with the candidate settings and answers which findings"
                    + " would appear, disappear (be marked as no longer matching) or change risk. Nothing is saved:"
                    + " the evaluation runs the detection query inside a transaction that is rolled back.")
    DetectionPreview preview(@Valid @RequestBody SettingsPreviewRequest candidate) {
        SettingsPreviewRequest checked = settings.checked(candidate);
        return detection.preview(() -> settings.applyCandidate(checked), checked.windowEnd());
    }
}
