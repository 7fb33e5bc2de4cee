package dev.fallbackwatch.bench;

import dev.fallbackwatch.testing.TestDatabase;
import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The physical limit of loading: rows sent with COPY straight into their table, with psql's {@code \copy} when a
 * psql binary is on the PATH and can connect, else with pgjdbc's {@code CopyManager}. Both send the file over
 * the same COPY FROM STDIN protocol; the server parses every row either way.
 */
final class CopyLoader {

    private static final int BUFFER_BYTES = 1 << 20;

    private static final long CONNECT_TIMEOUT_SECONDS = 15;

    private final TestDatabase database;

    private final DataSource dataSource;

    private final Path psql;

    private final String description;

    private CopyLoader(TestDatabase database, DataSource dataSource, Path psql, String description) {
        this.database = database;
        this.dataSource = dataSource;
        this.psql = psql;
        this.description = description;
    }

    /** Picks the client: {@code auto} takes psql when it connects, {@code psql} insists on it, {@code jdbc} never. */
    static CopyLoader choose(String wanted, TestDatabase database, DataSource dataSource) throws IOException {
        CopyLoader jdbc = new CopyLoader(database, dataSource, null, "pgjdbc CopyManager (COPY … FROM STDIN)");
        if (wanted.equals("jdbc")) {
            return jdbc;
        }
        Optional<Path> onPath = psqlOnPath();
        if (onPath.isPresent()) {
            CopyLoader psql = new CopyLoader(database, dataSource, onPath.get(), "");
            Optional<String> version = psql.connectedVersion();
            if (version.isPresent()) {
                return new CopyLoader(database, dataSource, onPath.get(), "psql \\copy, " + version.get());
            }
        }
        if (wanted.equals("psql")) {
            throw new IllegalStateException(
                    "bench.copyClient=psql, but no psql on the PATH can connect to " + database.jdbcUrl());
        }
        return jdbc;
    }

    String description() {
        return description;
    }

    /** Loads every row of {@code rows}, a file in COPY text format, into {@code table}. */
    void load(Path rows, String table, String columns) throws IOException, SQLException, InterruptedException {
        if (psql == null) {
            loadWithJdbc(rows, table, columns);
        } else {
            String copy = "\\copy " + table + " (" + columns + ") FROM '"
                    + rows.toString().replace("'", "''") + "' (FORMAT text)";
            Process process = runPsql("-c", copy);
            String output = output(process);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("psql \\copy failed: " + output);
            }
        }
    }

    private void loadWithJdbc(Path rows, String table, String columns) throws IOException, SQLException {
        String copy = "COPY " + table + " (" + columns + ") FROM STDIN (FORMAT text)";
        try (Connection connection = dataSource.getConnection();
                InputStream in = new BufferedInputStream(Files.newInputStream(rows), BUFFER_BYTES)) {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copy, in, BUFFER_BYTES);
        }
    }

    private Optional<String> connectedVersion() throws IOException {
        Process process = runPsql("-A", "-t", "-c", "SELECT 1");
        try {
            if (!process.waitFor(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroy();
                return Optional.empty();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            process.destroy();
            return Optional.empty();
        }
        if (process.exitValue() != 0) {
            return Optional.empty();
        }
        Process version = new ProcessBuilder(psql.toString(), "--version")
                .redirectErrorStream(true)
                .start();
        return Optional.of(output(version).trim());
    }

    /** psql with the connection of the JDBC URL; {@code -w} so that it fails instead of asking for a password. */
    private Process runPsql(String... arguments) throws IOException {
        URI url = URI.create(database.jdbcUrl().substring("jdbc:".length()));
        String host = url.getHost().equals("localhost") ? "127.0.0.1" : url.getHost();
        int port = url.getPort() < 0 ? 5432 : url.getPort();
        List<String> command = new ArrayList<>(List.of(
                psql.toString(),
                "-X",
                "-w",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                host,
                "-p",
                Integer.toString(port),
                "-U",
                database.username(),
                "-d",
                url.getPath().substring(1)));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (!database.password().isEmpty()) {
            builder.environment().put("PGPASSWORD", database.password());
        }
        return builder.start();
    }

    private static String output(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static Optional<Path> psqlOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, "psql");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
