/** Serves the findings detection raised: one per process instance and hour bucket, with the seed's columns. */
package dev.fallbackwatch.findings;
