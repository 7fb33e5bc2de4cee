package dev.fallbackwatch.web;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Answers every error as RFC 9457 problem+json. Spring MVC's own exceptions keep their status and get a
 * detail that says what to fix; anything unexpected becomes a 500 that reveals nothing internal.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    private static final URI ABOUT_BLANK = URI.create("about:blank");

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException ex) {
        String expected = ex.getRequiredType() == null
                ? "another type"
                : ex.getRequiredType().getSimpleName();
        return Problems.addCorrelationId(Problems.detail(
                HttpStatus.BAD_REQUEST,
                "invalid-parameter",
                "Invalid parameter",
                "Parameter '" + ex.getName() + "' has value '" + ex.getValue() + "', which is not a valid " + expected
                        + hint(expected)));
    }

    /**
     * A role check of an endpoint failed. Only authenticated callers get this far, since every API path needs a
     * credential, so the answer is 403.
     */
    @ExceptionHandler(AccessDeniedException.class)
    ProblemDetail forbidden(AccessDeniedException ex) {
        return Problems.addCorrelationId(Problems.detail(
                HttpStatus.FORBIDDEN,
                "forbidden",
                "Forbidden",
                "The credential is valid but lacks the role this endpoint needs."));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception ex) {
        if (DatabaseOutageFilter.isDatabaseOutage(ex)) {
            return databaseUnavailable(ex);
        }
        log.error("Unexpected error while handling a request", ex);
        ProblemDetail problem = Problems.detail(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal-error",
                "Internal error",
                "The request could not be completed; retry later, or give the operators of this service the"
                        + " correlationId of this response.");
        return ResponseEntity.internalServerError()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.addCorrelationId(problem));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.detail(
                HttpStatus.BAD_REQUEST, "malformed-body", "Malformed request body", unreadableDetail(ex));
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldProblem(error.getField(), error.getDefaultMessage()))
                .sorted(Comparator.comparing(FieldProblem::field))
                .toList();
        return handleExceptionInternal(ex, Problems.invalidDetail(problems), headers, HttpStatus.BAD_REQUEST, request);
    }

    /** Names the offending field without echoing parser internals such as class names. */
    private static String unreadableDetail(HttpMessageNotReadableException ex) {
        if (ex.getCause() instanceof UnrecognizedPropertyException unknown) {
            return "Field '" + path(unknown) + "' is not part of this request; check its spelling against the API"
                    + " docs.";
        }
        if (ex.getCause() instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            return "Field '" + path(mismatch) + "' has a value of the wrong type; see the request schema in the API"
                    + " docs.";
        }
        return "The request body is not valid JSON of the expected shape; see the request schema in the API docs.";
    }

    private static String path(DatabindException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getParameterValidationResults().stream()
                .map(result -> "'" + result.getMethodParameter().getParameterName() + "' "
                        + result.getResolvableErrors().get(0).getDefaultMessage())
                .reduce((first, second) -> first + "; " + second)
                .orElse("Invalid request parameters.");
        ProblemDetail problem =
                Problems.detail(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter", detail);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** A path no endpoint serves: say where the API is described rather than how Spring looked for it. */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.detail(
                HttpStatus.NOT_FOUND,
                "not-found",
                "Not found",
                "No endpoint answers " + ex.getHttpMethod() + " /" + ex.getResourcePath()
                        + "; the API is described at /v3/api-docs and /swagger-ui/index.html.");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.NOT_FOUND, request);
    }

    /**
     * Every problem this service answers carries the correlation id of its log lines, and a stable type: Spring
     * MVC's own answers (405, 406, 415, …) get one named after their status.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem) {
            if (problem.getType() == null || ABOUT_BLANK.equals(problem.getType())) {
                problem.setType(Problems.type(statusSlug(statusCode)));
            }
            Problems.addCorrelationId(problem);
        }
        return response;
    }

    /** The status's reason phrase as a slug: 415 becomes {@code unsupported-media-type}. */
    private static String statusSlug(HttpStatusCode statusCode) {
        HttpStatus status = HttpStatus.resolve(statusCode.value());
        if (status == null) {
            return "http-" + statusCode.value();
        }
        return status.getReasonPhrase().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /** The database cannot be reached: nothing was stored, and the client may simply retry. */
    @ExceptionHandler({
        CannotGetJdbcConnectionException.class,
        CannotCreateTransactionException.class,
        DataAccessResourceFailureException.class,
        TransientDataAccessException.class
    })
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception ex) {
        log.warn(
                "Database unavailable while handling a request cause={}",
                ex.getClass().getSimpleName());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(DatabaseOutageFilter.RETRY_AFTER_SECONDS))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(DatabaseOutageFilter.databaseUnavailable());
    }

    private static String hint(String expected) {
        return switch (expected) {
            case "Instant" -> " (use ISO 8601 such as 2026-11-30T09:00:00Z).";
            case "long", "Long", "int", "Integer" -> " (use a whole number).";
            default -> ".";
        };
    }
}
