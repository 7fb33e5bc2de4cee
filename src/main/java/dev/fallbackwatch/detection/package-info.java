/**
 * Runs the T1008 aggregation over the lookback window, on a schedule or on request, and records each run with
 * its figures.
 */
package dev.fallbackwatch.detection;
