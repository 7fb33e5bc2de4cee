package dev.fallbackwatch.operations;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.FallbackWatchApplication;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import dev.fallbackwatch.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stop while a batch is still arriving: the service stops taking new requests but finishes the ingest in flight,
 * commits it and answers it before it shuts down.
 */
class GracefulShutdownTests {

    private static final int RECORDS = 200;

    @Test
    void finishesAnIngestInFlightBeforeStopping() throws Exception {
        String device = "shutdown-" + UUID.randomUUID();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            lines.add(JsonMapper.shared()
                    .writeValueAsString(event().device(device).build()));
        }
        byte[] firstHalf = ndjson(lines.subList(0, RECORDS / 2));
        byte[] secondHalf = ndjson(lines.subList(RECORDS / 2, RECORDS));
        CountDownLatch stopping = new CountDownLatch(1);
        ConfigurableApplicationContext service = start();
        int port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port", "0"));

        CompletableFuture<HttpResponse<String>> answer = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events"))
                                .header("Authorization", "Bearer " + PostgresIntegrationTest.ADMIN_KEY)
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                                        new ByteArrayInputStream(firstHalf), afterLatch(stopping, secondHalf))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        Thread.sleep(500);
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(service::close);
        Thread.sleep(500);
        stopping.countDown();

        HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
        stopped.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"accepted\":" + RECORDS);
        assertThat(storedEventsOf(device)).isEqualTo(RECORDS);
        assertThat(service.isActive()).isFalse();
    }

    /** The service as a deployment runs it: a real HTTP port, graceful shutdown, the tests' PostgreSQL. */
    private static ConfigurableApplicationContext start() {
        TestDatabase database = TestDatabase.get();
        return new SpringApplicationBuilder(FallbackWatchApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=" + database.jdbcUrl(),
                        "--spring.datasource.username=" + database.username(),
                        "--spring.datasource.password=" + database.password(),
                        "--fallbackwatch.security.admin-key=" + PostgresIntegrationTest.ADMIN_KEY,
                        "--fallbackwatch.detection.schedule-enabled=false",
                        "--fallbackwatch.retention.schedule-enabled=false",
                        "--fallbackwatch.webhooks.schedule-enabled=false");
    }

    /** The rest of the body, sent only once the stop has begun. */
    private static InputStream afterLatch(CountDownLatch latch, byte[] rest) {
        return new InputStream() {

            private ByteArrayInputStream delegate;

            @Override
            public int read() throws IOException {
                return delegate().read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return delegate().read(buffer, offset, length);
            }

            private ByteArrayInputStream delegate() throws IOException {
                if (delegate == null) {
                    try {
                        latch.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for the stop");
                    }
                    delegate = new ByteArrayInputStream(rest);
                }
                return delegate;
            }
        };
    }

    private static byte[] ndjson(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static long storedEventsOf(String device) {
        TestDatabase database = TestDatabase.get();
        JdbcTemplate jdbc = new JdbcTemplate(
                new DriverManagerDataSource(database.jdbcUrl(), database.username(), database.password()));
        return jdbc.queryForObject("SELECT count(*) FROM network_event WHERE device_name = ?", Long.class, device);
    }
}
