package dev.fallbackwatch.settings;

import dev.fallbackwatch.web.FieldProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * The lookback, the bucket width and the thresholds, shaped like the seed's {@code where} and {@code case}
 * clauses: a finding when IPs &ge; finding.minDistinctIps or (ports &ge; finding.minDistinctPorts and
 * connections &ge; finding.minConnections); Critical when IPs &ge; critical.minDistinctIps and ports &ge;
 * critical.minDistinctPorts; High when IPs &ge; high.minDistinctIps or (ports &ge; high.minDistinctPorts and
 * connections &ge; high.minConnections); Medium when IPs &ge; medium.minDistinctIps; Low otherwise.
 */
@Schema(description = "Lookback, bucket width and the thresholds of the finding condition and the risk levels")
public record ThresholdSettings(
        @Schema(example = "24") @NotNull @Min(1) @Max(MAX_LOOKBACK_HOURS)
        Integer lookbackHours,

        @Schema(example = "60") @NotNull @Min(1) @Max(1440) Integer bucketMinutes,
        @NotNull @Valid Finding finding,
        @NotNull @Valid Critical critical,
        @NotNull @Valid High high,
        @NotNull @Valid Medium medium) {

    static final int MAX_LOOKBACK_HOURS = 168;

    static final int MAX_THRESHOLD = 1_000_000;

    /** When a group becomes a finding. */
    @Schema(name = "FindingThresholds")
    public record Finding(
            @Schema(example = "3") @NotNull @Min(1) @Max(MAX_THRESHOLD)
            Integer minDistinctIps,

            @Schema(example = "3") @NotNull @Min(1) @Max(MAX_THRESHOLD)
            Integer minDistinctPorts,

            @Schema(example = "5") @NotNull @Min(1) @Max(MAX_THRESHOLD)
            Integer minConnections) {}

    /** When a finding is Critical. */
    @Schema(name = "CriticalThresholds")
    public record Critical(
            @Schema(example = "5") @NotNull @Min(1) @Max(MAX_THRESHOLD)
            Integer minDistinctIps,

            @Schema(example = "3") @NotNull @Min(1) @Max(MAX_THRESHOLD)
            Integer minDistinctPorts) {}

    /** When a finding is High. */
    @Schema(name = "HighThresholds")
    public record High(
            @Schema(example = "4") @NotNull @Min(1) @Max(MAX_THRESHOLD)
            Integer minDistinctIps,

            @Schema(example = "3") @NotNull @Min(1) @Max(MAX_THRESHOLD)
            Integer minDistinctPorts,

            @Schema(example = "8") @NotNull @Min(1) @Max(MAX_THRESHOLD)
            Integer minConnections) {}

    /** When a finding is Medium. */
    @Schema(name = "MediumThresholds")
    public record Medium(
            @Schema(example = "3") @NotNull @Min(1) @Max(MAX_THRESHOLD)
            Integer minDistinctIps) {}

    /**
     * The rules between fields, checked after each field is valid on its own: a level must not be easier to
     * reach by distinct addresses than the level below it, a bucket must fit in the lookback, and the lookback in
     * the event retention ({@code maxLookbackHours}).
     */
    List<FieldProblem> inconsistencies(long maxLookbackHours) {
        List<FieldProblem> problems = new ArrayList<>();
        if (lookbackHours > maxLookbackHours) {
            problems.add(new FieldProblem(
                    "lookbackHours",
                    "must not be longer than the event retention (" + maxLookbackHours
                            + " hours, fallbackwatch.retention.events): older events are no longer stored"));
        }
        if (bucketMinutes > lookbackHours * 60) {
            problems.add(new FieldProblem(
                    "bucketMinutes", "must not be longer than the lookback (" + lookbackHours * 60 + " minutes)"));
        }
        if (critical.minDistinctIps() < high.minDistinctIps()) {
            problems.add(new FieldProblem(
                    "critical.minDistinctIps",
                    "must be at least high.minDistinctIps (" + high.minDistinctIps()
                            + "): Critical must not be easier to reach than High"));
        }
        if (high.minDistinctIps() < medium.minDistinctIps()) {
            problems.add(new FieldProblem(
                    "high.minDistinctIps",
                    "must be at least medium.minDistinctIps (" + medium.minDistinctIps()
                            + "): High must not be easier to reach than Medium"));
        }
        return problems;
    }
}
