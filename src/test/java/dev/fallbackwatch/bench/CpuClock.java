package dev.fallbackwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * CPU time of this JVM (the service, plus the benchmark's clients) and of the PostgreSQL server, so that a wall
 * time can be split into where it went. The server's time is read from /proc: the postmaster's own, that of its
 * exited children (added to its cutime and cstime when it reaps them), and that of the children still running.
 * Where /proc does not show the server, on another machine or in a container of a VM, its share is unknown.
 *
 * <p>A backend that has just exited is in neither count until the postmaster reaps it, which may take a moment
 * after its client is gone; a reading therefore waits until the server's total stops moving.
 */
final class CpuClock {

    /** USER_HZ, the unit of the times in /proc/[pid]/stat on Linux. */
    private static final double TICKS_PER_SECOND = 100;

    private static final int PPID = 1;

    private static final int UTIME = 11;

    private static final int STIME = 12;

    private static final int CUTIME = 13;

    private static final int CSTIME = 14;

    private static final Duration SETTLE_POLL = Duration.ofMillis(100);

    private static final int SETTLED_POLLS = 3;

    private static final int MAX_POLLS = 50;

    private final com.sun.management.OperatingSystemMXBean system =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long postmasterPid;

    private CpuClock(long postmasterPid) {
        this.postmasterPid = postmasterPid;
    }

    /** Finds the postmaster as the parent of this connection's backend. */
    static CpuClock locate(JdbcTemplate jdbc) {
        Long backend = jdbc.queryForObject("SELECT pg_backend_pid()", Long.class);
        long postmaster = stat(backend)
                .map(fields -> Long.parseLong(fields[PPID]))
                .filter(pid -> comm(pid).equals("postgres"))
                .orElse(-1L);
        return new CpuClock(postmaster);
    }

    /** CPU time used so far; the server's part is negative when unknown. */
    record Reading(long jvmNanos, long postgresTicks) {}

    /** CPU time between two readings; the server's part is empty when unknown. */
    record Spent(Duration jvm, Optional<Duration> postgres) {}

    Reading read() throws InterruptedException {
        long postgresTicks = settledPostgresTicks();
        return new Reading(system.getProcessCpuTime(), postgresTicks);
    }

    Spent since(Reading before) throws InterruptedException {
        long jvmNanos = system.getProcessCpuTime();
        Reading now = new Reading(jvmNanos, settledPostgresTicks());
        Optional<Duration> postgres = before.postgresTicks() < 0 || now.postgresTicks() < 0
                ? Optional.empty()
                : Optional.of(Duration.ofMillis(
                        Math.round((now.postgresTicks() - before.postgresTicks()) * 1000 / TICKS_PER_SECOND)));
        return new Spent(Duration.ofNanos(now.jvmNanos() - before.jvmNanos()), postgres);
    }

    private long settledPostgresTicks() throws InterruptedException {
        if (postmasterPid < 0) {
            return -1;
        }
        long ticks = postgresTicks();
        int unchanged = 0;
        for (int poll = 0; poll < MAX_POLLS && unchanged < SETTLED_POLLS; poll++) {
            Thread.sleep(SETTLE_POLL.toMillis());
            long next = postgresTicks();
            unchanged = next == ticks ? unchanged + 1 : 0;
            ticks = next;
        }
        return ticks;
    }

    private long postgresTicks() {
        if (postmasterPid < 0) {
            return -1;
        }
        Optional<String[]> postmaster = stat(postmasterPid);
        if (postmaster.isEmpty()) {
            return -1;
        }
        String[] own = postmaster.get();
        long ticks = Long.parseLong(own[UTIME])
                + Long.parseLong(own[STIME])
                + Long.parseLong(own[CUTIME])
                + Long.parseLong(own[CSTIME]);
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return ticks
                    + processes
                            .map(path -> path.getFileName().toString())
                            .filter(name -> name.chars().allMatch(Character::isDigit))
                            .map(name -> stat(Long.parseLong(name)))
                            .flatMap(Optional::stream)
                            .filter(fields -> Long.parseLong(fields[PPID]) == postmasterPid)
                            .mapToLong(fields -> Long.parseLong(fields[UTIME]) + Long.parseLong(fields[STIME]))
                            .sum();
        } catch (IOException ex) {
            return -1;
        }
    }

    /** The fields of /proc/[pid]/stat after the command name, which may itself hold spaces and parentheses. */
    private static Optional<String[]> stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Optional.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        } catch (IOException | RuntimeException ex) {
            return Optional.empty();
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .trim();
        } catch (IOException ex) {
            return "";
        }
    }
}
