package dev.fallbackwatch.settings;

/** Optional text fields: blank means absent. */
final class Blank {

    private Blank() {}

    static String toNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
