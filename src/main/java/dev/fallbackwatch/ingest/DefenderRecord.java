package dev.fallbackwatch.ingest;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * One event record as sent, with Defender's column names looked up case-insensitively. Names are kept in lower
 * case in a hash map: a record has some 25 columns and every one is looked up, once per event.
 */
final class DefenderRecord {

    /**
     * Lower-case forms of the column names seen so far. Senders repeat the same few dozen names in every record,
     * so lower-casing each name once saves an allocation per column of every event; the cap keeps a sender that
     * invents names from growing it.
     */
    private static final int MAX_CACHED_NAMES = 1024;

    private static final Map<String, String> LOWER_CASE_NAMES = new ConcurrentHashMap<>();

    private final Map<String, JsonNode> columns = new HashMap<>(64);

    private DefenderRecord() {}

    static DefenderRecord of(JsonNode object) {
        DefenderRecord record = new DefenderRecord();
        object.forEachEntry((name, value) -> record.columns.put(key(name), value));
        return record;
    }

    /** Returns the column's value, or null when it is absent or JSON null. */
    JsonNode get(String column) {
        JsonNode value = columns.get(key(column));
        return value == null || value.isNull() ? null : value;
    }

    void putIfAbsent(String column, JsonNode value) {
        if (get(column) == null && value != null) {
            columns.put(key(column), value);
        }
    }

    private static String key(String column) {
        String cached = LOWER_CASE_NAMES.get(column);
        if (cached != null) {
            return cached;
        }
        String lowerCase = column.toLowerCase(Locale.ROOT);
        if (LOWER_CASE_NAMES.size() < MAX_CACHED_NAMES) {
            LOWER_CASE_NAMES.put(column, lowerCase);
        }
        return lowerCase;
    }
}
