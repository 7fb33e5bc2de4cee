package dev.fallbackwatch.settings;

import dev.fallbackwatch.security.AdminAccess;
import dev.fallbackwatch.security.AnalystAccess;
import dev.fallbackwatch.web.Actor;
import dev.fallbackwatch.web.Versions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Destinations whose connections detection ignores. */
@RestController
@RequestMapping("/api/v1/settings/destination-exclusions")
@Tag(name = "Settings")
class DestinationExclusionController {

    private final SettingsService settings;

    DestinationExclusionController(SettingsService settings) {
        this.settings = settings;
    }

    @GetMapping
    @AnalystAccess
    @Operation(
            summary = "List destination exclusions",
            description = "Expired entries are listed with expired=true. suppressedEventsLastRun shows what each"
                    + " entry kept out of the last run: 0 for an entry that never matches.")
    List<DestinationExclusion> list() {
        return settings.destinationExclusions();
    }

    @PostMapping
    @AdminAccess
    @Operation(summary = "Add a destination exclusion")
    ResponseEntity<DestinationExclusion> create(
            @Valid @RequestBody DestinationExclusionRequest entry, HttpServletRequest request) {
        DestinationExclusion created = settings.createDestinationExclusion(entry, Actor.of(request));
        return ResponseEntity.created(URI.create("/api/v1/settings/destination-exclusions/" + created.id()))
                .eTag(Versions.etag(created.version()))
                .body(created);
    }

    @GetMapping("/{id}")
    @AnalystAccess
    @Operation(summary = "Show one destination exclusion")
    ResponseEntity<DestinationExclusion> get(@PathVariable long id) {
        DestinationExclusion entry = settings.destinationExclusion(id);
        return ResponseEntity.ok().eTag(Versions.etag(entry.version())).body(entry);
    }

    @PutMapping("/{id}")
    @AdminAccess
    @Operation(summary = "Replace a destination exclusion", description = "412 when If-Match does not match its ETag.")
    ResponseEntity<DestinationExclusion> put(
            @PathVariable long id,
            @Valid @RequestBody DestinationExclusionRequest entry,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            HttpServletRequest request) {
        DestinationExclusion updated = settings.replaceDestinationExclusion(id, entry, ifMatch, Actor.of(request));
        return ResponseEntity.ok().eTag(Versions.etag(updated.version())).body(updated);
    }

    @DeleteMapping("/{id}")
    @AdminAccess
    @Operation(summary = "Delete a destination exclusion", description = "412 when If-Match does not match its ETag.")
    ResponseEntity<Void> delete(
            @PathVariable long id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            HttpServletRequest request) {
        settings.deleteDestinationExclusion(id, ifMatch, Actor.of(request));
        return ResponseEntity.noContent().build();
    }
}
