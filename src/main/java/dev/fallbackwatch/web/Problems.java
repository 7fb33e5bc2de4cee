package dev.fallbackwatch.web;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Builds RFC 9457 problem responses with stable type URIs, so clients can branch on the type rather than on the
 * wording of the detail.
 */
public final class Problems {

    private static final String TYPE_PREFIX = "urn:fallback-watch:problem:";

    private Problems() {}

    /**
     * Create a problem response.
     *
     * @param status the HTTP status
     * @param slug the stable last part of the type URI, such as {@code malformed-body}
     * @param title a short summary that is the same for every problem of this type
     * @param detail what was wrong in this request and what to do about it
     */
    public static ErrorResponseException problem(HttpStatus status, String slug, String title, String detail) {
        return new ErrorResponseException(status, detail(status, slug, title, detail), null);
    }

    public static ProblemDetail detail(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        return problem;
    }

    /** The type URI of a problem, such as {@code urn:fallback-watch:problem:malformed-body}. */
    static URI type(String slug) {
        return URI.create(TYPE_PREFIX + slug);
    }

    /** Adds the request's correlation id, as logged, to a problem. */
    public static ProblemDetail addCorrelationId(ProblemDetail problem) {
        String id = MDC.get(CorrelationIdFilter.MDC_KEY);
        if (id != null) {
            problem.setProperty("correlationId", id);
        }
        return problem;
    }

    public static ErrorResponseException notFound(String what, Object id) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " " + id + " does not exist");
    }

    public static ErrorResponseException badRequest(String slug, String title, String detail) {
        return problem(HttpStatus.BAD_REQUEST, slug, title, detail);
    }

    /** A 400 that names each invalid field in an {@code errors} member. */
    public static ErrorResponseException invalid(List<FieldProblem> problems) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, invalidDetail(problems), null);
    }

    public static ProblemDetail invalidDetail(List<FieldProblem> problems) {
        String fields = problems.stream().map(FieldProblem::field).distinct().collect(Collectors.joining(", "));
        ProblemDetail problem = detail(
                HttpStatus.BAD_REQUEST,
                "validation-failed",
                "Invalid request",
                "Correct these fields and send the request again: " + fields + ".");
        problem.setProperty("errors", problems);
        return problem;
    }
}
