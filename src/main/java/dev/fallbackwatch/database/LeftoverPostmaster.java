package dev.fallbackwatch.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a PostgreSQL server left running by a previous service process that was killed without a clean stop.
 *
 * <p>The embedded server runs as a separate process; when the JVM dies hard it keeps running and holds the
 * data directory, so the next start would fail. Its pid is the first line of {@code postmaster.pid}.
 */
final class LeftoverPostmaster {

    private static final Logger log = LoggerFactory.getLogger(LeftoverPostmaster.class);

    private static final long STOP_TIMEOUT_SECONDS = 60;

    private LeftoverPostmaster() {}

    static void stopIfRunning(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }

        Optional<ProcessHandle> postmaster = readPid(pidFile)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(LeftoverPostmaster::isPostgres);
        if (postmaster.isEmpty()) {
            return;
        }

        ProcessHandle process = postmaster.get();
        log.warn("Stopping leftover embedded PostgreSQL pid={} dataDirectory={}", process.pid(), dataDirectory);

        // SIGTERM is PostgreSQL's smart shutdown; the dead service's sessions are already gone.
        process.destroy();
        try {
            process.onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while stopping leftover PostgreSQL pid=" + process.pid(), ex);
        } catch (ExecutionException | TimeoutException ex) {
            throw new IOException("Leftover PostgreSQL pid=" + process.pid() + " did not stop; stop it by hand", ex);
        }
    }

    private static Optional<Long> readPid(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException ex) {
            return Optional.empty();
        }
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info()
                .command()
                .map(command -> command.endsWith("postgres"))
                .orElse(false);
    }
}
