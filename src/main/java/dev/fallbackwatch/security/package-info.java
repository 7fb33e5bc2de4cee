/**
 * Who may do what: roles per endpoint, API keys for machines, OIDC bearer tokens for people, and the first
 * admin key.
 */
package dev.fallbackwatch.security;
