package dev.fallbackwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.detection.DetectionRun;
import dev.fallbackwatch.detection.DetectionService;
import dev.fallbackwatch.testing.MutableClock;
import dev.fallbackwatch.testing.MutableClockConfiguration;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import dev.fallbackwatch.testing.TestDatabase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Measures the service's ingest and detection beside the physical limits they run against, on a real PostgreSQL
 * and a real HTTP port. Not part of the test suite: run it with {@code ./mvnw -Pbench test}; see
 * {@code docs/performance.md}. The size comes from system properties ({@code bench.events} and others, see
 * {@link BenchmarkSize}).
 *
 * <p>The same generated day is loaded three times into an empty {@code network_event}: over HTTP by concurrent
 * clients, by the service's staging statements without HTTP, and by a plain COPY. A fingerprint of every
 * stored column proves the three loads stored identical rows. Detection then runs over the day and is set
 * against a bare aggregate of the same rows. Last, the events of the following minute arrive over HTTP and the
 * next scheduled run, an incremental one, is set against the full run. The service's clock stands at the end of
 * the day, so that the scheduled runs see the generated day as the last 24 hours.
 */
@Tag("benchmark")
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "fallbackwatch.detection.schedule-enabled=false",
            "fallbackwatch.retention.schedule-enabled=false",
            "fallbackwatch.security.admin-key=" + PostgresIntegrationTest.ADMIN_KEY,
            "fallbackwatch.ingest.rate-limit.requests-per-second=1000000",
            "fallbackwatch.ingest.rate-limit.burst=1000000"
        })
@Import(MutableClockConfiguration.class)
class IngestAndDetectionBenchmark {

    private static final Path RESULTS = Path.of("target", "benchmark", "results.md");

    private static final String FINGERPRINT = "SELECT count(*) AS events,"
            + " coalesce(sum(hashtextextended(ROW(" + BenchmarkDay.COLUMNS + ")::text, 0)), 0)::text AS checksum"
            + " FROM network_event";

    /** The summarize of the seed query with nothing around it; the outer sums keep every aggregate computed. */
    private static final String BARE_AGGREGATE = """
            SELECT count(*) AS groups, sum(unique_ips) AS unique_ips, sum(unique_ports) AS unique_ports,
                   sum(connections) AS connections
            FROM (
                SELECT device_name, account_name, initiating_process_file_name,
                       initiating_process_command_line, initiating_process_id,
                       initiating_process_parent_file_name,
                       date_bin('1 hour', event_time, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket_start,
                       count(DISTINCT remote_ip) AS unique_ips,
                       count(DISTINCT remote_port) AS unique_ports,
                       count(*) AS connections
                FROM network_event
                WHERE event_time > :windowStart
                  AND event_time <= :windowEnd
                GROUP BY 1, 2, 3, 4, 5, 6, 7
            ) per_bucket""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    NamedParameterJdbcTemplate namedJdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    DetectionService detection;

    @Autowired
    MutableClock clock;

    @TempDir
    Path workDirectory;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase database = TestDatabase.get();
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
    }

    /** Every stored column of every event, reduced to a count and a sum of hashes. */
    record Fingerprint(long events, String checksum) {}

    /** What the bare aggregate returned; its sums tie it to the detection's figures. */
    record Aggregate(long groups, long connections) {}

    /** What one step returned, its wall time, and the CPU time the JVM and PostgreSQL spent meanwhile. */
    record Phase<T>(T result, Duration wallTime, CpuClock.Spent cpu) {}

    @Test
    void measuresIngestAndDetectionBesideTheirPhysicalLimits() throws Exception {
        BenchmarkSize size = BenchmarkSize.fromSystemProperties();
        jdbc.execute("TRUNCATE network_event, detection_backlog, finding, detection_run RESTART IDENTITY CASCADE");
        clock.set(BenchmarkDay.WINDOW_END);
        // No autovacuum between or inside the steps: its work would land in whichever step it overlaps.
        autovacuum("autovacuum_enabled = false");
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        CpuClock cpu = CpuClock.locate(jdbc);
        BenchmarkDay.DayFiles day = BenchmarkDay.write(size, workDirectory);

        HttpIngestClients clients = new HttpIngestClients(
                URI.create("http://127.0.0.1:" + port + "/api/v1/events"), PostgresIntegrationTest.ADMIN_KEY);
        clients.send(day.ndjsonBatches().subList(0, size.warmupBatchCount()), size.clients());
        emptyEvents();
        HeapWatch heapWatch = HeapWatch.start();
        Phase<HttpIngestClients.Outcome> http = measure(cpu, () -> clients.send(day.ndjsonBatches(), size.clients()));
        HeapWatch.Report heap = heapWatch.stop();
        Fingerprint storedOverHttp = fingerprint();

        emptyEvents();
        Phase<Long> staged = measure(cpu, () -> StagedIngest.load(dataSource, day, size.clients()));
        Fingerprint storedByStatements = fingerprint();

        emptyEvents();
        CopyLoader copy = CopyLoader.choose(size.copyClient(), TestDatabase.get(), dataSource);
        Phase<Path> copied = measure(cpu, () -> {
            copy.load(day.copyRows(), "network_event", BenchmarkDay.COLUMNS);
            return day.copyRows();
        });
        Fingerprint storedByCopy = fingerprint();

        // As autovacuum leaves the table a while after a load: statistics and visibility map up to date.
        jdbc.execute("VACUUM ANALYZE network_event");
        bareAggregate();
        Phase<DetectionRun> detected =
                measure(cpu, () -> detection.run(DetectionRun.Trigger.MANUAL, BenchmarkDay.WINDOW_END));
        Phase<Aggregate> aggregated = measure(cpu, this::bareAggregate);
        Phase<DetectionRun> reevaluated =
                measure(cpu, () -> detection.run(DetectionRun.Trigger.MANUAL, BenchmarkDay.WINDOW_END));

        List<Path> nextMinute = BenchmarkDay.writeFollowingMinute(size, size.newEvents(), workDirectory);
        HttpIngestClients.Outcome newArrivals = clients.send(nextMinute, size.clients());
        clock.set(BenchmarkDay.WINDOW_END.plus(Duration.ofMinutes(1)));
        Phase<DetectionRun> incremental = measure(cpu, () -> detection.run(DetectionRun.Trigger.SCHEDULED, null));
        autovacuum("autovacuum_enabled = true");
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        String report = report(size, startedAt, loadBefore, loadAfter, day, copy)
                + table(size, http, staged, copied, detected, reevaluated, aggregated, incremental, heap)
                        .render()
                + details(
                        http.result(),
                        storedOverHttp,
                        heap,
                        detected.result(),
                        incremental.result(),
                        aggregated.result());
        System.out.println(report);
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS, report);

        assertThat(http.result().accepted()).isEqualTo(size.events());
        assertThat(http.result().rejected()).isZero();
        assertThat(staged.result()).isEqualTo(size.events());
        assertThat(storedOverHttp.events()).isEqualTo(size.events());
        assertThat(storedOverHttp).isEqualTo(storedByStatements).isEqualTo(storedByCopy);
        assertThat(detected.result().status()).isEqualTo(DetectionRun.Status.SUCCEEDED);
        assertThat(detected.result().eventsScanned()).isEqualTo(size.events());
        assertThat(reevaluated.result().findingsCreated()).isZero();
        assertThat(reevaluated.result().findingsUpdated()).isZero();
        assertThat(aggregated.result().connections()).isEqualTo(size.events());
        assertThat(newArrivals.accepted()).isEqualTo(size.newEvents());
        assertThat(incremental.result().evaluation()).isEqualTo(DetectionRun.Evaluation.INCREMENTAL);
        assertThat(incremental.result().status()).isEqualTo(DetectionRun.Status.SUCCEEDED);
    }

    private static <T> Phase<T> measure(CpuClock cpu, Callable<T> step) throws Exception {
        CpuClock.Reading before = cpu.read();
        long startedNanos = System.nanoTime();
        T result = step.call();
        Duration wallTime = Duration.ofNanos(System.nanoTime() - startedNanos);
        return new Phase<>(result, wallTime, cpu.since(before));
    }

    private static ResultsTable table(
            BenchmarkSize size,
            Phase<HttpIngestClients.Outcome> http,
            Phase<Long> staged,
            Phase<Path> copied,
            Phase<DetectionRun> detected,
            Phase<DetectionRun> reevaluated,
            Phase<Aggregate> aggregated,
            Phase<DetectionRun> incremental,
            HeapWatch.Report heap) {
        String copyRate = "plain COPY: " + rate(size.events(), copied.wallTime());
        String aggregateTime = format("bare GROUP BY: %.2f s", seconds(aggregated.wallTime()));
        return new ResultsTable("figure", "measured", "CPU: JVM + PostgreSQL", "physical limit", "ratio")
                .row(
                        "HTTP ingest, " + size.clients() + " clients",
                        rate(size.events(), http.wallTime()),
                        cpu(http.cpu()),
                        copyRate,
                        ratio(copied.wallTime(), http.wallTime()) + " of COPY")
                .row(
                        "staging COPY + INSERT … ON CONFLICT, " + size.clients() + " connections",
                        rate(size.events(), staged.wallTime()),
                        cpu(staged.cpu()),
                        copyRate,
                        ratio(copied.wallTime(), staged.wallTime()) + " of COPY")
                .row(
                        "plain COPY into network_event",
                        rate(size.events(), copied.wallTime()),
                        cpu(copied.cpu()),
                        "(this is the limit)",
                        "1.00")
                .row(
                        "first full run over the 24 h window",
                        format("%.2f s", seconds(detected.wallTime())),
                        cpu(detected.cpu()),
                        aggregateTime,
                        ratio(detected.wallTime(), aggregated.wallTime()) + "× GROUP BY")
                .row(
                        "full run again, findings unchanged",
                        format("%.2f s", seconds(reevaluated.wallTime())),
                        cpu(reevaluated.cpu()),
                        aggregateTime,
                        ratio(reevaluated.wallTime(), aggregated.wallTime()) + "× GROUP BY")
                .row(
                        format("incremental run after %,d new events", size.newEvents()),
                        format("%.2f s", seconds(incremental.wallTime())),
                        cpu(incremental.cpu()),
                        format("full run again: %.2f s", seconds(reevaluated.wallTime())),
                        percent(
                                        incremental.wallTime().toNanos(),
                                        reevaluated.wallTime().toNanos()) + " of full")
                .row(
                        "bare GROUP BY over the same rows",
                        format("%.2f s", seconds(aggregated.wallTime())),
                        cpu(aggregated.cpu()),
                        "(this is the limit)",
                        "1.00")
                .row(
                        "peak heap during HTTP ingest",
                        mebibytes(heap.sampledPeakBytes()),
                        "",
                        "max heap: " + mebibytes(heap.maxBytes()),
                        percent(heap.sampledPeakBytes(), heap.maxBytes()) + " of max");
    }

    /** Empties the table, and writes the previous load's dirty pages now rather than during the next one. */
    private void emptyEvents() {
        jdbc.execute("TRUNCATE network_event, detection_backlog");
        jdbc.execute("CHECKPOINT");
    }

    private Fingerprint fingerprint() {
        return jdbc.queryForObject(
                FINGERPRINT, (rs, row) -> new Fingerprint(rs.getLong("events"), rs.getString("checksum")));
    }

    private Aggregate bareAggregate() {
        MapSqlParameterSource window = new MapSqlParameterSource()
                .addValue("windowStart", BenchmarkDay.DAY_START.atOffset(ZoneOffset.UTC))
                .addValue("windowEnd", BenchmarkDay.WINDOW_END.atOffset(ZoneOffset.UTC));
        return namedJdbc.queryForObject(
                BARE_AGGREGATE, window, (rs, row) -> new Aggregate(rs.getLong("groups"), rs.getLong("connections")));
    }

    private String report(
            BenchmarkSize size,
            Instant startedAt,
            double loadBefore,
            double loadAfter,
            BenchmarkDay.DayFiles day,
            CopyLoader copy) {
        Runtime runtime = Runtime.getRuntime();
        return String.join(
                "\n",
                "## fallback-watch ingest and detection benchmark",
                "",
                "- run: " + startedAt + ", `" + command(size) + "`",
                format(
                        "- machine: %d cores (%s), %s %s, load average %.2f before and %.2f after",
                        runtime.availableProcessors(),
                        cpuModel(),
                        System.getProperty("os.name"),
                        System.getProperty("os.arch"),
                        loadBefore,
                        loadAfter),
                format(
                        "- JVM: %s %s, max heap %s",
                        System.getProperty("java.vm.name"),
                        System.getProperty("java.runtime.version"),
                        mebibytes(runtime.maxMemory())),
                "- PostgreSQL: " + postgresSettings(),
                format(
                        "- data: %,d events of %s from %,d devices (%d with a beacon), %,d NDJSON batches of %,d"
                                + " (%s), the same rows as COPY text (%s); generated in %.1f s",
                        size.events(),
                        BenchmarkDay.DAY_START.toString().substring(0, 10),
                        size.devices(),
                        day.infectedDevices(),
                        size.batches(),
                        size.batchSize(),
                        mebibytes(day.ndjsonBytes()),
                        mebibytes(day.copyBytes()),
                        seconds(day.generation())),
                format(
                        "- HTTP: java.net.http.HttpClient, HTTP/1.1, application/x-ndjson, %d concurrent clients,"
                                + " after a warm-up of %d batches; plain COPY with %s",
                        size.clients(), size.warmupBatchCount(), copy.description()),
                "",
                "");
    }

    private static String details(
            HttpIngestClients.Outcome http,
            Fingerprint stored,
            HeapWatch.Report heap,
            DetectionRun run,
            DetectionRun incremental,
            Aggregate aggregate) {
        return String.join(
                "\n",
                "",
                format(
                        "- HTTP answers: %,d accepted, %,d duplicates, %,d rejected; the three loads stored the same"
                                + " rows (%,d events, fingerprint %s)",
                        http.accepted(), http.duplicates(), http.rejected(), stored.events(), stored.checksum()),
                format(
                        "- heap: %s in use after a GC before the ingest, %s sampled peak, %s sum of the heap pools'"
                                + " peaks; %d collections took %,d ms",
                        mebibytes(heap.usedBeforeBytes()),
                        mebibytes(heap.sampledPeakBytes()),
                        mebibytes(heap.poolPeaksBytes()),
                        heap.collections(),
                        heap.collectionMillis()),
                format(
                        "- detection run %d: %,d events scanned, %,d matched, %,d findings created; the bare"
                                + " GROUP BY returned %,d groups",
                        run.id(), run.eventsScanned(), run.eventsMatched(), run.findingsCreated(), aggregate.groups()),
                format(
                        "- incremental run %d: %,d events scanned (the device buckets with new events), %,d"
                                + " findings created, %,d updated",
                        incremental.id(),
                        incremental.eventsScanned(),
                        incremental.findingsCreated(),
                        incremental.findingsUpdated()),
                "- CPU: this JVM's process time (the service and the clients; not psql's) and PostgreSQL's server"
                        + " processes' time from /proc, over each step's wall time",
                "");
    }

    private String postgresSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        Stream.of("server_version", "fsync", "synchronous_commit", "shared_buffers", "work_mem", "max_wal_size")
                .forEach(name -> settings.put(name, jdbc.queryForObject("SHOW " + name, String.class)));
        URI url = URI.create(TestDatabase.get().jdbcUrl().substring("jdbc:".length()));
        return settings.remove("server_version") + " at " + url.getHost() + ":" + url.getPort() + " ("
                + String.join(
                        ", ",
                        settings.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .toList())
                + ")";
    }

    private static String command(BenchmarkSize size) {
        return "./mvnw -Pbench test -Dbench.events=" + size.events() + " -Dbench.batchSize=" + size.batchSize()
                + " -Dbench.clients=" + size.clients() + " -Dbench.warmupBatches=" + size.warmupBatches()
                + " -Dbench.devices=" + size.devices() + " -Dbench.newEvents=" + size.newEvents();
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("CPU model unknown");
        } catch (IOException ex) {
            return "CPU model unknown";
        }
    }

    private static String rate(long events, Duration time) {
        return format("%,.0f events/s (%.2f s)", events / seconds(time), seconds(time));
    }

    private static String ratio(Duration numerator, Duration denominator) {
        return format("%.2f", seconds(numerator) / seconds(denominator));
    }

    private static String cpu(CpuClock.Spent spent) {
        return format("%.1f s + ", seconds(spent.jvm()))
                + spent.postgres().map(time -> format("%.1f s", seconds(time))).orElse("unknown");
    }

    private static String percent(long part, long whole) {
        return format("%.0f%%", 100.0 * part / whole);
    }

    private static String mebibytes(long bytes) {
        return format("%,d MiB", bytes / (1024 * 1024));
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }

    /** Storage parameters belong to the partitions, not to the partitioned table. */
    private void autovacuum(String setting) {
        List<String> partitions = jdbc.queryForList(
                "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'network_event'::regclass",
                String.class);
        for (String partition : partitions) {
            jdbc.execute("ALTER TABLE " + partition + " SET (" + setting + ")");
        }
    }
}
