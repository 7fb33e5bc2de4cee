package dev.fallbackwatch.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.FallbackWatchApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The service started with no datasource configured runs its own PostgreSQL: in a version-named directory, with
 * durability on, and with the data still there after a stop and a new start.
 */
class EmbeddedPostgresDefaultTests {

    @TempDir
    Path dataDirectory;

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

    private ConfigurableApplicationContext start() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(FallbackWatchApplication.class)
                .run(
                        "--server.port=0",
                        "--fallbackwatch.detection.schedule-enabled=false",
                        "--fallbackwatch.embedded-postgres.data-directory=" + dataDirectory);
        assertThat(Binder.get(context.getEnvironment())
                        .bind("spring.datasource.url", String.class)
                        .orElse(""))
                .isEmpty();
        return context;
    }
}
