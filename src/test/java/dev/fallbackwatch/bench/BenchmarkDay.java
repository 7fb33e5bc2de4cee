package dev.fallbackwatch.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A day of DeviceNetworkEvents from an estate of workstations and servers, generated from a seed so that every
 * run sends the same events.
 *
 * <p>Each device runs browsers, collaboration tools, Windows services and a few scripts; each program talks to a
 * small set of its own destinations, now and then to a random one, and 15% of the traffic stays on the internal
 * network. About one device in a hundred carries a beacon that rotates through six C2 addresses and five ports,
 * the pattern the detection looks for. Processes restart every eight hours with a new id. One record in ten
 * arrives without RemoteIPType, so the service classifies its address.
 *
 * <p>Each event is written twice: as a Defender record of 25 columns for {@code POST /api/v1/events} (one NDJSON
 * file per batch), and as the row the service stores for it in COPY text format (one file for the whole day, with
 * the byte offset where each batch starts). The HTTP path and the plain COPY therefore load identical rows.
 */
final class BenchmarkDay {

    /** The day's events lie in {@code (DAY_START, WINDOW_END]}: the window of a run that ends at WINDOW_END. */
    static final Instant DAY_START = Instant.parse("2026-11-30T00:00:00Z");

    static final Instant WINDOW_END = Instant.parse("2026-12-01T00:00:00Z");

    /** The stored columns in the order of the COPY rows, which is also the order the service's store writes. */
    static final String COLUMNS = String.join(
            ", ",
            "device_name",
            "report_id",
            "event_time",
            "device_id",
            "action_type",
            "remote_ip",
            "remote_port",
            "remote_ip_type",
            "remote_ip_type_derived",
            "remote_url",
            "local_ip",
            "local_port",
            "protocol",
            "account_name",
            "initiating_process_account_name",
            "initiating_process_account_domain",
            "initiating_process_file_name",
            "initiating_process_command_line",
            "initiating_process_id",
            "initiating_process_parent_file_name");

    private static final long DAY_MICROS =
            Duration.between(DAY_START, WINDOW_END).toNanos() / 1000;

    private static final long MINUTE_MICROS = 60_000_000L;

    private static final DateTimeFormatter MICROSECONDS = DateTimeFormatter.ofPattern(
                    "uuuu-MM-dd'T'HH:mm:ss.SSSSSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static final int RESTART_HOURS = 8;

    private static final double INTERNAL_SHARE = 0.15;

    private static final double RANDOM_DESTINATION_SHARE = 0.02;

    private static final double BEACON_SHARE_ON_INFECTED_DEVICE = 0.25;

    private static final double TYPE_OMITTED_SHARE = 0.10;

    /** First octets of globally routable IPv4 space, clear of every special-purpose block. */
    private static final int[] PUBLIC_FIRST_OCTETS = {13, 20, 23, 34, 35, 40, 45, 52, 54, 77, 91, 104, 142, 151, 185};

    private static final int PUBLIC_ADDRESSES = 50_000;

    private static final int INTERNAL_ADDRESSES = 200;

    private static final int[] INTERNAL_PORTS = {445, 389, 88, 135, 3389, 53, 1433};

    private static final List<String> C2_ADDRESSES = List.of(
            "185.141.62.23", "91.219.236.18", "45.142.212.61", "193.42.33.7", "2a0d:5600:24:b0::7", "77.83.247.81");

    private static final int[] C2_PORTS = {443, 8443, 4444, 53, 8080};

    private static final Program BEACON = program(
            "rundll32.exe",
            "c:\\windows\\system32\\rundll32.exe",
            "rundll32.exe C:\\Users\\Public\\Libraries\\wdm.dll,Start",
            "explorer.exe",
            0,
            C2_ADDRESSES.size(),
            C2_PORTS);

    private static final List<Program> WORKSTATION_PROGRAMS = List.of(
            program(
                    "chrome.exe",
                    "c:\\program files\\google\\chrome\\application\\chrome.exe",
                    "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=utility"
                            + " --utility-sub-type=network.mojom.NetworkService --lang=en-US",
                    "explorer.exe",
                    24,
                    400,
                    new int[] {443, 443, 443, 443, 443, 80}),
            program(
                    "msedge.exe",
                    "c:\\program files (x86)\\microsoft\\edge\\application\\msedge.exe",
                    "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --type=utility"
                            + " --utility-sub-type=network.mojom.NetworkService",
                    "explorer.exe",
                    14,
                    300,
                    new int[] {443, 443, 443, 443, 80}),
            program(
                    "Teams.exe",
                    "c:\\users\\%s\\appdata\\local\\microsoft\\teams\\current\\teams.exe",
                    "\"C:\\Users\\%s\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe\" --system-initiated",
                    "explorer.exe",
                    8,
                    40,
                    new int[] {443, 443, 443, 3478}),
            program(
                    "outlook.exe",
                    "c:\\program files\\microsoft office\\root\\office16\\outlook.exe",
                    "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\"",
                    "explorer.exe",
                    6,
                    12,
                    new int[] {443, 443, 443, 993}),
            program(
                    "OneDrive.exe",
                    "c:\\program files\\microsoft onedrive\\onedrive.exe",
                    "\"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe\" /background",
                    "explorer.exe",
                    4,
                    10,
                    new int[] {443}),
            program(
                    "MsMpEng.exe",
                    "c:\\programdata\\microsoft\\windows defender\\platform\\4.18.24090.11-0\\msmpeng.exe",
                    "\"C:\\ProgramData\\Microsoft\\Windows Defender\\platform\\4.18.24090.11-0\\MsMpEng.exe\"",
                    "services.exe",
                    4,
                    6,
                    new int[] {443}),
            program(
                    "svchost.exe",
                    "c:\\windows\\system32\\svchost.exe",
                    "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s wuauserv",
                    "services.exe",
                    14,
                    2,
                    new int[] {443, 443, 80, 123}),
            program(
                    "Slack.exe",
                    "c:\\users\\%s\\appdata\\local\\slack\\app-4.41.105\\slack.exe",
                    "\"C:\\Users\\%s\\AppData\\Local\\slack\\app-4.41.105\\slack.exe\" --process-start-args",
                    "explorer.exe",
                    3,
                    20,
                    new int[] {443}),
            program(
                    "SearchApp.exe",
                    "c:\\windows\\systemapps\\microsoft.windows.search_cw5n1h2txyewy\\searchapp.exe",
                    "\"C:\\Windows\\SystemApps\\Microsoft.Windows.Search_cw5n1h2txyewy\\SearchApp.exe\""
                            + " -ServerName:CortanaUI.AppX8z9r6jm96hw4bsbneegw0kyxx296wr9t.mca",
                    "svchost.exe",
                    3,
                    6,
                    new int[] {443}),
            program(
                    "Code.exe",
                    "c:\\users\\%s\\appdata\\local\\programs\\microsoft vs code\\code.exe",
                    "\"C:\\Users\\%s\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe\"",
                    "explorer.exe",
                    3,
                    2,
                    new int[] {443}),
            program(
                    "OfficeClickToRun.exe",
                    "c:\\program files\\common files\\microsoft shared\\clicktorun\\officeclicktorun.exe",
                    "\"C:\\Program Files\\Common Files\\Microsoft Shared\\ClickToRun\\OfficeClickToRun.exe\""
                            + " /service",
                    "services.exe",
                    2,
                    2,
                    new int[] {443, 80}),
            program(
                    "git.exe",
                    "c:\\program files\\git\\mingw64\\bin\\git.exe",
                    "git.exe fetch --prune origin",
                    "Code.exe",
                    1,
                    2,
                    new int[] {443, 22}),
            program(
                    "python.exe",
                    "c:\\python312\\python.exe",
                    "python.exe C:\\Tools\\sync\\agent.py --interval 300",
                    "cmd.exe",
                    1,
                    2,
                    new int[] {443, 8080}),
            program(
                    "powershell.exe",
                    "c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe",
                    "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\IT\\inventory.ps1",
                    "svchost.exe",
                    1,
                    1,
                    new int[] {443}));

    private static final List<Program> SERVER_PROGRAMS = List.of(
            program(
                    "svchost.exe",
                    "c:\\windows\\system32\\svchost.exe",
                    "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s wuauserv",
                    "services.exe",
                    30,
                    2,
                    new int[] {443, 443, 80, 123}),
            program(
                    "w3wp.exe",
                    "c:\\windows\\system32\\inetsrv\\w3wp.exe",
                    "c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"OrdersApi\" -v \"v4.0\" -l \"webengine4.dll\"",
                    "svchost.exe",
                    20,
                    2,
                    new int[] {443, 1433}),
            program(
                    "java.exe",
                    "c:\\program files\\eclipse adoptium\\jdk-21.0.5.11-hotspot\\bin\\java.exe",
                    "\"C:\\Program Files\\Eclipse Adoptium\\jdk-21.0.5.11-hotspot\\bin\\java.exe\" -Xmx4g"
                            + " -jar D:\\apps\\billing\\billing-service.jar",
                    "services.exe",
                    15,
                    2,
                    new int[] {443, 8443, 9092}),
            program(
                    "sqlservr.exe",
                    "c:\\program files\\microsoft sql server\\mssql16.mssqlserver\\mssql\\binn\\sqlservr.exe",
                    "\"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe\""
                            + " -sMSSQLSERVER",
                    "services.exe",
                    15,
                    1,
                    new int[] {443}),
            program(
                    "MsMpEng.exe",
                    "c:\\programdata\\microsoft\\windows defender\\platform\\4.18.24090.11-0\\msmpeng.exe",
                    "\"C:\\ProgramData\\Microsoft\\Windows Defender\\platform\\4.18.24090.11-0\\MsMpEng.exe\"",
                    "services.exe",
                    10,
                    6,
                    new int[] {443}),
            program(
                    "curl.exe",
                    "c:\\windows\\system32\\curl.exe",
                    "curl.exe -fsS https://status.contoso.com/healthz",
                    "powershell.exe",
                    5,
                    2,
                    new int[] {443, 80}));

    private final BenchmarkSize size;

    private final List<Device> devices;

    private final String[] publicAddresses;

    private BenchmarkDay(BenchmarkSize size) {
        this.size = size;
        this.devices = devices(size.devices());
        this.publicAddresses = publicAddresses();
    }

    /** What was written: one NDJSON file per batch, and the COPY rows of all batches in one file. */
    record DayFiles(
            List<Path> ndjsonBatches,
            Path copyRows,
            long[] batchOffsets,
            long ndjsonBytes,
            int infectedDevices,
            Duration generation) {

        long copyBytes() {
            return batchOffsets[batchOffsets.length - 1];
        }
    }

    /** Generates the day and writes its files into {@code directory}. */
    static DayFiles write(BenchmarkSize size, Path directory) throws IOException {
        return new BenchmarkDay(size).writeInto(directory);
    }

    private DayFiles writeInto(Path directory) throws IOException {
        long startedNanos = System.nanoTime();
        List<Path> batches = new ArrayList<>();
        long[] offsets = new long[size.batches() + 1];
        long ndjsonBytes = 0;
        long reportId = 7_340_000_000L;
        Path copyRows = directory.resolve("network_event.copy");

        StringBuilder json = new StringBuilder(1 << 16);
        StringBuilder row = new StringBuilder(1 << 16);
        try (OutputStream copy = new BufferedOutputStream(Files.newOutputStream(copyRows), 1 << 20)) {
            for (int batch = 0; batch < size.batches(); batch++) {
                Path ndjson = directory.resolve(String.format(Locale.ROOT, "batch-%05d.ndjson", batch));
                SplittableRandom random = new SplittableRandom(size.seed() * 1_000_003L + batch);
                long sliceStart = DAY_MICROS * batch / size.batches();
                long sliceEnd = DAY_MICROS * (batch + 1) / size.batches();
                long batchBytes = 0;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(ndjson), 1 << 20)) {
                    for (int i = 0; i < size.eventsInBatch(batch); i++) {
                        long micros = sliceStart + 1 + random.nextLong(sliceEnd - sliceStart);
                        Event event = event(random, ++reportId, micros);
                        json.setLength(0);
                        row.setLength(0);
                        appendRecord(json, event);
                        appendCopyRow(row, event);
                        batchBytes += write(out, json);
                        offsets[batch + 1] += write(copy, row);
                    }
                }
                offsets[batch + 1] += offsets[batch];
                ndjsonBytes += batchBytes;
                batches.add(ndjson);
            }
        }
        int infected = (int) devices.stream().filter(Device::infected).count();
        return new DayFiles(
                List.copyOf(batches),
                copyRows,
                offsets,
                ndjsonBytes,
                infected,
                Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    /**
     * Events of the minute after the day, in NDJSON batches: what reaches the service between the run that ends
     * the day and the next scheduled run a minute later. Their report ids lie beyond the day's.
     */
    static List<Path> writeFollowingMinute(BenchmarkSize size, int events, Path directory) throws IOException {
        return new BenchmarkDay(size).writeMinuteInto(events, directory);
    }

    private List<Path> writeMinuteInto(int events, Path directory) throws IOException {
        List<Path> batches = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(size.seed() * 7_919L);
        long reportId = 9_100_000_000L;
        StringBuilder json = new StringBuilder(1 << 16);
        for (int first = 0; first < events; first += size.batchSize()) {
            Path ndjson = directory.resolve(String.format(Locale.ROOT, "next-minute-%05d.ndjson", batches.size()));
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(ndjson), 1 << 20)) {
                for (int i = first; i < Math.min(events, first + size.batchSize()); i++) {
                    long micros = DAY_MICROS + 1 + random.nextLong(MINUTE_MICROS);
                    json.setLength(0);
                    appendRecord(json, event(random, ++reportId, micros));
                    write(out, json);
                }
            }
            batches.add(ndjson);
        }
        return List.copyOf(batches);
    }

    private static int write(OutputStream out, CharSequence text) throws IOException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        return bytes.length;
    }

    private Event event(SplittableRandom random, long reportId, long micros) {
        Device device = devices.get(random.nextInt(devices.size()));
        Connection connection = device.infected() && random.nextDouble() < BEACON_SHARE_ON_INFECTED_DEVICE
                ? beacon(random)
                : ordinary(device, random);
        long restarts = micros / (RESTART_HOURS * 3_600_000_000L);
        long processId =
                4L * (50 + (mix(device.index() * 31L + connection.programIndex() * 1_000_003L + restarts) & 0x3fff));
        return new Event(
                device,
                reportId,
                DAY_START.plusNanos(micros * 1000),
                connection,
                random.nextDouble() >= TYPE_OMITTED_SHARE,
                49_152 + random.nextInt(16_384),
                processId);
    }

    /** The implant: six C2 addresses, five ports, and most attempts failing, as a fallback channel looks. */
    private static Connection beacon(SplittableRandom random) {
        String address = C2_ADDRESSES.get(random.nextInt(C2_ADDRESSES.size()));
        int port = C2_PORTS[random.nextInt(C2_PORTS.length)];
        String action = random.nextDouble() < 0.6 ? "ConnectionFailed" : "ConnectionSuccess";
        return new Connection(BEACON, -1, action, address, port, "Public", "");
    }

    private Connection ordinary(Device device, SplittableRandom random) {
        List<Program> programs = device.server() ? SERVER_PROGRAMS : WORKSTATION_PROGRAMS;
        int programIndex = pickByWeight(programs, random);
        Program program = programs.get(programIndex);
        String action = random.nextDouble() < 0.05 ? "ConnectionFailed" : "ConnectionSuccess";

        if (random.nextDouble() < INTERNAL_SHARE) {
            int server = random.nextInt(INTERNAL_ADDRESSES);
            String address = "10.1." + server / 250 + "." + (server % 250 + 1);
            int port = INTERNAL_PORTS[random.nextInt(INTERNAL_PORTS.length)];
            return new Connection(program, programIndex, action, address, port, "Private", "");
        }

        long habit = device.index() * 1_000_003L + programIndex * 7919L + random.nextInt(program.destinations());
        int destination = random.nextDouble() < RANDOM_DESTINATION_SHARE
                ? random.nextInt(PUBLIC_ADDRESSES)
                : (int) Long.remainderUnsigned(mix(habit), PUBLIC_ADDRESSES);
        int port = program.ports()[random.nextInt(program.ports().length)];
        String url = program.destinations() >= 30 && random.nextBoolean()
                ? "https://s" + destination % 3000 + ".cdn-" + destination % 17 + ".example.net/"
                : "";
        return new Connection(program, programIndex, action, publicAddresses[destination], port, "Public", url);
    }

    private static int pickByWeight(List<Program> programs, SplittableRandom random) {
        int total = programs.stream().mapToInt(Program::weight).sum();
        int pick = random.nextInt(total);
        for (int i = 0; i < programs.size(); i++) {
            pick -= programs.get(i).weight();
            if (pick < 0) {
                return i;
            }
        }
        throw new IllegalStateException("weights changed while picking");
    }

    private static void appendRecord(StringBuilder json, Event event) {
        Device device = event.device();
        Connection connection = event.connection();
        Program program = connection.program();
        json.append('{');
        field(json, "Timestamp", MICROSECONDS.format(event.time()) + "0Z");
        field(json, "DeviceId", device.id());
        field(json, "DeviceName", device.name());
        field(json, "ActionType", connection.action());
        field(json, "RemoteIP", connection.remoteIp());
        number(json, "RemotePort", connection.remotePort());
        field(json, "RemoteUrl", connection.remoteUrl());
        field(json, "LocalIP", device.localIp());
        number(json, "LocalPort", event.localPort());
        field(json, "Protocol", connection.protocol());
        field(json, "LocalIPType", "Private");
        if (event.typeSent()) {
            field(json, "RemoteIPType", connection.remoteIpType());
        }
        field(json, "InitiatingProcessSHA1", program.sha1());
        field(json, "InitiatingProcessFileName", program.fileName());
        field(json, "InitiatingProcessFolderPath", forUser(program.folderPath(), device));
        number(json, "InitiatingProcessId", event.processId());
        field(json, "InitiatingProcessCommandLine", forUser(program.commandLine(), device));
        field(json, "InitiatingProcessParentFileName", program.parentFileName());
        field(json, "InitiatingProcessAccountDomain", "contoso");
        field(json, "InitiatingProcessAccountName", device.account());
        field(json, "InitiatingProcessAccountSid", device.accountSid());
        field(json, "InitiatingProcessIntegrityLevel", device.server() ? "System" : "Medium");
        field(json, "InitiatingProcessTokenElevation", "TokenElevationTypeDefault");
        number(json, "ReportId", event.reportId());
        field(json, "MachineGroup", device.server() ? "Servers" : "Workstations");
        json.setCharAt(json.length() - 1, '}');
        json.append('\n');
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append("\",");
    }

    private static void number(StringBuilder json, String name, long value) {
        json.append('"').append(name).append("\":").append(value).append(',');
    }

    /** The row the service stores for the record: AccountName falls back to the process account, as it does. */
    private static void appendCopyRow(StringBuilder row, Event event) {
        Device device = event.device();
        Connection connection = event.connection();
        Program program = connection.program();
        copyText(row, device.name());
        copyText(row, Long.toString(event.reportId()));
        copyText(row, event.time().toString());
        copyText(row, device.id());
        copyText(row, connection.action());
        copyText(row, connection.remoteIp());
        copyText(row, Integer.toString(connection.remotePort()));
        copyText(row, connection.remoteIpType());
        copyText(row, Boolean.toString(!event.typeSent()));
        copyText(row, connection.remoteUrl());
        copyText(row, device.localIp());
        copyText(row, Integer.toString(event.localPort()));
        copyText(row, connection.protocol());
        copyText(row, device.account());
        copyText(row, device.account());
        copyText(row, "contoso");
        copyText(row, program.fileName());
        copyText(row, forUser(program.commandLine(), device));
        copyText(row, Long.toString(event.processId()));
        copyText(row, program.parentFileName());
        row.setCharAt(row.length() - 1, '\n');
    }

    private static void copyText(StringBuilder row, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> row.append("\\\\");
                case '\t' -> row.append("\\t");
                case '\n' -> row.append("\\n");
                case '\r' -> row.append("\\r");
                default -> row.append(c);
            }
        }
        row.append('\t');
    }

    private static List<Device> devices(int count) {
        List<Device> devices = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean server = i % 10 == 9;
            String name = String.format(Locale.ROOT, server ? "srv-%05d.contoso.local" : "ws-%05d.contoso.local", i);
            String id = String.format(Locale.ROOT, "%016x%016x%08x", mix(i), mix(i + 1_000_000L), i);
            String account = server ? "svc-app" + i % 20 : String.format(Locale.ROOT, "user%05d", i);
            String sid = "S-1-5-21-1004336348-1177238915-682003330-" + (1000 + i);
            String localIp = "10." + (16 + i / 65_000) + "." + (i / 250) % 256 + "." + (i % 250 + 2);
            devices.add(new Device(i, name, id, account, sid, localIp, server, i % 97 == 13));
        }
        return List.copyOf(devices);
    }

    private static String[] publicAddresses() {
        String[] addresses = new String[PUBLIC_ADDRESSES];
        for (int k = 0; k < PUBLIC_ADDRESSES; k++) {
            long h = mix(k + 77_000_000L);
            if (k % 20 == 0) {
                addresses[k] = String.format(
                        Locale.ROOT, "2603:1030:%x:%x::%x", (h >>> 8) & 0xfff, (h >>> 20) & 0xff, 1 + (h & 0xfff));
            } else {
                int first = PUBLIC_FIRST_OCTETS[(int) ((h >>> 40) % PUBLIC_FIRST_OCTETS.length)];
                addresses[k] = first + "." + (h & 0xff) + "." + ((h >>> 8) & 0xff) + "." + (1 + (h >>> 16) % 254);
            }
        }
        return addresses;
    }

    /** SplitMix64's finaliser: spreads consecutive numbers over the whole range, the same on every run. */
    private static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private record Device(
            int index,
            String name,
            String id,
            String account,
            String accountSid,
            String localIp,
            boolean server,
            boolean infected) {}

    /** A program and its habits; {@code %s} in a path stands for the device's user. */
    private record Program(
            String fileName,
            String sha1,
            String folderPath,
            String commandLine,
            String parentFileName,
            int weight,
            int destinations,
            int[] ports) {}

    private static Program program(
            String fileName,
            String folderPath,
            String commandLine,
            String parentFileName,
            int weight,
            int destinations,
            int[] ports) {
        long h = mix(fileName.hashCode());
        String sha1 = String.format(Locale.ROOT, "%016x%016x%08x", h, mix(h), (int) (h >>> 32));
        return new Program(fileName, sha1, folderPath, commandLine, parentFileName, weight, destinations, ports);
    }

    private static String forUser(String template, Device device) {
        return template.contains("%s") ? template.replace("%s", device.account()) : template;
    }

    /** Who connected where: the program, the outcome and the destination. */
    private record Connection(
            Program program,
            int programIndex,
            String action,
            String remoteIp,
            int remotePort,
            String remoteIpType,
            String remoteUrl) {

        String protocol() {
            return remotePort == 53 || remotePort == 123 || remotePort == 3478 ? "Udp" : "Tcp";
        }
    }

    /** One event; the process id changes when the program restarts, every {@value #RESTART_HOURS} hours. */
    private record Event(
            Device device,
            long reportId,
            Instant time,
            Connection connection,
            boolean typeSent,
            int localPort,
            long processId) {}
}
