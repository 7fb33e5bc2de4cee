package dev.fallbackwatch.database;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the embedded PostgreSQL that runs when {@code spring.datasource.url} is not set.
 *
 * @param dataDirectory parent of the version-named data directory, for example {@code data/pg17}
 * @param majorVersion major version of the bundled binaries; names the data directory
 * @param port TCP port on 127.0.0.1, 0 to pick a free one
 */
@ConfigurationProperties("fallbackwatch.embedded-postgres")
public record EmbeddedPostgresProperties(
        @DefaultValue("data") Path dataDirectory,
        @DefaultValue("17") int majorVersion,
        @DefaultValue("0") int port) {

    Path versionedDataDirectory() {
        return dataDirectory.resolve("pg" + majorVersion);
    }
}
