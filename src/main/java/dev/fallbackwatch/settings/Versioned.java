package dev.fallbackwatch.settings;

/** A setting together with the version its ETag is made of. */
record Versioned<T>(T value, long version) {}
