package dev.fallbackwatch.ingest;

import dev.fallbackwatch.web.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.web.ErrorResponseException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams the records out of a request body without holding the whole body in memory.
 *
 * <p>Three layouts are understood: a JSON array of records (or one record object), NDJSON, and the Defender
 * Streaming API envelope {@code {"records":[{"category":…,"properties":{…}}]}} whose records of other
 * categories are skipped. A JSON body with a syntax error is refused as a whole, because nothing after the
 * error can be trusted; in NDJSON only the broken line is rejected.
 */
final class DefenderRecordReader {

    static final String NETWORK_EVENTS_CATEGORY = "AdvancedHunting-DeviceNetworkEvents";

    private static final String JSON_LAYOUTS =
            "a JSON array of DeviceNetworkEvents records, one record object, or {\"records\":[…]}";

    private final ObjectMapper mapper;

    // Reads one record at a time out of a longer stream, so the tokens after it are not an error.
    private final ObjectReader elementReader;

    private final RecordSink sink;

    private final int maxLineBytes;

    private int nextIndex;

    DefenderRecordReader(ObjectMapper mapper, RecordSink sink, int maxLineBytes) {
        this.mapper = mapper;
        this.maxLineBytes = maxLineBytes;
        this.elementReader = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.sink = sink;
    }

    void read(InputStream body, BodyFormat format) {
        if (format == BodyFormat.NDJSON) {
            readNdjson(body);
        } else {
            readJson(body);
        }
    }

    private void readJson(InputStream body) {
        try (JsonParser parser = mapper.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw malformed("The request body is empty; send " + JSON_LAYOUTS + ".");
            }
            if (first == JsonToken.START_ARRAY) {
                readElements(parser);
            } else if (first == JsonToken.START_OBJECT) {
                readObject(parser);
            } else {
                throw malformed("The request body must be " + JSON_LAYOUTS + ".");
            }
            if (parser.nextToken() != null) {
                throw malformed("Unexpected content after the end of the JSON value" + at(parser.currentLocation()));
            }
        } catch (JacksonIOException ex) {
            throw new UncheckedIOException(ex.getCause());
        } catch (StreamConstraintsException ex) {
            throw constraintBroken(ex);
        } catch (JacksonException ex) {
            throw malformed("The body is not valid JSON" + at(ex.getLocation()) + ": " + ex.getOriginalMessage());
        }
    }

    private void readElements(JsonParser parser) {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            record(elementReader.readTree(parser));
        }
    }

    /** Streams an envelope's records; any other object is one record. */
    private void readObject(JsonParser parser) {
        ObjectNode single = mapper.createObjectNode();
        boolean envelope = false;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equalsIgnoreCase("records") && value == JsonToken.START_ARRAY) {
                envelope = true;
                readElements(parser);
            } else {
                single.set(name, elementReader.readTree(parser));
            }
        }
        if (!envelope) {
            record(single);
        }
    }

    private void readNdjson(InputStream body) {
        int parsedLines = 0;
        int brokenLines = 0;
        String firstProblem = null;
        int lineNumber = 0;
        try (body) {
            NdjsonLines lines = new NdjsonLines(body, maxLineBytes);
            for (NdjsonLines.Line next = lines.next(); next != null; next = lines.next()) {
                lineNumber++;
                if (next.tooLong()) {
                    brokenLines++;
                    firstProblem = firstProblem == null ? "line " + lineNumber + " is too long" : firstProblem;
                    sink.reject(
                            nextIndex++,
                            "line " + lineNumber + " is longer than " + maxLineBytes
                                    + " bytes; a record that large is not a network event");
                    continue;
                }
                if (next.isBlank()) {
                    continue;
                }
                JsonNode value;
                try {
                    value = mapper.readTree(next.bytes(), 0, next.length());
                } catch (StreamConstraintsException ex) {
                    throw constraintBroken(ex);
                } catch (JacksonException ex) {
                    String problem = "line " + lineNumber + " is not valid JSON: " + ex.getOriginalMessage();
                    firstProblem = firstProblem == null ? problem : firstProblem;
                    brokenLines++;
                    sink.reject(nextIndex++, problem);
                    continue;
                }
                parsedLines++;
                JsonNode records = value.isObject() ? DefenderRecord.of(value).get("records") : null;
                if (records != null && records.isArray()) {
                    records.forEach(this::record);
                } else {
                    record(value);
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }

        if (parsedLines == 0 && brokenLines == 0) {
            throw malformed("The request body is empty; send one DeviceNetworkEvents record per line.");
        }
        if (parsedLines == 0) {
            throw malformed("No line of the NDJSON body is valid JSON; the first: " + firstProblem);
        }
    }

    private void record(JsonNode value) {
        int index = nextIndex++;
        if (!value.isObject()) {
            sink.reject(
                    index,
                    "A record must be a JSON object, not "
                            + value.getNodeType().name().toLowerCase());
            return;
        }

        DefenderRecord record = DefenderRecord.of(value);
        JsonNode category = record.get("category");
        JsonNode properties = record.get("properties");
        if (category == null || properties == null || !properties.isObject()) {
            sink.accept(index, record);
            return;
        }

        // A Streaming API record: the event is in properties, its time may only be in the envelope.
        if (!category.asString().equalsIgnoreCase(NETWORK_EVENTS_CATEGORY)) {
            sink.skip(index);
            return;
        }
        DefenderRecord event = DefenderRecord.of(properties);
        event.putIfAbsent("Timestamp", record.get("time"));
        sink.accept(index, event);
    }

    private static String at(TokenStreamLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** A nesting or size limit of the parser: the body is hostile or broken, and is refused whole. */
    private static ErrorResponseException constraintBroken(StreamConstraintsException ex) {
        String message = ex.getOriginalMessage();
        if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("nesting")) {
            return Problems.badRequest(
                    "too-deeply-nested",
                    "Too deeply nested",
                    "The body nests JSON deeper than allowed; nothing was"
                            + " stored. DeviceNetworkEvents records are flat objects.");
        }
        return Problems.problem(
                org.springframework.http.HttpStatus.CONTENT_TOO_LARGE,
                "record-too-large",
                "Record too large",
                "A JSON value of the body is larger than allowed; nothing was stored.");
    }

    static ErrorResponseException malformed(String detail) {
        return Problems.badRequest("malformed-body", "Malformed request body", detail);
    }
}
