package dev.fallbackwatch.findings;

import dev.fallbackwatch.web.FieldProblem;
import dev.fallbackwatch.web.Problems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A JSON merge patch (RFC 7396) of a finding's triage: a field left out stays as it is, {@code null} clears it.
 *
 * @param status the new status, null to keep it; it cannot be cleared
 * @param assigneeSet whether the patch names an assignee (possibly null, to unassign)
 * @param classificationSet whether the patch names a classification (possibly null, to clear it)
 * @param comment a comment to append to the finding's comments, null for none
 */
record TriagePatch(
        TriageStatus status,
        boolean assigneeSet,
        String assignee,
        boolean classificationSet,
        Classification classification,
        String comment) {

    static final int MAX_ASSIGNEE_LENGTH = 200;

    static final int MAX_COMMENT_LENGTH = 10_000;

    /** Reads a patch body, or throws a 400 problem that names every invalid field. */
    static TriagePatch parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw Problems.badRequest(
                    "malformed-body",
                    "Malformed request body",
                    "Send a JSON object with any of status, assignee, classification and comment.");
        }
        List<FieldProblem> problems = new ArrayList<>();
        for (String field : body.propertyNames()) {
            if (!List.of("status", "assignee", "classification", "comment").contains(field)) {
                problems.add(new FieldProblem(
                        field, "is not a triage field; use status, assignee, classification or comment"));
            }
        }

        TriageStatus status = null;
        if (body.has("status")) {
            status = value(body.get("status"), TriageStatus.class, "status", false, problems);
        }
        String assignee = null;
        if (body.has("assignee") && !body.get("assignee").isNull()) {
            assignee = text(body.get("assignee"), "assignee", MAX_ASSIGNEE_LENGTH, "send null to unassign", problems);
        }
        Classification classification = null;
        if (body.has("classification")) {
            classification = value(body.get("classification"), Classification.class, "classification", true, problems);
        }
        String comment = null;
        if (body.has("comment") && !body.get("comment").isNull()) {
            comment = text(body.get("comment"), "comment", MAX_COMMENT_LENGTH, "leave it out for no comment", problems);
        }

        if (!problems.isEmpty()) {
            throw Problems.invalid(problems);
        }
        return new TriagePatch(
                status, body.has("assignee"), assignee, body.has("classification"), classification, comment);
    }

    private static <E extends Enum<E>> E value(
            JsonNode node, Class<E> type, String field, boolean nullable, List<FieldProblem> problems) {
        String allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        if (node.isNull() && nullable) {
            return null;
        }
        if (node.isString()) {
            String name = node.asString().trim().toUpperCase(Locale.ROOT);
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(name)) {
                    return constant;
                }
            }
        }
        problems.add(
                new FieldProblem(field, "must be one of " + allowed + (node.isNull() ? "; it cannot be cleared" : "")));
        return null;
    }

    private static String text(JsonNode node, String field, int maxLength, String hint, List<FieldProblem> problems) {
        if (!node.isString() || node.asString().isBlank()) {
            problems.add(new FieldProblem(field, "must be non-blank text; " + hint));
            return null;
        }
        String value = node.asString().trim();
        if (value.length() > maxLength) {
            problems.add(new FieldProblem(field, "must be at most " + maxLength + " characters"));
            return null;
        }
        return value;
    }
}
