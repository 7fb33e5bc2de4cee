package dev.fallbackwatch.web;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;

/** Who is making a change, for audit trails and created-by fields. */
public final class Actor {

    /** The name recorded while the request carries no authenticated principal. */
    public static final String ANONYMOUS = "anonymous";

    private Actor() {}

    public static String of(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        return principal == null || principal.getName() == null ? ANONYMOUS : principal.getName();
    }
}
