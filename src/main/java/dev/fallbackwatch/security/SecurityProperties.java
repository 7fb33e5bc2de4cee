package dev.fallbackwatch.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Authentication settings.
 *
 * @param adminKey the first admin API key, for example from a Kubernetes Secret; stored only as a hash. When it
 *     is empty and the service runs on its embedded database without any admin key, one is generated and written
 *     to {@code <data-directory>/admin-api-key}
 * @param rolesClaim the claim of an OIDC access token that lists roles; a dotted path reaches nested claims such
 *     as Keycloak's {@code realm_access.roles}
 */
@ConfigurationProperties("fallbackwatch.security")
public record SecurityProperties(
        String adminKey, @DefaultValue("roles") String rolesClaim) {}
