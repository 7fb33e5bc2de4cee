package dev.fallbackwatch.security;

import dev.fallbackwatch.web.Actor;
import dev.fallbackwatch.web.FieldProblem;
import dev.fallbackwatch.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** API keys for machines: created by an admin, shown once, stored as a hash, revocable. */
@RestController
@RequestMapping("/api/v1/api-keys")
@Tag(name = "API keys", description = "Credentials for machines: SOAR platforms, event forwarders")
@AdminAccess
class ApiKeyController {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyController.class);

    private final ApiKeyStore keys;

    ApiKeyController(ApiKeyStore keys) {
        this.keys = keys;
    }

    /** A key to create. */
    record NewApiKey(
            @Schema(example = "soar-prod") @NotBlank @Size(max = 100)
            String name,

            @Schema(example = "[\"ANALYST\"]") @NotNull @NotEmpty
            Set<@NotNull Role> roles,

            @Schema(description = "When the key stops working; omit for no expiry")
            Instant expiresAt) {}

    /** A created key: the only response that ever contains the key. */
    record CreatedApiKey(
            @Schema(description = "The key; store it now, it is not shown again")
            String key,

            ApiKey apiKey) {}

    @PostMapping
    @Operation(summary = "Create an API key", description = "The response holds the key; it is never shown again.")
    ResponseEntity<CreatedApiKey> create(@Valid @RequestBody NewApiKey request, HttpServletRequest http) {
        if (request.expiresAt() != null && !request.expiresAt().isAfter(Instant.now())) {
            throw Problems.invalid(List.of(new FieldProblem("expiresAt", "must be in the future")));
        }
        String key = ApiKeySecret.generate();
        long id;
        try {
            id = keys.insert(request.name().trim(), key, request.roles(), request.expiresAt(), Actor.of(http));
        } catch (DuplicateKeyException ex) {
            throw Problems.problem(
                    HttpStatus.CONFLICT,
                    "duplicate-api-key",
                    "Duplicate API key name",
                    "A live key named '" + request.name().trim() + "' exists; revoke it or choose another name.");
        }
        ApiKey created = keys.find(id).orElseThrow();
        log.info("API key created id={} name={} roles={} by={}", id, created.name(), created.roles(), Actor.of(http));
        return ResponseEntity.created(URI.create("/api/v1/api-keys/" + id)).body(new CreatedApiKey(key, created));
    }

    @GetMapping
    @Operation(summary = "List API keys", description = "Without the keys themselves.")
    List<ApiKey> list() {
        return keys.findAll();
    }

    @GetMapping("/{id}")
    @Operation(summary = "Show one API key")
    ApiKey get(@PathVariable long id) {
        return keys.find(id).orElseThrow(() -> Problems.notFound("API key", id));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke an API key", description = "It stops working at once and stays listed as REVOKED.")
    ResponseEntity<Void> revoke(@PathVariable long id, HttpServletRequest http) {
        ApiKey key = keys.find(id).orElseThrow(() -> Problems.notFound("API key", id));
        if (keys.revoke(id, Actor.of(http))) {
            log.info("API key revoked id={} name={} by={}", id, key.name(), Actor.of(http));
        }
        return ResponseEntity.noContent().build();
    }
}
