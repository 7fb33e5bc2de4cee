package dev.fallbackwatch.web;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Strong ETags made of a resource's version number, and the {@code If-Match} check that turns a lost update into
 * a 412 instead of a silent overwrite.
 */
public final class Versions {

    private Versions() {}

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * Reads the versions an {@code If-Match} header accepts.
     *
     * @return empty when the header is absent or {@code *}, so the change is unconditional
     */
    public static Optional<List<Long>> accepted(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return Optional.empty();
        }
        List<Long> versions = Arrays.stream(ifMatch.split(","))
                .map(String::trim)
                .filter(tag -> tag.length() > 2 && tag.startsWith("\"") && tag.endsWith("\""))
                .map(tag -> tag.substring(1, tag.length() - 1))
                .filter(tag -> tag.chars().allMatch(Character::isDigit) && tag.length() < 19)
                .map(Long::valueOf)
                .toList();
        return Optional.of(versions);
    }

    /** Throws 412 unless the header accepts the current version. */
    public static void requireMatch(String ifMatch, long currentVersion, String what) {
        Optional<List<Long>> accepted = accepted(ifMatch);
        if (accepted.isPresent() && !accepted.get().contains(currentVersion)) {
            throw preconditionFailed(what, currentVersion);
        }
    }

    public static ErrorResponseException preconditionFailed(String what, long currentVersion) {
        return Problems.problem(
                HttpStatus.PRECONDITION_FAILED,
                "precondition-failed",
                "Changed meanwhile",
                what + " changed since it was read (its ETag is now " + etag(currentVersion) + "); GET it again,"
                        + " reapply the change and send it with If-Match.");
    }
}
