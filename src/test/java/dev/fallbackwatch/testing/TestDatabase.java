package dev.fallbackwatch.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real PostgreSQL the tests run against: a Testcontainers PostgreSQL 17 where Docker is available, otherwise
 * the embedded PostgreSQL 17 binaries in a fresh temporary directory. One server per test JVM.
 */
public final class TestDatabase {

    private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);

    private static TestDatabase instance;

    private final String jdbcUrl;

    private final String username;

    private final String password;

    private TestDatabase(String jdbcUrl, String username, String password) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    private static TestDatabase start() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            log.info("Tests use PostgreSQL in a container url={}", container.getJdbcUrl());
            return new TestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        try {
            Path dataDirectory = Files.createTempDirectory("fallback-watch-test-pg");
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(true)
                    .start();
            String url = postgres.getJdbcUrl("postgres", "postgres");
            log.info("No Docker engine; tests use embedded PostgreSQL url={}", url);
            return new TestDatabase(url, "postgres", "");
        } catch (IOException ex) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL for tests", ex);
        }
    }
}
