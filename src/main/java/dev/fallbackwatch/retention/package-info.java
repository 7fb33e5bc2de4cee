/**
 * Keeps the events table partitioned by day: creates the partitions ahead of time and drops the ones past the
 * retention.
 */
package dev.fallbackwatch.retention;
