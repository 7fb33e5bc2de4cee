package dev.fallbackwatch.findings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Why a finding fired, for the branches the end-to-end tests do not reach. Seeded thresholds throughout. */
class ExplanationTests {

    private static final Thresholds SEEDED = new Thresholds(3, 3, 5, 5, 3, 4, 3, 8, 3);

    @Test
    void namesBothWaysAFindingReachedHigh() {
        Explanation explanation = SEEDED.explain(4, 3, 9, RiskScore.High, 60);

        assertThat(explanation.summary())
                .isEqualTo("4 distinct public destination IPs (threshold 3) and 3 distinct destination ports over 9"
                        + " connections (thresholds 3 ports, 5 connections) in one 60-minute bucket. High: at least 4"
                        + " IPs, and at least 3 ports and 8 connections.");
        assertThat(explanation.thresholdsCrossed())
                .containsExactly(
                        "finding.minDistinctIps",
                        "finding.minDistinctPorts",
                        "finding.minConnections",
                        "high.minDistinctIps",
                        "high.minDistinctPorts",
                        "high.minConnections");
    }

    @Test
    void explainsALowFindingByItsPortsAndConnections() {
        Explanation explanation = SEEDED.explain(2, 3, 5, RiskScore.Low, 30);

        assertThat(explanation.summary())
                .isEqualTo("3 distinct destination ports over 5 connections (thresholds 3 ports, 5 connections) in"
                        + " one 30-minute bucket. Low: below the Medium, High and Critical thresholds.");
        assertThat(explanation.thresholdsCrossed())
                .containsExactly("finding.minDistinctPorts", "finding.minConnections");
    }

    @Test
    void saysSoWhenTheCurrentThresholdsNoLongerExplainAnOldFinding() {
        Thresholds raised = new Thresholds(10, 10, 50, 12, 10, 11, 10, 60, 10);

        Explanation explanation = raised.explain(5, 3, 6, RiskScore.Critical, 60);

        assertThat(explanation.summary())
                .isEqualTo("Below the current finding thresholds; it was raised under earlier settings. Critical under"
                        + " the settings of the run that raised it.");
        assertThat(explanation.thresholdsCrossed()).isEmpty();
    }
}
