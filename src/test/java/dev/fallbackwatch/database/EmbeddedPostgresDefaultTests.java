package dev.fallbackwatch.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.FallbackWatchApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The service started with no datasource configured runs its own PostgreSQL: in a version-named directory, with
 * durability on, and with the data still there after a stop and a new start.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedPostgresDefaultTests {

    @TempDir
    Path dataDirectory;

    @Test
    void generatesTheFirstAdminKeyIntoAFileOnlyItsOwnerCanRead(CapturedOutput output) throws Exception {
        Path keyFile = dataDirectory.resolve("admin-api-key");
        String key;
        try (ConfigurableApplicationContext first = start()) {
            key = Files.readString(keyFile).trim();

            assertThat(key).startsWith("fw_").hasSizeGreaterThan(40);
            assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(output.getAll()).contains(keyFile.toString()).doesNotContain(key);
            assertThat(get(first, "/api/v1/findings", key)).isEqualTo(200);
            assertThat(get(first, "/api/v1/findings", null)).isEqualTo(401);
        }

        try (ConfigurableApplicationContext second = start()) {
            assertThat(Files.readString(keyFile).trim())
                    .as("no second key while one exists")
                    .isEqualTo(key);
            assertThat(get(second, "/api/v1/findings", key)).isEqualTo(200);
        }
    }

    @Test
    void startsItsOwnDurablePostgresAndKeepsTheDataAcrossRestarts() {
        try (ConfigurableApplicationContext first = start()) {
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);

            assertThat(jdbc.queryForObject("SHOW fsync", String.class)).isEqualTo("on");
            assertThat(jdbc.queryForObject("SHOW synchronous_commit", String.class))
                    .isEqualTo("on");
            assertThat(jdbc.queryForObject("SHOW server_version_num", Integer.class))
                    .isBetween(170000, 179999);
            jdbc.update("INSERT INTO detection_port (port) VALUES (31337)");
        }

        assertThat(Files.isRegularFile(dataDirectory.resolve("pg17").resolve("PG_VERSION")))
                .isTrue();
        assertThat(dataDirectory.resolve("pg17").resolve("postmaster.pid")).doesNotExist();
        try (ConfigurableApplicationContext second = start()) {
            JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);

            assertThat(jdbc.queryForObject("SELECT count(*) FROM detection_port WHERE port = 31337", Integer.class))
                    .isEqualTo(1);
        }
    }

    private static int get(ConfigurableApplicationContext context, String path, String key) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private ConfigurableApplicationContext start() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(FallbackWatchApplication.class)
                .run(
                        "--server.port=0",
                        "--fallbackwatch.detection.schedule-enabled=false",
                        "--fallbackwatch.retention.schedule-enabled=false",
                        "--fallbackwatch.embedded-postgres.data-directory=" + dataDirectory);
        assertThat(Binder.get(context.getEnvironment())
                        .bind("spring.datasource.url", String.class)
                        .orElse(""))
                .isEmpty();
        return context;
    }
}
