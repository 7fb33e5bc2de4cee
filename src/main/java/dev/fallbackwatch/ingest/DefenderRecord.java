package dev.fallbackwatch.ingest;

import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** One event record as sent, with Defender's column names looked up case-insensitively. */
final class DefenderRecord {

    private final Map<String, JsonNode> columns = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private DefenderRecord() {}

    static DefenderRecord of(JsonNode object) {
        DefenderRecord record = new DefenderRecord();
        object.forEachEntry(record.columns::put);
        return record;
    }

    /** Returns the column's value, or null when it is absent or JSON null. */
    JsonNode get(String column) {
        JsonNode value = columns.get(column);
        return value == null || value.isNull() ? null : value;
    }

    void putIfAbsent(String column, JsonNode value) {
        if (get(column) == null && value != null) {
            columns.put(column, value);
        }
    }
}
