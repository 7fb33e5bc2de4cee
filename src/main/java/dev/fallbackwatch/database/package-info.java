/** Starts a real PostgreSQL inside the service when no external database is configured. */
package dev.fallbackwatch.database;
