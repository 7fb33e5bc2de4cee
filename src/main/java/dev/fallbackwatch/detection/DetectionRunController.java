package dev.fallbackwatch.detection;

import dev.fallbackwatch.security.AdminAccess;
import dev.fallbackwatch.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Starts detection runs on request and shows past runs. */
@RestController
@AdminAccess
@RequestMapping("/api/v1/detection/runs")
@Tag(name = "Detection runs", description = "Run the T1008 aggregation now and follow its progress")
class DetectionRunController {

    private final DetectionService detection;

    private final DetectionRunRepository runs;

    DetectionRunController(DetectionService detection, DetectionRunRepository runs) {
        this.detection = detection;
        this.runs = runs;
    }

    /**
     * What to evaluate.
     *
     * @param windowEnd end of the window; omitted means now
     * @param evaluation {@code FULL} (the default) or {@code INCREMENTAL}
     */
    @Schema(description = "Optional: evaluate a past window instead of the one ending now, or only what is new")
    record RunRequest(
            @Schema(
                    description = "End of the window (inclusive); the window starts one lookback earlier."
                            + " Omit to evaluate the window ending now.",
                    example = "2026-12-01T00:00:00Z")
            Instant windowEnd,

            @Schema(
                    description = "FULL (default) evaluates the whole window. INCREMENTAL evaluates only the device"
                            + " buckets that received events since the previous run, as scheduled runs do; the"
                            + " run still evaluates in full when the settings changed, an exclusion expired or a"
                            + " windowEnd is given.",
                    example = "FULL")
            DetectionRun.Evaluation evaluation) {

        boolean fullRequested() {
            return evaluation != DetectionRun.Evaluation.INCREMENTAL;
        }
    }

    @PostMapping
    @Operation(
            summary = "Start a detection run now",
            description = "Answers 202 at once with the run and its Location; poll it until status is SUCCEEDED or"
                    + " FAILED. Runs of every instance execute one at a time.")
    ResponseEntity<DetectionRun> start(@RequestBody(required = false) RunRequest request) {
        DetectionRun run = request == null
                ? detection.submit(null, true)
                : detection.submit(request.windowEnd(), request.fullRequested());
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/detection/runs/" + run.id()))
                .body(run);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Show one detection run")
    DetectionRun get(@PathVariable long id) {
        return runs.findById(id).orElseThrow(() -> Problems.notFound("Detection run", id));
    }

    @GetMapping
    @Operation(summary = "List recent detection runs, newest first")
    List<DetectionRun> list(
            @Parameter(description = "How many runs to return") @RequestParam(defaultValue = "20") @Min(1) @Max(500)
                    int limit) {
        return runs.findRecent(limit);
    }
}
