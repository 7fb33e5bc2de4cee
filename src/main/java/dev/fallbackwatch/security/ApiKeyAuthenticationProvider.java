package dev.fallbackwatch.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/** Authenticates {@code Authorization: Bearer fw_…} with a live API key. */
class ApiKeyAuthenticationProvider implements AuthenticationProvider {

    private final ApiKeyStore keys;

    ApiKeyAuthenticationProvider(ApiKeyStore keys) {
        this.keys = keys;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        ApiKey key = keys.findActive(token)
                .orElseThrow(() -> new BadCredentialsException("The API key is unknown, expired or revoked"));
        keys.touch(key.id());
        return new ApiKeyAuthentication(key);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /** An authenticated API key; its name, prefixed, is the principal the audit trail records. */
    static final class ApiKeyAuthentication extends AbstractAuthenticationToken {

        private final ApiKey key;

        ApiKeyAuthentication(ApiKey key) {
            super(List.copyOf(key.roles().stream()
                    .map(role -> new SimpleGrantedAuthority("ROLE_" + role.name()))
                    .toList()));
            this.key = key;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return key;
        }

        @Override
        public String getName() {
            return "api-key:" + key.name();
        }
    }
}
