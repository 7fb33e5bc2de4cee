/** What every HTTP endpoint shares: RFC 9457 problem responses and the OpenAPI description. */
package dev.fallbackwatch.web;
