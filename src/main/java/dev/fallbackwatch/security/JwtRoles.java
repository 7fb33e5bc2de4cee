package dev.fallbackwatch.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Maps the roles an identity provider puts in an access token to this service's roles. The claim is configurable
 * and may be nested ({@code realm_access.roles}); values match role names case-insensitively, with or without a
 * {@code ROLE_} prefix, and values that are not roles of this service are ignored.
 */
class JwtRoles implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String claimPath;

    JwtRoles(String claimPath) {
        this.claimPath = claimPath;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (String value : values(jwt)) {
            String name = value.toUpperCase(Locale.ROOT).replaceFirst("^ROLE_", "");
            for (Role role : Role.values()) {
                if (role.name().equals(name)) {
                    authorities.add(new SimpleGrantedAuthority("ROLE_" + role.name()));
                }
            }
        }
        String principal =
                jwt.hasClaim("preferred_username") ? jwt.getClaimAsString("preferred_username") : jwt.getSubject();
        return new JwtAuthenticationToken(jwt, authorities, principal);
    }

    private List<String> values(Jwt jwt) {
        Object node = jwt.getClaims();
        for (String part : claimPath.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return List.of();
            }
            node = map.get(part);
        }
        if (node instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        if (node instanceof String text) {
            return List.of(text.split("[\\s,]+"));
        }
        return List.of();
    }
}
