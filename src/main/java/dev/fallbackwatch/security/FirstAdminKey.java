package dev.fallbackwatch.security;

import dev.fallbackwatch.database.EmbeddedPostgresProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Makes sure an admin can get in, with no built-in default credential. A key given in
 * {@code fallbackwatch.security.admin-key} is registered (and replaces an earlier configured one). Without it, a
 * service on its embedded database that has no admin key yet generates one and writes it to a file only its
 * owner can read, logging the file's path and never the key.
 */
@Component
class FirstAdminKey implements InitializingBean {

    static final String CONFIGURED_NAME = "admin (configuration)";

    static final String GENERATED_NAME = "admin (generated)";

    static final String KEY_FILE = "admin-api-key";

    private static final Logger log = LoggerFactory.getLogger(FirstAdminKey.class);

    private final ApiKeyStore keys;

    private final SecurityProperties properties;

    private final ObjectProvider<EmbeddedPostgresProperties> embedded;

    FirstAdminKey(
            ApiKeyStore keys, SecurityProperties properties, ObjectProvider<EmbeddedPostgresProperties> embedded) {
        this.keys = keys;
        this.properties = properties;
        this.embedded = embedded;
    }

    @Override
    public void afterPropertiesSet() {
        String configured = properties.adminKey();
        if (configured != null && !configured.isBlank()) {
            registerConfigured(configured.trim());
            return;
        }

        if (keys.anyActiveAdmin()) {
            return;
        }
        EmbeddedPostgresProperties database = embedded.getIfAvailable();
        if (database == null) {
            log.warn("No admin API key exists; set fallbackwatch.security.admin-key"
                    + " (FALLBACKWATCH_SECURITY_ADMINKEY) to create one");
            return;
        }
        generate(database.dataDirectory().resolve(KEY_FILE).toAbsolutePath());
    }

    private void registerConfigured(String key) {
        if (!ApiKeySecret.looksLikeKey(key) || key.length() < ApiKeySecret.PREFIX.length() + 32) {
            throw new IllegalStateException("fallbackwatch.security.admin-key must start with " + ApiKeySecret.PREFIX
                    + " followed by at least 32 random characters");
        }
        if (keys.findActive(key).isPresent()) {
            return;
        }
        keys.findLiveByName(CONFIGURED_NAME).ifPresent(previous -> keys.revoke(previous.id(), "configuration"));
        keys.insert(CONFIGURED_NAME, key, EnumSet.of(Role.ADMIN), null, "configuration");
        log.info("Registered the admin API key from configuration name=\"{}\"", CONFIGURED_NAME);
    }

    private void generate(Path file) {
        String key = ApiKeySecret.generate();
        write(file, key);
        keys.findLiveByName(GENERATED_NAME).ifPresent(previous -> keys.revoke(previous.id(), "startup"));
        keys.insert(GENERATED_NAME, key, EnumSet.of(Role.ADMIN), null, "startup");
        log.warn("Generated the first admin API key; it is in {} (readable only by this user)", file);
    }

    private static void write(Path file, String key) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
                file.toFile().setReadable(false, false);
                file.toFile().setReadable(true, true);
            }
            Files.writeString(file, key + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.WRITE);
        } catch (IOException ex) {
            throw new UncheckedIOException("Could not write the generated admin API key to " + file, ex);
        }
    }
}
