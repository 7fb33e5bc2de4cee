/**
 * Takes Defender {@code DeviceNetworkEvents} records over REST, validates them one by one and stores the valid
 * ones with PostgreSQL COPY, exactly once per event identity.
 */
package dev.fallbackwatch.ingest;
