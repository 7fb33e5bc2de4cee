package dev.fallbackwatch.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Enforces the role an endpoint declares before its request body is read, so a caller without the role gets 403
 * rather than a validation answer about a body it may not send. The same annotations also guard the methods
 * themselves; an endpoint that declares no role is refused.
 */
class EndpointRoles implements AuthorizationManager<RequestAuthorizationContext> {

    private final RequestMappingHandlerMapping handlers;

    private final Map<Role, AuthorityAuthorizationManager<RequestAuthorizationContext>> byRole =
            new EnumMap<>(Role.class);

    EndpointRoles(RequestMappingHandlerMapping handlers, RoleHierarchy hierarchy) {
        this.handlers = handlers;
        for (Role role : Role.values()) {
            AuthorityAuthorizationManager<RequestAuthorizationContext> manager =
                    AuthorityAuthorizationManager.hasRole(role.name());
            manager.setRoleHierarchy(hierarchy);
            byRole.put(role, manager);
        }
    }

    @Override
    public AuthorizationResult authorize(
            Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
        Authentication caller = authentication.get();
        if (caller == null || new AuthenticationTrustResolverImpl().isAnonymous(caller) || !caller.isAuthenticated()) {
            return new AuthorizationDecision(false);
        }

        HandlerMethod endpoint = endpoint(context.getRequest());
        if (endpoint == null) {
            // No endpoint matches: let Spring MVC answer 404 or 405 to an authenticated caller.
            return new AuthorizationDecision(true);
        }
        Role required = requiredRole(endpoint);
        return required == null
                ? new AuthorizationDecision(false)
                : byRole.get(required).authorize(authentication, context);
    }

    private HandlerMethod endpoint(HttpServletRequest request) {
        try {
            HandlerExecutionChain chain = handlers.getHandler(request);
            return chain != null && chain.getHandler() instanceof HandlerMethod method ? method : null;
        } catch (Exception ex) {
            return null;
        }
    }

    static Role requiredRole(HandlerMethod endpoint) {
        Role onMethod = declared(endpoint.getMethod());
        return onMethod != null ? onMethod : declared(endpoint.getBeanType());
    }

    private static Role declared(java.lang.reflect.AnnotatedElement element) {
        if (AnnotatedElementUtils.hasAnnotation(element, AdminAccess.class)) {
            return Role.ADMIN;
        }
        if (AnnotatedElementUtils.hasAnnotation(element, AnalystAccess.class)) {
            return Role.ANALYST;
        }
        if (AnnotatedElementUtils.hasAnnotation(element, IngestAccess.class)) {
            return Role.INGEST;
        }
        return null;
    }
}
