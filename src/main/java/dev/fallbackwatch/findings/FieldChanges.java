package dev.fallbackwatch.findings;

import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The fields that differ between two states of a finding, as {@code {"field": {"from": …, "to": …}}}. */
final class FieldChanges {

    /** Fields that change with every change and would only repeat it. */
    private static final Set<String> BOOKKEEPING = Set.of("version", "updatedAt");

    private FieldChanges() {}

    /**
     * Compares two states of a finding field by field.
     *
     * @param before the state before, null for a finding that had none recorded: nothing to compare
     */
    static ObjectNode between(JsonNode before, JsonNode after) {
        ObjectNode changes = JsonNodeFactory.instance.objectNode();
        if (before == null) {
            return changes;
        }
        for (String field : after.propertyNames()) {
            JsonNode from = before.get(field);
            JsonNode to = after.get(field);
            if (!BOOKKEEPING.contains(field) && !Objects.equals(from, to)) {
                ObjectNode change = changes.putObject(field);
                change.set("from", from == null ? JsonNodeFactory.instance.nullNode() : from);
                change.set("to", to);
            }
        }
        return changes;
    }
}
