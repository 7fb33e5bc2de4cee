package dev.fallbackwatch.web;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One invalid field of a request, listed in the {@code errors} member of a validation problem.
 *
 * @param field the path of the field in the request body, such as {@code critical.minDistinctIps}
 * @param message what is wrong and what is allowed
 */
@Schema(description = "One invalid field of a request")
public record FieldProblem(String field, String message) {}
