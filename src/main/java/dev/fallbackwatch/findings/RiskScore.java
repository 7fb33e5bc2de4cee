package dev.fallbackwatch.findings;

/** The seed's four risk levels, from the most to the least severe. */
public enum RiskScore {
    Critical,
    High,
    Medium,
    Low
}
