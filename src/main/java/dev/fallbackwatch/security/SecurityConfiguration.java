package dev.fallbackwatch.security;

import dev.fallbackwatch.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.ObjectMapper;

/**
 * Deny by default: every API call needs a bearer credential, and each endpoint declares its role with
 * {@link IngestAccess}, {@link AnalystAccess} or {@link AdminAccess}. Probes and the API description stay open.
 * A bearer credential is an API key when it starts with {@code fw_}, otherwise an OIDC access token, accepted
 * only when an issuer or key is configured under {@code spring.security.oauth2.resourceserver.jwt}.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(
            HttpSecurity http,
            AuthenticationManagerResolver<HttpServletRequest> bearer,
            ObjectMapper json,
            @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping handlers,
            RoleHierarchy roleHierarchy)
            throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests.requestMatchers(
                                "/actuator/health", "/actuator/health/**", "/v3/api-docs", "/v3/api-docs/**")
                        .permitAll()
                        .requestMatchers("/swagger-ui.html", "/swagger-ui/**", "/error")
                        .permitAll()
                        .requestMatchers("/actuator/**")
                        .hasRole(Role.ANALYST.name())
                        .anyRequest()
                        .access(new EndpointRoles(handlers, roleHierarchy)))
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationManagerResolver(bearer)
                        .bearerTokenResolver(bearerTokens())
                        .authenticationEntryPoint((request, response, ex) -> problem(
                                json,
                                response,
                                HttpStatus.UNAUTHORIZED,
                                "unauthenticated",
                                "Authentication required",
                                "Send Authorization: Bearer with a valid API key or access token; the one sent is"
                                        + " missing, unknown, expired or revoked.")))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint((request, response, ex) -> problem(
                                json,
                                response,
                                HttpStatus.UNAUTHORIZED,
                                "unauthenticated",
                                "Authentication required",
                                "Send Authorization: Bearer with a valid API key or access token."))
                        .accessDeniedHandler((request, response, ex) -> problem(
                                json,
                                response,
                                HttpStatus.FORBIDDEN,
                                "forbidden",
                                "Forbidden",
                                "The credential is valid but lacks the role this endpoint needs.")));
        return http.build();
    }

    /** ADMIN may do what ANALYST and INGEST may. */
    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(Role.ADMIN.name())
                .implies(Role.ANALYST.name(), Role.INGEST.name())
                .build();
    }

    @Bean
    AuthenticationManagerResolver<HttpServletRequest> bearerAuthentication(
            ApiKeyStore keys, ObjectProvider<JwtDecoder> jwtDecoder, SecurityProperties properties) {
        AuthenticationManager apiKeys = new ProviderManager(new ApiKeyAuthenticationProvider(keys));
        JwtDecoder decoder = jwtDecoder.getIfAvailable();
        AuthenticationManager tokens;
        if (decoder == null) {
            tokens = authentication -> {
                throw new BadCredentialsException("No identity provider is configured for access tokens");
            };
        } else {
            JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
            provider.setJwtAuthenticationConverter(new JwtRoles(properties.rolesClaim()));
            tokens = new ProviderManager(provider);
        }
        return request -> authentication -> {
            String token = ((BearerTokenAuthenticationToken) authentication).getToken();
            return ApiKeySecret.looksLikeKey(token)
                    ? apiKeys.authenticate(authentication)
                    : tokens.authenticate(authentication);
        };
    }

    private static BearerTokenResolver bearerTokens() {
        DefaultBearerTokenResolver resolver = new DefaultBearerTokenResolver();
        resolver.setAllowUriQueryParameter(false);
        return resolver;
    }

    private static void problem(
            ObjectMapper json,
            HttpServletResponse response,
            HttpStatus status,
            String slug,
            String title,
            String detail)
            throws IOException {
        ProblemDetail problem = Problems.detail(status, slug, title, detail);
        Problems.addCorrelationId(problem);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        json.writeValue(response.getOutputStream(), problem);
    }
}
