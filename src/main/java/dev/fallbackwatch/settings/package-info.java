/**
 * The detection settings admins tune over HTTP: thresholds, the port list, process and destination exclusions,
 * each change versioned and audited, and a preview of a change's effect before it is made.
 */
package dev.fallbackwatch.settings;
