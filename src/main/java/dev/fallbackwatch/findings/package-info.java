/**
 * Serves the findings detection raised, one per process instance and hour bucket, and the work on them: triage
 * with a recorded history, the events behind each finding, a change feed, and exclusions from false positives.
 */
package dev.fallbackwatch.findings;
