/**
 * Groups the findings of one process instance (device, process file name, PID) in consecutive buckets into an
 * incident, reopens it when the process keeps misbehaving, and serves incidents over HTTP.
 */
package dev.fallbackwatch.incidents;
