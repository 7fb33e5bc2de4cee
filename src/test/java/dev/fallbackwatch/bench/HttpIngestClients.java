package dev.fallbackwatch.bench;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Senders that post the day's NDJSON batches to {@code POST /api/v1/events} over real HTTP/1.1 connections, each
 * client taking the next unsent batch until none is left. Bodies stream from their files, so the clients hold
 * next to nothing on the heap the service shares with them.
 */
final class HttpIngestClients {

    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");

    private static final Pattern DUPLICATES = Pattern.compile("\"duplicates\"\\s*:\\s*(\\d+)");

    private static final Pattern REJECTED = Pattern.compile("\"rejected\"\\s*:\\s*(\\d+)");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final URI events;

    private final String apiKey;

    HttpIngestClients(URI events, String apiKey) {
        this.events = events;
        this.apiKey = apiKey;
    }

    /** The counts the service answered, summed over every batch. */
    record Outcome(long accepted, long duplicates, long rejected) {}

    Outcome send(List<Path> batches, int clients) throws InterruptedException, ExecutionException {
        AtomicInteger nextBatch = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<long[]>> senders = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                senders.add(pool.submit(() -> sendBatches(batches, nextBatch)));
            }
            long[] counts = new long[3];
            for (Future<long[]> sender : senders) {
                long[] sent = sender.get();
                for (int i = 0; i < counts.length; i++) {
                    counts[i] += sent[i];
                }
            }
            return new Outcome(counts[0], counts[1], counts[2]);
        } finally {
            pool.shutdownNow();
        }
    }

    private long[] sendBatches(List<Path> batches, AtomicInteger nextBatch) throws IOException, InterruptedException {
        long[] counts = new long[3];
        for (int batch = nextBatch.getAndIncrement(); batch < batches.size(); batch = nextBatch.getAndIncrement()) {
            String answer = post(batches.get(batch));
            counts[0] += count(ACCEPTED, answer);
            counts[1] += count(DUPLICATES, answer);
            counts[2] += count(REJECTED, answer);
        }
        return counts;
    }

    private String post(Path batch) throws IOException, InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(events)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Authorization", "Bearer " + apiKey)
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofFile(batch))
                    .build();
        } catch (FileNotFoundException ex) {
            throw new IOException("The batch file disappeared: " + batch, ex);
        }
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "POST " + batch.getFileName() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static long count(Pattern figure, String answer) {
        Matcher matcher = figure.matcher(answer);
        if (!matcher.find()) {
            throw new IllegalStateException("No " + figure.pattern() + " in the answer " + answer);
        }
        return Long.parseLong(matcher.group(1));
    }
}
