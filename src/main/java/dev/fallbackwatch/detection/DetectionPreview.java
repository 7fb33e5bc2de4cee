package dev.fallbackwatch.detection;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a detection run with candidate settings would do to the findings of the window, without doing it.
 *
 * @param appear findings a run would create, or raise again after they had stopped matching
 * @param disappear findings a run would mark as no longer matching
 * @param riskChanges findings that would stay with another risk
 * @param unchanged findings that would stay with the same risk
 */
@Schema(description = "What a run with the candidate settings would change, computed without saving anything")
public record DetectionPreview(
        Instant windowStart,
        Instant windowEnd,
        List<Change> appear,
        List<Change> disappear,
        List<Change> riskChanges,
        int unchanged) {

    /**
     * One finding in a preview.
     *
     * @param findingId the stored finding, null for one that would be new
     * @param previousRiskScore the stored risk, for a risk change
     */
    @Schema(description = "A finding a run with the candidate settings would create, mark or re-score")
    public record Change(
            Long findingId,
            String deviceName,
            String accountName,
            String initiatingProcessFileName,
            String initiatingProcessCommandLine,
            Long initiatingProcessId,
            String initiatingProcessParentFileName,
            Instant windowStart,
            int uniqueDestIps,
            int uniqueDestPorts,
            int totalConnections,
            String riskScore,
            String previousRiskScore) {

        Change withStored(long id, String previousRisk) {
            return new Change(
                    id,
                    deviceName,
                    accountName,
                    initiatingProcessFileName,
                    initiatingProcessCommandLine,
                    initiatingProcessId,
                    initiatingProcessParentFileName,
                    windowStart,
                    uniqueDestIps,
                    uniqueDestPorts,
                    totalConnections,
                    riskScore,
                    previousRisk);
        }
    }

    static DetectionPreview compare(
            Instant windowStart,
            Instant windowEnd,
            List<PreviewQueries.Evaluated> evaluated,
            List<PreviewQueries.Stored> stored) {
        Map<PreviewQueries.GroupKey, PreviewQueries.Stored> storedByKey = new HashMap<>();
        stored.forEach(finding -> storedByKey.put(finding.key(), finding));

        List<Change> appear = new ArrayList<>();
        List<Change> riskChanges = new ArrayList<>();
        int unchanged = 0;
        for (PreviewQueries.Evaluated group : evaluated) {
            PreviewQueries.Stored existing = storedByKey.remove(group.key());
            if (existing != null && !existing.updatable()) {
                unchanged++;
            } else if (existing == null || existing.noLongerMatching()) {
                appear.add(existing == null ? group.finding() : group.finding().withStored(existing.id(), null));
            } else if (!existing.finding().riskScore().equals(group.finding().riskScore())) {
                riskChanges.add(group.finding()
                        .withStored(existing.id(), existing.finding().riskScore()));
            } else {
                unchanged++;
            }
        }

        // Stored findings the evaluation did not produce again would be marked as no longer matching.
        List<Change> disappear = storedByKey.values().stream()
                .filter(finding -> finding.updatable() && !finding.noLongerMatching())
                .map(PreviewQueries.Stored::finding)
                .toList();
        return new DetectionPreview(windowStart, windowEnd, appear, disappear, riskChanges, unchanged);
    }
}
