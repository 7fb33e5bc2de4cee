package dev.fallbackwatch.findings;

/** An analyst's verdict on a finding, with the values Microsoft Defender XDR uses for alerts. */
public enum Classification {
    TRUE_POSITIVE,
    INFORMATIONAL_EXPECTED_ACTIVITY,
    FALSE_POSITIVE
}
