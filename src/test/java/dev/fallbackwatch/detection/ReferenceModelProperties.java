package dev.fallbackwatch.detection;

import static dev.fallbackwatch.testing.DefenderEvents.event;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fallbackwatch.testing.DefenderEvents;
import dev.fallbackwatch.testing.MutableClock;
import dev.fallbackwatch.testing.MutableClockConfiguration;
import dev.fallbackwatch.testing.PostgresIntegrationTest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.spring.JqwikSpringSupport;
import org.assertj.core.api.SoftAssertions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/**
 * A full run finds exactly what an independent, in-memory model of the seed query finds. Each try sends a day and
 * a few hours of random DeviceNetworkEvents records in up to three batches: bursts of one process towards many
 * destinations, noise, records on the edges of the window and of hour buckets, and duplicates. It then runs
 * detection with an explicit window end and compares every column of every finding with {@link SeedQueryModel},
 * which follows the KQL and the rules the README adds to it, and knows nothing of the SQL.
 */
@JqwikSpringSupport
@Import(MutableClockConfiguration.class)
class ReferenceModelProperties extends PostgresIntegrationTest {

    private static final Instant EARLIEST_WINDOW_END = Instant.parse("2026-12-01T00:00:00Z");

    /** Ingest refuses a Timestamp more than this after the clock, which stands at the window end. */
    private static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);

    private static final List<String> RISK_LEVELS = List.of("Critical", "High", "Medium", "Low");

    private static final List<String> DEVICES = List.of("ws-fin-042", "srv-db-07", "WS-FIN-042");

    private static final List<String> ACCOUNTS = List.of("jdoe", "svc-backup");

    /** Plain names, look-alikes of an excluded name, and excluded names in another case. */
    private static final List<String> FILE_NAMES = List.of(
            "rundll32.exe",
            "rundll32.exe",
            "powershell.exe",
            "update-chrome.exe",
            "chrome.exe.tmp",
            "CHROME.EXE",
            "onedrive.EXE");

    private static final List<String> COMMAND_LINES =
            List.of("rundll32.exe C:\\Users\\Public\\wdm.dll,Start", "powershell -nop -w hidden -enc SQBFAFgA");

    private static final List<Long> PROCESS_IDS = List.of(4242L, 5120L);

    private static final List<String> PARENTS = List.of("explorer.exe", "svchost.exe");

    /** Globally routable addresses, each in the canonical spelling PostgreSQL gives back. */
    private static final List<String> PUBLIC_ADDRESSES = List.of(
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "45.77.10.1",
            "185.199.108.153",
            "77.75.108.137",
            "104.16.132.229",
            "151.101.1.69",
            "140.82.112.3",
            "2606:4700::1111",
            "2a00:1450:4001:82a::200e",
            "2001:4860:4860::8888",
            "2620:fe::fe");

    /** RFC 1918, carrier-grade NAT and unique local: never Public when the service classifies them. */
    private static final List<String> NON_PUBLIC_ADDRESSES =
            List.of("10.0.0.5", "192.168.1.20", "100.64.0.1", "fd00::1");

    private static final List<Integer> NON_FALLBACK_PORTS = List.of(22, 3389, 8081);

    private static final DateTimeFormatter DEFENDER_TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final String STORED_FINDINGS = """
            SELECT device_name, account_name, initiating_process_file_name, initiating_process_command_line,
                   initiating_process_id, initiating_process_parent_file_name, window_start, window_end,
                   first_seen, last_seen, connection_span_minutes, unique_dest_ips, unique_dest_ports,
                   total_connections, destination_ips, destination_ports, risk_score
            FROM finding""";

    @Autowired
    MutableClock clock;

    @Autowired
    DetectionService detection;

    /**
     * The seed alone decides a try, so a failure is replayed by its seed. Shrinking a seed would only try other
     * days, and the edge cases of {@code long} (0 and {@code Long.MIN_VALUE}, -1 and {@code Long.MAX_VALUE}) give
     * {@link Random} the same 48-bit seed twice, so neither is used.
     */
    @Property(tries = 20, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void fullRunsFindWhatTheSeedQueryFinds(@ForAll long seed) {
        Scenario scenario = Scenario.generate(new Random(seed));
        List<SentRecord> sent =
                scenario.batches().stream().flatMap(List::stream).toList();
        startFromTheSeedSettings();

        clock.set(scenario.windowEnd());
        sendInBatches(scenario.batches(), seed);
        DetectionRun run = detection.run(DetectionRun.Trigger.MANUAL, scenario.windowEnd());

        SeedQueryModel model = new SeedQueryModel(sent, scenario.windowEnd());
        assertThat(run.status()).as("run of seed %d", seed).isEqualTo(DetectionRun.Status.SUCCEEDED);
        assertThat(run.eventsScanned()).as("events scanned, seed %d", seed).isEqualTo(model.eventsInWindow());
        assertThat(run.eventsMatched()).as("events matched, seed %d", seed).isEqualTo(model.eventsMatched());
        assertSameFindings(seed, sent, model.findings(), storedFindings());

        collectStatistics(model);
    }

    /**
     * Writes the lists and thresholds of the seed query afresh, so settings another test changed cannot leak into
     * this one, and empties events, findings and runs.
     */
    private void startFromTheSeedSettings() {
        jdbc.execute("TRUNCATE network_event, detection_backlog, finding, detection_run, destination_exclusion"
                + " RESTART IDENTITY CASCADE");
        jdbc.execute("DELETE FROM process_exclusion");
        jdbc.batchUpdate(
                "INSERT INTO process_exclusion (process_name, reason) VALUES (?, 'seed query')",
                SeedQueryModel.EXCLUDED_PROCESSES.stream()
                        .map(name -> new Object[] {name})
                        .toList());
        jdbc.execute("DELETE FROM detection_port");
        jdbc.batchUpdate(
                "INSERT INTO detection_port (port) VALUES (?)",
                SeedQueryModel.FALLBACK_PORTS.stream()
                        .map(port -> new Object[] {port})
                        .toList());
        jdbc.update("""
                UPDATE detection_threshold
                SET lookback_hours = 24, bucket_minutes = 60,
                    finding_min_distinct_ips = 3, finding_min_distinct_ports = 3, finding_min_connections = 5,
                    critical_min_distinct_ips = 5, critical_min_distinct_ports = 3,
                    high_min_distinct_ips = 4, high_min_distinct_ports = 3, high_min_connections = 8,
                    medium_min_distinct_ips = 3
                WHERE id = 1""");
    }

    /** Each batch is stored whole; a record whose identity was sent before is counted as a duplicate. */
    private void sendInBatches(List<List<SentRecord>> batches, long seed) {
        Set<Identity> sentBefore = new HashSet<>();

        for (List<SentRecord> batch : batches) {
            long expectedDuplicates =
                    batch.stream().filter(r -> !sentBefore.add(r.identity())).count();

            MvcTestResult result = ingestJson(
                    json.writeValueAsString(batch.stream().map(SentRecord::json).toList()));

            assertThat(result).hasStatusOk();
            JsonNode outcome = json.readTree(result.getResponse().getContentAsByteArray());
            assertThat(outcome.get("rejected").asInt())
                    .as("rejected records of seed %d: %s", seed, outcome.get("errors"))
                    .isZero();
            assertThat(outcome.get("duplicates").asLong())
                    .as("duplicates in a batch of seed %d", seed)
                    .isEqualTo(expectedDuplicates);
        }
    }

    private List<Finding> storedFindings() {
        return jdbc.query(STORED_FINDINGS, ReferenceModelProperties::finding);
    }

    private static Finding finding(ResultSet rs, int rowNum) throws SQLException {
        Group group = new Group(
                rs.getString("device_name"),
                rs.getString("account_name"),
                rs.getString("initiating_process_file_name"),
                rs.getString("initiating_process_command_line"),
                rs.getLong("initiating_process_id"),
                rs.getString("initiating_process_parent_file_name"));
        return new Finding(
                group,
                instant(rs, "window_start"),
                instant(rs, "window_end"),
                instant(rs, "first_seen"),
                instant(rs, "last_seen"),
                rs.getLong("connection_span_minutes"),
                rs.getInt("unique_dest_ips"),
                rs.getInt("unique_dest_ports"),
                rs.getInt("total_connections"),
                List.of((String[]) rs.getArray("destination_ips").getArray()),
                List.of((Integer[]) rs.getArray("destination_ports").getArray()),
                rs.getString("risk_score"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** Compares finding by finding, so that every difference is reported with its seed, group and bucket. */
    private static void assertSameFindings(
            long seed, List<SentRecord> sent, List<Finding> expected, List<Finding> actual) {
        Map<GroupBucket, Finding> expectedByBucket = byGroupBucket(expected);
        Map<GroupBucket, Finding> actualByBucket = byGroupBucket(actual);
        Set<GroupBucket> buckets = new TreeSet<>(GroupBucket.ORDER);
        buckets.addAll(expectedByBucket.keySet());
        buckets.addAll(actualByBucket.keySet());

        SoftAssertions softly = new SoftAssertions();
        for (GroupBucket bucket : buckets) {
            Finding stored = actualByBucket.get(bucket);
            Finding modelled = expectedByBucket.get(bucket);
            if (stored == null || modelled == null) {
                softly.assertThat(stored)
                        .as(() -> difference(seed, bucket, sent))
                        .isEqualTo(modelled);
            } else {
                softly.assertThat(stored)
                        .as(() -> difference(seed, bucket, sent))
                        .usingRecursiveComparison()
                        .isEqualTo(modelled);
            }
        }
        softly.assertAll();
    }

    private static Map<GroupBucket, Finding> byGroupBucket(List<Finding> findings) {
        return findings.stream().collect(Collectors.toMap(Finding::groupBucket, Function.identity()));
    }

    private static String difference(long seed, GroupBucket bucket, List<SentRecord> sent) {
        String records = sent.stream()
                .filter(r -> r.group().equals(bucket.group()))
                .filter(r -> r.time().truncatedTo(ChronoUnit.HOURS).equals(bucket.bucketStart()))
                .sorted(Comparator.comparing(SentRecord::time))
                .map(SentRecord::describe)
                .collect(Collectors.joining("\n  "));
        return "finding of seed %d, group %s, bucket %s (null: no finding); the group's records in the bucket,"
                        .formatted(seed, bucket.group(), bucket.bucketStart())
                + " by time, in the order sent (the first of each identity counts):\n  " + records + "\n";
    }

    /** Tries that compare nothing but empty tables would prove little: every level and near miss must show up. */
    private static void collectStatistics(SeedQueryModel model) {
        List<Finding> findings = model.findings();
        findings.forEach(f -> Statistics.label("risk levels").collect(f.riskScore()));
        Statistics.label("risk levels")
                .coverage(coverage ->
                        RISK_LEVELS.forEach(level -> coverage.check(level).count(count -> count >= 1)));

        Statistics.label("tries with a group just below the thresholds").collect(model.hasNearMiss());
        Statistics.label("tries with a group just below the thresholds")
                .coverage(coverage -> coverage.check(true).percentage(percent -> percent >= 30));

        Statistics.label("tries with more than ten destinations in a finding")
                .collect(findings.stream().anyMatch(f -> f.uniqueDestIps() > 10));
        Statistics.label("tries with more than ten destinations in a finding")
                .coverage(coverage -> coverage.check(true).count(count -> count >= 1));
    }

    /** The six columns the seed query summarises by, besides the hour. */
    record Group(
            String deviceName,
            String accountName,
            String fileName,
            String commandLine,
            long processId,
            String parentFileName) {}

    record GroupBucket(Group group, Instant bucketStart) {

        static final Comparator<GroupBucket> ORDER = Comparator.comparing((GroupBucket b) -> b.bucketStart())
                .thenComparing(b -> b.group().toString());
    }

    /** What events are the same: Defender's identity of a record. */
    record Identity(String deviceName, long reportId, Instant time) {}

    /** One finding, as the model computes it or as the service stored it. */
    record Finding(
            Group group,
            Instant windowStart,
            Instant windowEnd,
            Instant firstSeen,
            Instant lastSeen,
            long connectionSpanMinutes,
            int uniqueDestIps,
            int uniqueDestPorts,
            int totalConnections,
            List<String> destinationIps,
            List<Integer> destinationPorts,
            String riskScore) {

        GroupBucket groupBucket() {
            return new GroupBucket(group, windowStart);
        }
    }

    /**
     * One DeviceNetworkEvents record as sent. A null {@code accountName} or {@code remoteIpType} leaves the column
     * out of the record.
     */
    record SentRecord(
            Instant time,
            String timestamp,
            String deviceName,
            long reportId,
            String accountName,
            String processAccountName,
            String fileName,
            String commandLine,
            long processId,
            String parentFileName,
            String remoteIp,
            int remotePort,
            String remoteIpType) {

        Identity identity() {
            return new Identity(deviceName, reportId, time);
        }

        /** AccountName when the record has one, else the account of the initiating process. */
        Group group() {
            String account = accountName == null || accountName.isEmpty() ? processAccountName : accountName;
            return new Group(deviceName, account, fileName, commandLine, processId, parentFileName);
        }

        /** One line of a failure message: the columns the seed query reads, besides the group's. */
        String describe() {
            return "%s ReportId=%d RemoteIP=%s RemotePort=%d RemoteIPType=%s AccountName=%s"
                            .formatted(
                                    timestamp,
                                    reportId,
                                    remoteIp,
                                    remotePort,
                                    quoted(remoteIpType),
                                    quoted(accountName))
                    + " InitiatingProcessAccountName=" + processAccountName;
        }

        private static String quoted(String column) {
            return column == null ? "(absent)" : "\"" + column + "\"";
        }

        Map<String, Object> json() {
            DefenderEvents record = event().at(timestamp)
                    .device(deviceName)
                    .reportId(reportId)
                    .process(fileName)
                    .with("InitiatingProcessCommandLine", commandLine)
                    .pid(processId)
                    .with("InitiatingProcessParentFileName", parentFileName)
                    .with("InitiatingProcessAccountName", processAccountName)
                    .to(remoteIp, remotePort)
                    .without("RemoteIPType");
            if (accountName != null) {
                record.with("AccountName", accountName);
            }
            if (remoteIpType != null) {
                record.with("RemoteIPType", remoteIpType);
            }
            return record.build();
        }
    }

    /**
     * The seed KQL evaluated in memory over the records as sent, with the service's documented rules: window
     * {@code (windowEnd - 24h, windowEnd]}, a missing RemoteIPType classified from the address, whole-name
     * case-insensitive process exclusion, exact distinct counts, destinations in first-contact order and the
     * first record of each identity kept.
     */
    static final class SeedQueryModel {

        static final List<String> EXCLUDED_PROCESSES = List.of(
                "chrome.exe",
                "firefox.exe",
                "msedge.exe",
                "iexplore.exe",
                "opera.exe",
                "brave.exe",
                "MicrosoftEdgeUpdate.exe",
                "MsMpEng.exe",
                "OneDrive.exe",
                "Teams.exe",
                "Slack.exe",
                "Zoom.exe",
                "Skype.exe",
                "outlook.exe",
                "lync.exe",
                "SearchApp.exe",
                "msedgewebview2.exe",
                "WINWORD.EXE",
                "EXCEL.EXE",
                "POWERPNT.EXE");

        static final List<Integer> FALLBACK_PORTS =
                List.of(53, 80, 443, 4443, 8080, 8443, 8888, 1194, 4444, 9443, 2222, 3128);

        private static final Duration LOOKBACK = Duration.ofHours(24);

        private static final int MAX_LISTED_DESTINATIONS = 10;

        private final List<SentRecord> inWindow;

        private final List<Finding> buckets;

        SeedQueryModel(List<SentRecord> sent, Instant windowEnd) {
            Instant windowStart = windowEnd.minus(LOOKBACK);
            Map<Identity, SentRecord> stored = new LinkedHashMap<>();
            sent.forEach(r -> stored.putIfAbsent(r.identity(), r));

            // | where Timestamp > ago(24h)
            this.inWindow = stored.values().stream()
                    .filter(r -> r.time().isAfter(windowStart) && !r.time().isAfter(windowEnd))
                    .toList();

            // | where RemoteIPType == "Public" | where RemotePort in (...) | where not(... ExcludedProcesses)
            Map<GroupBucket, List<SentRecord>> matching = inWindow.stream()
                    .filter(r -> "Public".equals(remoteIpType(r)))
                    .filter(r -> FALLBACK_PORTS.contains(r.remotePort()))
                    .filter(r -> !isExcluded(r.fileName()))
                    .collect(groupingBy(r -> new GroupBucket(r.group(), r.time().truncatedTo(ChronoUnit.HOURS))));

            // | summarize ... by the six columns, bin(Timestamp, 1h)
            this.buckets = matching.entrySet().stream()
                    .map(bucket -> summarize(bucket.getKey(), bucket.getValue()))
                    .toList();
        }

        long eventsInWindow() {
            return inWindow.size();
        }

        long eventsMatched() {
            return buckets.stream().mapToLong(Finding::totalConnections).sum();
        }

        /** The summarised buckets that pass the seed's where clause. */
        List<Finding> findings() {
            return buckets.stream().filter(SeedQueryModel::crossesThresholds).toList();
        }

        /** Whether some bucket missed the where clause by one address or by one connection. */
        boolean hasNearMiss() {
            return buckets.stream()
                    .filter(b -> !crossesThresholds(b))
                    .anyMatch(b -> b.uniqueDestIps() == 2 || (b.uniqueDestPorts() >= 3 && b.totalConnections() == 4));
        }

        private static String remoteIpType(SentRecord record) {
            if (record.remoteIpType() != null && !record.remoteIpType().isEmpty()) {
                return record.remoteIpType();
            }
            return PUBLIC_ADDRESSES.contains(record.remoteIp()) ? "Public" : "Private";
        }

        private static boolean isExcluded(String fileName) {
            return EXCLUDED_PROCESSES.stream().anyMatch(fileName::equalsIgnoreCase);
        }

        private static Finding summarize(GroupBucket bucket, List<SentRecord> records) {
            List<SentRecord> byTime = records.stream()
                    .sorted(Comparator.comparing(SentRecord::time))
                    .toList();
            Set<String> addresses = new LinkedHashSet<>();
            Set<Integer> ports = new LinkedHashSet<>();
            byTime.forEach(r -> {
                addresses.add(r.remoteIp());
                ports.add(r.remotePort());
            });
            Instant firstSeen = byTime.get(0).time();
            Instant lastSeen = byTime.get(byTime.size() - 1).time();

            // datetime_diff('minute', ...) counts the minute boundaries crossed
            long spanMinutes = Duration.between(
                            firstSeen.truncatedTo(ChronoUnit.MINUTES), lastSeen.truncatedTo(ChronoUnit.MINUTES))
                    .toMinutes();

            return new Finding(
                    bucket.group(),
                    bucket.bucketStart(),
                    bucket.bucketStart().plus(Duration.ofHours(1)),
                    firstSeen,
                    lastSeen,
                    spanMinutes,
                    addresses.size(),
                    ports.size(),
                    records.size(),
                    addresses.stream().limit(MAX_LISTED_DESTINATIONS).toList(),
                    ports.stream().limit(MAX_LISTED_DESTINATIONS).toList(),
                    riskScore(addresses.size(), ports.size(), records.size()));
        }

        // | where UniqueDestIPs >= 3 or (UniqueDestPorts >= 3 and TotalConnections >= 5)
        private static boolean crossesThresholds(Finding bucket) {
            return bucket.uniqueDestIps() >= 3 || (bucket.uniqueDestPorts() >= 3 && bucket.totalConnections() >= 5);
        }

        // | extend RiskScore = case(...)
        private static String riskScore(int destinationIps, int destinationPorts, int connections) {
            if (destinationIps >= 5 && destinationPorts >= 3) {
                return "Critical";
            }
            if (destinationIps >= 4 || (destinationPorts >= 3 && connections >= 8)) {
                return "High";
            }
            return destinationIps >= 3 ? "Medium" : "Low";
        }
    }

    /**
     * The records of one try, in the order and batches they are sent, and the end of the window evaluated.
     *
     * <p>Records come in bursts: one process instance towards a handful of destinations within one hour bucket,
     * as a fallback channel would, some of them sent by a slightly different instance. Bursts favour the buckets
     * of the window's start and end. Noise is spread over the whole range, and single records sit exactly on the
     * window's start and end, one microsecond after each, and on hour boundaries. Every record has its own
     * microsecond, so first contact is never a tie; ReportIds repeat across other instants, as Defender's do,
     * without making a duplicate.
     */
    record Scenario(Instant windowEnd, List<List<SentRecord>> batches) {

        static Scenario generate(Random random) {
            Instant windowEnd = EARLIEST_WINDOW_END.plus(Duration.ofHours(random.nextInt(48)));
            if (random.nextInt(4) > 0) {
                windowEnd = windowEnd
                        .plus(Duration.ofSeconds(random.nextInt(3600)))
                        .plus(random.nextInt(1_000_000), ChronoUnit.MICROS);
            }
            Generator generator = new Generator(random, windowEnd);
            return new Scenario(windowEnd, generator.batches());
        }
    }

    private static final class Generator {

        private final Random random;

        private final Instant windowEnd;

        private final Instant windowStart;

        /** Records at or after this are refused by ingest. */
        private final Instant latest;

        /** The hour bucket of the window end; bursts go into it and the 27 before it. */
        private final Instant lastBucket;

        private final List<Group> processes = new ArrayList<>();

        private final Map<Instant, List<Group>> processesByBucket = new HashMap<>();

        private final Set<Instant> usedTimes = new HashSet<>();

        private final List<SentRecord> distinct = new ArrayList<>();

        Generator(Random random, Instant windowEnd) {
            this.random = random;
            this.windowEnd = windowEnd;
            this.windowStart = windowEnd.minus(SeedQueryModel.LOOKBACK);
            this.latest = windowEnd.plus(MAX_CLOCK_SKEW);
            this.lastBucket = windowEnd.truncatedTo(ChronoUnit.HOURS);
        }

        List<List<SentRecord>> batches() {
            int size = 60 + random.nextInt(215);
            int processCount = 4 + random.nextInt(4);
            for (int i = 0; i < processCount; i++) {
                processes.add(new Group(
                        pick(DEVICES),
                        pick(ACCOUNTS),
                        pick(FILE_NAMES),
                        pick(COMMAND_LINES),
                        pick(PROCESS_IDS),
                        pick(PARENTS)));
            }

            while (distinct.size() < size * 8 / 10) {
                burst();
            }
            recordsOnTheEdges();
            while (distinct.size() < size * 9 / 10) {
                add(pick(processes), freeTime(lastBucket.minus(Duration.ofHours(27)), latest), pick(PUBLIC_ADDRESSES));
            }

            List<SentRecord> sendOrder = withDuplicates(distinct);
            return inBatches(sendOrder);
        }

        /** A process instance towards some addresses and ports within one hour bucket. */
        private void burst() {
            int hoursBack = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> 24;
                default -> random.nextInt(28);
            };
            Instant bucketStart = lastBucket.minus(Duration.ofHours(hoursBack));
            Instant bucketEnd = min(bucketStart.plus(Duration.ofHours(1)), latest);
            Group process = pick(processes);
            processesByBucket
                    .computeIfAbsent(bucketStart, b -> new ArrayList<>())
                    .add(process);

            Shape shape = shape();
            List<String> addresses = sample(PUBLIC_ADDRESSES, shape.addresses());
            if (random.nextInt(3) == 0) {
                addresses.add(pick(NON_PUBLIC_ADDRESSES));
            }
            List<Integer> ports = sample(SeedQueryModel.FALLBACK_PORTS, shape.ports());
            if (random.nextInt(3) == 0) {
                ports.add(pick(NON_FALLBACK_PORTS));
            }

            for (int i = 0; i < shape.connections(); i++) {
                Group sender = random.nextInt(10) == 0 ? variantOf(process) : process;
                String address = addresses.get(i % addresses.size());
                addOnPort(sender, freeTime(bucketStart, bucketEnd), address, pick(ports));
            }
        }

        /** How many public addresses and fallback ports a burst reaches, in how many connections. */
        private record Shape(int addresses, int ports, int connections) {}

        private Shape shape() {
            return switch (random.nextInt(8)) {
                // every address, most of them counted: often more than ten
                case 0 -> new Shape(PUBLIC_ADDRESSES.size(), 1 + random.nextInt(4), 30 + random.nextInt(10));
                // one or two addresses on several ports, around the connection thresholds
                case 1, 2 -> new Shape(1 + random.nextInt(2), 3 + random.nextInt(2), 5 + random.nextInt(4));
                default ->
                    new Shape(
                            1 + random.nextInt(PUBLIC_ADDRESSES.size()), 1 + random.nextInt(4), 2 + random.nextInt(15));
            };
        }

        /** The same process but for one column, so it forms a group of its own. */
        private Group variantOf(Group process) {
            return switch (random.nextInt(4)) {
                case 0 ->
                    new Group(
                            process.deviceName(),
                            process.accountName(),
                            process.fileName(),
                            process.commandLine(),
                            process.processId() + 1,
                            process.parentFileName());
                case 1 ->
                    new Group(
                            process.deviceName(),
                            process.accountName(),
                            process.fileName(),
                            process.commandLine(),
                            process.processId(),
                            pick(PARENTS));
                case 2 ->
                    new Group(
                            process.deviceName(),
                            process.accountName(),
                            process.fileName(),
                            pick(COMMAND_LINES),
                            process.processId(),
                            process.parentFileName());
                default ->
                    new Group(
                            process.deviceName(),
                            process.accountName(),
                            process.fileName().toUpperCase(Locale.ROOT),
                            process.commandLine(),
                            process.processId(),
                            process.parentFileName());
            };
        }

        /** Exactly on the window's start and end and one microsecond after each, and on hour boundaries. */
        private void recordsOnTheEdges() {
            List<Instant> edges = new ArrayList<>(List.of(
                    windowStart,
                    windowStart.plus(1, ChronoUnit.MICROS),
                    windowEnd,
                    windowEnd.plus(1, ChronoUnit.MICROS)));
            for (int i = 0; i < 4; i++) {
                Instant boundary = lastBucket.minus(Duration.ofHours(random.nextInt(28)));
                edges.add(boundary);
                edges.add(boundary.minus(1, ChronoUnit.MICROS));
            }

            for (Instant edge : edges) {
                if (usedTimes.add(edge)) {
                    Group process = pick(processesByBucket.getOrDefault(edge.truncatedTo(ChronoUnit.HOURS), processes));
                    add(process, edge, pick(PUBLIC_ADDRESSES));
                }
            }
        }

        private void add(Group process, Instant time, String address) {
            addOnPort(process, time, address, pick(SeedQueryModel.FALLBACK_PORTS));
        }

        private void addOnPort(Group process, Instant time, String address, int port) {
            String timestamp = random.nextBoolean() ? time.toString() : DEFENDER_TIMESTAMP.format(time);
            String otherAccount = pick(ACCOUNTS);

            // The group's account comes from AccountName when present and non-empty, else from the process.
            SentRecord record = switch (random.nextInt(3)) {
                case 0 -> sent(process, time, timestamp, process.accountName(), otherAccount, address, port);
                case 1 -> sent(process, time, timestamp, null, process.accountName(), address, port);
                default -> sent(process, time, timestamp, "", process.accountName(), address, port);
            };
            distinct.add(record);
        }

        private SentRecord sent(
                Group process,
                Instant time,
                String timestamp,
                String accountName,
                String processAccountName,
                String address,
                int port) {
            return new SentRecord(
                    time,
                    timestamp,
                    process.deviceName(),
                    random.nextInt(60),
                    accountName,
                    processAccountName,
                    process.fileName(),
                    process.commandLine(),
                    process.processId(),
                    process.parentFileName(),
                    address,
                    port,
                    remoteIpType(address));
        }

        /** Mostly Defender's own classification; sometimes absent, empty, in the wrong case or wrong. */
        private String remoteIpType(String address) {
            int roll = random.nextInt(100);
            if (PUBLIC_ADDRESSES.contains(address)) {
                if (roll < 75) {
                    return "Public";
                }
                return roll < 83 ? null : roll < 88 ? "" : roll < 95 ? "public" : "Private";
            }
            return roll < 50 ? "Private" : roll < 80 ? null : roll < 90 ? "" : "Public";
        }

        /**
         * Shuffled, with some records sent again: most exactly as before, a few with the same identity but another
         * destination, which must not count either.
         */
        private List<SentRecord> withDuplicates(List<SentRecord> records) {
            List<SentRecord> shuffled = new ArrayList<>(records);
            Collections.shuffle(shuffled, random);
            List<SentRecord> sendOrder = new ArrayList<>();

            for (SentRecord record : shuffled) {
                sendOrder.add(record);
                int roll = random.nextInt(100);
                if (roll < 7) {
                    sendOrder.add(pick(sendOrder));
                } else if (roll < 9) {
                    SentRecord original = pick(sendOrder);
                    sendOrder.add(new SentRecord(
                            original.time(),
                            original.timestamp(),
                            original.deviceName(),
                            original.reportId(),
                            original.accountName(),
                            original.processAccountName(),
                            original.fileName(),
                            original.commandLine(),
                            original.processId(),
                            original.parentFileName(),
                            pick(PUBLIC_ADDRESSES),
                            pick(SeedQueryModel.FALLBACK_PORTS),
                            "Public"));
                }
            }
            return sendOrder;
        }

        private List<List<SentRecord>> inBatches(List<SentRecord> sendOrder) {
            int batchCount = 1 + random.nextInt(3);
            List<List<SentRecord>> batches = new ArrayList<>();
            int from = 0;
            for (int batch = 1; batch <= batchCount; batch++) {
                int to = batch == batchCount ? sendOrder.size() : from + random.nextInt(sendOrder.size() - from + 1);
                batches.add(List.copyOf(sendOrder.subList(from, to)));
                from = to;
            }
            return batches;
        }

        /** A microsecond in {@code [from, to)} that no other record has. */
        private Instant freeTime(Instant from, Instant to) {
            long micros = ChronoUnit.MICROS.between(from, to);
            Instant time;
            do {
                time = from.plus(random.nextLong(micros), ChronoUnit.MICROS);
            } while (!usedTimes.add(time));
            return time;
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

        private <T> List<T> sample(List<T> values, int count) {
            List<T> shuffled = new ArrayList<>(values);
            Collections.shuffle(shuffled, random);
            return new ArrayList<>(shuffled.subList(0, count));
        }

        private static Instant min(Instant a, Instant b) {
            return a.isBefore(b) ? a : b;
        }
    }
}
