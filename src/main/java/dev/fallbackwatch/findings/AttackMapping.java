package dev.fallbackwatch.findings;

import io.swagger.v3.oas.annotations.media.Schema;

/** Where a finding sits in MITRE ATT&CK. */
@Schema(description = "MITRE ATT&CK technique and tactic")
public record AttackMapping(
        @Schema(example = "T1008") String techniqueId,
        @Schema(example = "Fallback Channels") String techniqueName,
        @Schema(example = "TA0011") String tacticId,
        @Schema(example = "Command and Control") String tacticName,

        @Schema(example = "https://attack.mitre.org/techniques/T1008/")
        String url) {

    static final AttackMapping FALLBACK_CHANNELS = new AttackMapping(
            "T1008",
            "Fallback Channels",
            "TA0011",
            "Command and Control",
            "https://attack.mitre.org/techniques/T1008/");

    /** The mapping of a stored technique id; every finding this service raises is T1008. */
    static AttackMapping of(String techniqueId) {
        return FALLBACK_CHANNELS.techniqueId().equals(techniqueId)
                ? FALLBACK_CHANNELS
                : new AttackMapping(techniqueId, null, null, null, null);
    }
}
