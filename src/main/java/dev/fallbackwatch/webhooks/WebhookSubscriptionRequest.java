package dev.fallbackwatch.webhooks;

import dev.fallbackwatch.findings.RiskScore;
import dev.fallbackwatch.web.FieldProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A webhook subscription as an admin writes it. */
@Schema(description = "A webhook subscription to create or replace")
record WebhookSubscriptionRequest(
        @Schema(
                example = "https://soar.contoso.com/hooks/fallback-watch",
                requiredMode = Schema.RequiredMode.REQUIRED,
                description = "http or https; without user info (put credentials in the secret's place, not the URL)")
        String url,

        @Schema(
                description = "Key of the HMAC-SHA256 signature, 16 to 256 characters; write-only. Required to create,"
                        + " optional to replace (left out, the secret stays).",
                example = "change-me-to-32-random-characters")
        String secret,

        @Schema(description = "Lowest risk to deliver, any case; default Low", example = "High")
        String minRisk,

        @Schema(
                requiredMode = Schema.RequiredMode.REQUIRED,
                description =
                        "finding.created, finding.updated, incident.created, incident.updated," + " incident.reopened",
                example = "[\"finding.created\", \"incident.created\", \"incident.reopened\"]")
        List<String> eventTypes) {

    static final int MIN_SECRET_LENGTH = 16;

    static final int MAX_SECRET_LENGTH = 256;

    static final int MAX_URL_LENGTH = 2000;

    /** The request checked field by field. */
    record Checked(String url, String secret, RiskScore minRisk, List<String> eventTypes) {}

    /**
     * Checks every field and lists what is wrong.
     *
     * @param secretRequired true to create, false to replace (an absent secret keeps the stored one)
     */
    Checked check(boolean secretRequired, List<FieldProblem> problems) {
        return new Checked(
                checkUrl(problems), checkSecret(secretRequired, problems), checkRisk(problems), checkTypes(problems));
    }

    private String checkUrl(List<FieldProblem> problems) {
        if (url == null || url.isBlank()) {
            problems.add(new FieldProblem("url", "is required"));
            return null;
        }
        String trimmed = url.trim();
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                problems.add(new FieldProblem("url", "must be an absolute http or https URL with a host"));
            } else if (uri.getUserInfo() != null) {
                problems.add(new FieldProblem("url", "must not carry user info; the API would show it to readers"));
            } else if (uri.getFragment() != null) {
                problems.add(new FieldProblem("url", "must not have a fragment"));
            } else if (trimmed.length() > MAX_URL_LENGTH) {
                problems.add(new FieldProblem("url", "must be at most " + MAX_URL_LENGTH + " characters"));
            }
        } catch (URISyntaxException ex) {
            problems.add(new FieldProblem("url", "is not a valid URL"));
        }
        return trimmed;
    }

    private String checkSecret(boolean required, List<FieldProblem> problems) {
        if (secret == null) {
            if (required) {
                problems.add(new FieldProblem("secret", "is required"));
            }
            return null;
        }
        if (secret.length() < MIN_SECRET_LENGTH || secret.length() > MAX_SECRET_LENGTH) {
            problems.add(new FieldProblem(
                    "secret",
                    "must be " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " characters; use a random one"));
        }
        if (WebhookSecrets.isSealed(secret)) {
            problems.add(new FieldProblem(
                    "secret",
                    "must not start with '" + WebhookSecrets.SEALED_PREFIX + "', which marks stored ciphertext"));
        }
        return secret;
    }

    private RiskScore checkRisk(List<FieldProblem> problems) {
        if (minRisk == null || minRisk.isBlank()) {
            return RiskScore.Low;
        }
        for (RiskScore risk : RiskScore.values()) {
            if (risk.name().equalsIgnoreCase(minRisk.trim())) {
                return risk;
            }
        }
        problems.add(new FieldProblem("minRisk", "must be Critical, High, Medium or Low"));
        return null;
    }

    private List<String> checkTypes(List<FieldProblem> problems) {
        if (eventTypes == null || eventTypes.isEmpty()) {
            problems.add(new FieldProblem("eventTypes", "must name at least one of " + WebhookEventType.allNames()));
            return List.of();
        }
        List<String> types = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < eventTypes.size(); i++) {
            String type = eventTypes.get(i);
            if (type == null || WebhookEventType.of(type).isEmpty()) {
                problems.add(
                        new FieldProblem("eventTypes[" + i + "]", "must be one of " + WebhookEventType.allNames()));
            } else if (!seen.add(type)) {
                problems.add(new FieldProblem("eventTypes[" + i + "]", "is listed twice"));
            } else {
                types.add(type);
            }
        }
        return types;
    }
}
