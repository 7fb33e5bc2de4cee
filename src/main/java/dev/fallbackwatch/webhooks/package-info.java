/**
 * Pushes new and changed findings and incidents to subscribers: subscriptions, a transactional outbox of signed
 * deliveries in PostgreSQL, and a dispatcher that sends them with retries and exponential backoff.
 */
package dev.fallbackwatch.webhooks;
