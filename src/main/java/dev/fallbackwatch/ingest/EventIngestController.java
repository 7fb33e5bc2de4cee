package dev.fallbackwatch.ingest;

import dev.fallbackwatch.security.IngestAccess;
import dev.fallbackwatch.web.Actor;
import dev.fallbackwatch.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Receives batches of Defender {@code DeviceNetworkEvents} records. */
@RestController
@RequestMapping("/api/v1/events")
@Tag(name = "Events", description = "Send Defender DeviceNetworkEvents records")
class EventIngestController {

    static final String NDJSON = "application/x-ndjson";

    private final EventIngestService ingestService;

    private final IngestRateLimiter rateLimiter;

    private final IngestLimits limits;

    EventIngestController(EventIngestService ingestService, IngestRateLimiter rateLimiter, IngestLimits limits) {
        this.ingestService = ingestService;
        this.rateLimiter = rateLimiter;
        this.limits = limits;
    }

    @PostMapping(
            consumes = {MediaType.APPLICATION_JSON_VALUE, NDJSON},
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Store a batch of network events",
            description = """
                    Accepts a JSON array of DeviceNetworkEvents records, NDJSON (one record per line), or the \
                    Defender Streaming API envelope {"records":[{"category":"AdvancedHunting-DeviceNetworkEvents",\
                    "properties":{…}}]}. Column names are Defender's, matched case-insensitively; unknown \
                    columns are ignored. Send Content-Encoding: gzip for compressed bodies. Each invalid record \
                    is rejected with its index and reason while the valid ones are stored; an event already \
                    stored (same DeviceName, ReportId and Timestamp) is counted as a duplicate. The answer comes \
                    after the records are committed.""",
            requestBody =
                    @RequestBody(
                            required = true,
                            content = {
                                @Content(
                                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                                        array =
                                                @ArraySchema(
                                                        schema =
                                                                @Schema(
                                                                        implementation =
                                                                                DeviceNetworkEventSchema.class))),
                                @Content(
                                        mediaType = NDJSON,
                                        schema = @Schema(implementation = DeviceNetworkEventSchema.class))
                            }))
    @ApiResponse(responseCode = "200", description = "Batch processed; see the counts and errors")
    @ApiResponse(
            responseCode = "400",
            description = "The body is not parseable at all; nothing was stored",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                            schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "415",
            description = "Unsupported Content-Type or Content-Encoding",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                            schema = @Schema(implementation = ProblemDetail.class)))
    @IngestAccess
    IngestResult ingest(HttpServletRequest request) throws IOException {
        rateLimiter.acquire(Actor.of(request));
        long maxBody = limits.maxBodySize().toBytes();
        if (request.getContentLengthLong() > maxBody) {
            throw EventIngestService.tooLarge("The body", maxBody);
        }

        BodyFormat format = isNdjson(request.getContentType()) ? BodyFormat.NDJSON : BodyFormat.JSON;
        try (InputStream body = decoded(request, maxBody)) {
            return ingestService.ingest(body, format);
        }
    }

    private static boolean isNdjson(String contentType) {
        return contentType != null && MediaType.parseMediaType(contentType).isCompatibleWith(MediaType.valueOf(NDJSON));
    }

    private InputStream decoded(HttpServletRequest request, long maxBody) throws IOException {
        InputStream sent = new LimitedInputStream(request.getInputStream(), "The body", maxBody);
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
            return sent;
        }
        String normalized = encoding.trim().toLowerCase(Locale.ROOT);
        if (normalized.equals("gzip") || normalized.equals("x-gzip")) {
            try {
                return new LimitedInputStream(
                        new GZIPInputStream(sent, 64 * 1024),
                        "The decompressed body",
                        limits.maxDecompressedSize().toBytes());
            } catch (IOException ex) {
                throw DefenderRecordReader.malformed("The body is declared gzip but has no valid gzip header.");
            }
        }
        throw Problems.problem(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported-content-encoding",
                "Unsupported Content-Encoding",
                "Content-Encoding '" + encoding + "' is not supported; send the body as is or with gzip.");
    }
}
