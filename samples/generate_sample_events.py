#!/usr/bin/env python3
"""Generate the fallback-watch sample data set and the findings it must produce.

Writes, relative to the repository root:

  samples/device-network-events.json            ~3,000 Defender DeviceNetworkEvents records
  samples/expected-findings.json                the oracle: findings for windowEnd 2026-12-01T00:00:00Z
  src/main/resources/samples/example-batch.json one Critical pattern, the Swagger UI request example

The output is deterministic: a fixed seed, no clock, no set iteration over strings.
Standard library only. Run from the repository root:

  python3 samples/generate_sample_events.py

The oracle (the "Oracle" section) reads the written JSON back and applies the
detection semantics on its own; it knows nothing about how the records were made.
The script then checks that the findings are exactly the planted ones and fails
loudly otherwise.
"""

import datetime
import hashlib
import ipaddress
import json
import pathlib
import random

SEED = 1008  # T1008
UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
DAY = datetime.datetime(2026, 11, 30, tzinfo=UTC)
TICKS_PER_SECOND = 10_000_000  # Defender timestamps carry 100 ns ticks: 7 fractional digits

ROOT = pathlib.Path(__file__).resolve().parent.parent
EVENTS_FILE = ROOT / "samples" / "device-network-events.json"
FINDINGS_FILE = ROOT / "samples" / "expected-findings.json"
EXAMPLE_FILE = ROOT / "src" / "main" / "resources" / "samples" / "example-batch.json"

COLUMNS = [
    "Timestamp", "DeviceId", "DeviceName", "ActionType", "RemoteIP", "RemotePort", "RemoteIPType",
    "RemoteUrl", "LocalIP", "LocalPort", "Protocol", "InitiatingProcessFileName",
    "InitiatingProcessCommandLine", "InitiatingProcessId", "InitiatingProcessParentFileName",
    "InitiatingProcessAccountName", "InitiatingProcessAccountDomain", "ReportId",
]

rng = random.Random(SEED)


# ---------------------------------------------------------------------------
# Time helpers
# ---------------------------------------------------------------------------

def ticks_at(hour, minute, second, frac=None, day=DAY):
    """Ticks (100 ns since the epoch) for a wall-clock time on `day`; random 7th-digit fraction by default."""
    whole = int((day - EPOCH).total_seconds()) + hour * 3600 + minute * 60 + second
    if frac is None:
        frac = rng.randrange(1, TICKS_PER_SECOND)
    return whole * TICKS_PER_SECOND + frac


def random_ticks_in_hour(hour):
    """A random instant within `hour` of DAY, never in its first second (keeps clear of the window start)."""
    return ticks_at(hour, 0, 0, 0) + rng.randrange(TICKS_PER_SECOND, 3600 * TICKS_PER_SECOND)


def format_ticks(ticks):
    """Defender's format: 2026-11-30T09:14:03.1234567Z."""
    seconds, frac = divmod(ticks, TICKS_PER_SECOND)
    stamp = EPOCH + datetime.timedelta(seconds=seconds)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ" % frac


# ---------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------

USED_IPS = {}        # every public address handed out, so planted groups never share one
WELL_KNOWN = {}      # big-provider addresses whose RemoteIPType may be omitted (unambiguously public)


def fresh_public_v4(first_octets, well_known=False):
    """A random, globally routable IPv4 address under one of `first_octets` ("185" or "104.16"), never reused."""
    while True:
        prefix = rng.choice(first_octets).split(".")
        parts = prefix + [str(rng.randint(1, 254)) for _ in range(4 - len(prefix))]
        text = ".".join(parts)
        if text not in USED_IPS and ipaddress.ip_address(text).is_global:
            USED_IPS[text] = True
            if well_known:
                WELL_KNOWN[text] = True
            return text


def fresh_public_v6(prefix):
    """A random, globally routable IPv6 address under `prefix` (a /32 written as '2606:4700')."""
    while True:
        groups = prefix.split(":") + ["%x" % rng.randint(0, 0xFFFF) for _ in range(2)] + ["0", "0"]
        groups += ["%x" % rng.randint(1, 0xFFFF) for _ in range(8 - len(groups))]
        text = str(ipaddress.ip_address(":".join(groups)))
        if text not in USED_IPS and ipaddress.ip_address(text).is_global:
            USED_IPS[text] = True
            return text


def defender_ip_type(text):
    """The RemoteIPType Defender would report for an address used in this data set."""
    address = ipaddress.ip_address(text)
    if address.is_loopback:
        return "Loopback"
    if address.is_link_local:
        return "LinkLocal"
    if address.is_multicast:
        return "Multicast"
    if address.is_global:
        return "Public"
    if address.is_private:
        return "Private"
    raise ValueError("no RemoteIPType chosen for " + text)


def may_omit_ip_type(text):
    """Omitting RemoteIPType is only done where the address is unambiguous: RFC 1918 10/8, 192.168/16 or well known."""
    address = ipaddress.ip_address(text)
    if address.version == 4 and (address in ipaddress.ip_network("10.0.0.0/8")
                                 or address in ipaddress.ip_network("192.168.0.0/16")):
        return True
    return text in WELL_KNOWN


# Benign destination pools: (address, RemoteUrl).
WEB_DOMAINS = [
    "www.google.com", "fonts.gstatic.com", "www.youtube.com", "www.bing.com", "login.microsoftonline.com",
    "github.com", "stackoverflow.com", "www.linkedin.com", "cdn.jsdelivr.net", "en.wikipedia.org",
    "www.bbc.co.uk", "contoso.my.salesforce.com", "app.hubspot.com", "docs.python.org", "www.reuters.com",
    "www.amazon.com", "d1.awsstatic.com", "www.atlassian.com", "contoso.atlassian.net", "slack.com",
    "zoom.us", "www.dropbox.com", "www.adobe.com", "www.nytimes.com", "news.ycombinator.com",
]
WEB_PREFIXES = ["142.250", "172.217", "104.16", "104.18", "151.101", "23.32", "23.45", "13.107",
                "52.84", "54.230", "34.117", "35.190", "18.160", "3.33"]
WEB_POOL = [(fresh_public_v4(WEB_PREFIXES, well_known=True), rng.choice(WEB_DOMAINS)) for _ in range(260)]
WEB6_POOL = [(fresh_public_v6(rng.choice(["2606:4700", "2a00:1450", "2620:1ec"])), rng.choice(WEB_DOMAINS))
             for _ in range(40)]
TEAMS_POOL = [fresh_public_v4(["52.112", "52.113", "52.114", "52.122"], well_known=True) for _ in range(24)]
OFFICE_POOL = [fresh_public_v4(["52.97", "40.99", "52.98"], well_known=True) for _ in range(24)]
ONEDRIVE_POOL = [fresh_public_v4(["13.107", "20.190"], well_known=True) for _ in range(16)]
MS_UPDATE_POOL = [fresh_public_v4(["13.107", "20.72", "20.109", "40.126"], well_known=True) for _ in range(20)]
DEFENDER_POOL = [fresh_public_v4(["20.50", "52.168", "40.74"], well_known=True) for _ in range(12)]
BACKUP_POOL = [fresh_public_v4(["45.11", "149.137"]) for _ in range(10)]
for resolver in ["8.8.8.8", "1.1.1.1", "1.0.0.1"]:
    USED_IPS[resolver] = True
    WELL_KNOWN[resolver] = True
GITHUB_IPS = ["140.82.112.3", "140.82.113.4", "140.82.114.3", "140.82.112.4"]
for address in GITHUB_IPS:
    USED_IPS[address] = True
    WELL_KNOWN[address] = True

# Addresses the planted malware "owns": randomly generated, they stand for no real infrastructure.
C2_FIRST_OCTETS = ["5", "31", "37", "45.14", "46", "62", "77", "79", "80", "85", "89", "91", "92", "94", "95",
                   "103", "109", "141", "146", "176", "178", "185", "188", "193", "194", "195", "212", "213"]


def c2_ips(count):
    """`count` fresh public IPv4 addresses for a planted pattern."""
    return [fresh_public_v4(C2_FIRST_OCTETS) for _ in range(count)]


# ---------------------------------------------------------------------------
# Devices, processes and events
# ---------------------------------------------------------------------------

FIRST = ["anna", "ben", "carla", "david", "elena", "felix", "grace", "hugo", "irene", "jonas", "karen", "liam",
         "maria", "nina", "oscar", "paula", "quentin", "rosa", "sam", "tara", "uwe", "vera", "will", "xenia",
         "yusuf", "zoe", "marek", "leila", "tom", "ines", "kofi", "mei", "raj"]
LAST = ["kowalski", "schmidt", "okafor", "nguyen", "garcia", "muller", "rossi", "tanaka", "dubois", "novak",
        "larsen", "silva", "weber", "khan", "ivanova", "brown", "costa", "fischer", "haddad", "jensen"]


class Device:
    """An onboarded machine: stable DeviceId, local addresses, its user and its PIDs."""

    def __init__(self, name, kind, local_ip, user):
        self.name = name + ".contoso.local"
        self.kind = kind
        self.id = hashlib.sha1(("contoso-mde-tenant/" + self.name).encode()).hexdigest()
        self.local_ip = local_ip
        self.local_ip6 = "2001:db8:20:%x::%x" % (rng.randint(1, 0xFF), rng.randint(0x10, 0xFFFF))
        self.user = user
        self.pids = {}

    def new_pid(self):
        """A fresh Windows-style PID (multiple of 4) unique on this device."""
        while True:
            pid = rng.randrange(400, 24000, 4)
            if pid not in self.pids:
                self.pids[pid] = True
                return pid


class Process:
    """One process instance: the group-by columns of the detection, minus the device and the hour."""

    def __init__(self, device, file_name, command_line, parent, account=None, domain="contoso"):
        self.device = device
        self.file_name = file_name
        self.command_line = command_line
        self.parent = parent
        self.account = account if account is not None else device.user
        self.domain = domain
        self.pid = device.new_pid()


SYSTEM = ("system", "nt authority")
NETWORK_SERVICE = ("network service", "nt authority")
LOCAL_SERVICE = ("local service", "nt authority")


def service(device, file_name, command_line, parent="services.exe", identity=SYSTEM):
    """A process running under a built-in service account."""
    return Process(device, file_name, command_line, parent, identity[0], identity[1])


EVENTS = []  # (ticks, sequence, Process, fields, tag)


def emit(proc, ticks, remote_ip, remote_port, action="ConnectionSuccess", url="", protocol="Tcp",
         omit_type=None, local_port=None, tag="benign"):
    """Record one network event of `proc`. omit_type None: omit RemoteIPType at random where that is safe."""
    if omit_type is None:
        omit_type = tag == "benign" and may_omit_ip_type(remote_ip) and rng.random() < 0.115
    v6 = ipaddress.ip_address(remote_ip).version == 6
    if remote_ip in ("127.0.0.1", "::1"):
        local_ip = remote_ip
    else:
        local_ip = proc.device.local_ip6 if v6 else proc.device.local_ip
    fields = {
        "ActionType": action,
        "RemoteIP": remote_ip,
        "RemotePort": remote_port,
        "RemoteIPType": None if omit_type else defender_ip_type(remote_ip),
        "RemoteUrl": url,
        "LocalIP": local_ip,
        "LocalPort": local_port if local_port is not None else rng.randint(49152, 65535),
        "Protocol": protocol,
    }
    EVENTS.append((ticks, len(EVENTS), proc, fields, tag))


def emit_inbound(proc, ticks, remote_ip, local_port):
    """An accepted inbound connection: the remote side uses an ephemeral port, never a C2-list port."""
    emit(proc, ticks, remote_ip, rng.randint(49152, 65535), action="InboundConnectionAccepted",
         local_port=local_port)


def random_action(failure_rate=0.04):
    """Mostly successful connections, the odd failure or bare attempt."""
    roll = rng.random()
    if roll < failure_rate:
        return "ConnectionFailed"
    if roll < failure_rate * 1.5:
        return "ConnectionAttempt"
    return "ConnectionSuccess"


# ---------------------------------------------------------------------------
# The fleet
# ---------------------------------------------------------------------------

WORKSTATION_NAMES = [
    "ws-fin-017", "ws-fin-021", "ws-fin-029", "ws-fin-033", "ws-hr-011", "ws-hr-014", "ws-hr-023",
    "ws-eng-101", "ws-eng-102", "ws-eng-104", "ws-eng-107", "ws-eng-109", "ws-eng-111", "ws-eng-115",
    "ws-sales-019", "ws-sales-024", "ws-sales-027", "ws-sales-031", "ws-sales-036", "ws-mkt-005",
    "ws-mkt-012", "ws-mkt-018", "ws-exec-001", "ws-exec-003", "ws-it-002", "ws-it-006", "ws-legal-004",
    "ws-legal-009", "ws-ops-013", "ws-ops-016", "ws-ops-022", "ws-rnd-008", "ws-rnd-010",
]
SERVERS = [  # name, local IP, role
    ("dc-01", "10.0.0.53", "dc"), ("dc-02", "10.0.1.53", "dc"), ("srv-file-01", "10.0.5.20", "file"),
    ("srv-sql-01", "10.0.5.30", "sql"), ("srv-web-01", "10.0.6.10", "web"), ("srv-app-01", "10.0.5.40", "app"),
    ("srv-mon-01", "10.0.5.50", "mon"),
]
DEPT_SUBNET = {"fin": 21, "hr": 22, "eng": 23, "sales": 24, "mkt": 25, "exec": 26, "it": 27, "legal": 28,
               "ops": 29, "rnd": 30}
DNS_SERVERS = ["10.0.0.53", "10.0.1.53"]


def build_fleet():
    """33 workstations (one user each) and 7 servers, keyed by short name."""
    fleet = {}
    users = []
    while len(users) < len(WORKSTATION_NAMES):
        user = rng.choice(FIRST)[0] + rng.choice(LAST)
        if user not in users:
            users.append(user)
    for name, user in zip(WORKSTATION_NAMES, users):
        dept, number = name.split("-")[1], int(name.split("-")[2])
        fleet[name] = Device(name, "workstation", "10.20.%d.%d" % (DEPT_SUBNET[dept], number + 10), user)
    for name, local_ip, role in SERVERS:
        fleet[name] = Device(name, role, local_ip, "svc-" + role)
    return fleet


# ---------------------------------------------------------------------------
# Benign traffic
# ---------------------------------------------------------------------------

def working_hours():
    """The hours a user is at the desk: arrive 7-9, leave 16-19."""
    return list(range(rng.randint(7, 9), rng.randint(16, 19) + 1))


def browser_traffic(device, hours, browser):
    """A browser's network service: many public IPs on 443/80, some IPv6 - excluded by name."""
    commands = {
        "chrome.exe": r'"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=utility '
                      r'--utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none',
        "CHROME.EXE": r'"C:\PROGRAM FILES\GOOGLE\CHROME\APPLICATION\CHROME.EXE" --type=utility '
                      r'--utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none',
        "msedge.exe": r'"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --type=utility '
                      r'--utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none',
        "firefox.exe": r'"C:\Program Files\Mozilla Firefox\firefox.exe"',
    }
    parent = "explorer.exe" if browser == "firefox.exe" else browser.lower()
    proc = Process(device, browser, commands[browser], parent)
    for _ in range(rng.randint(18, 30)):
        ip, url = rng.choice(WEB6_POOL) if rng.random() < 0.12 else rng.choice(WEB_POOL)
        port = 443 if rng.random() < 0.9 else 80
        emit(proc, random_ticks_in_hour(rng.choice(hours)), ip, port, random_action(), url)


def collaboration_traffic(device, hours):
    """Teams, OneDrive and Outlook (and sometimes Word): Microsoft 365 endpoints - excluded by name."""
    home = r"C:\Users\%s\AppData\Local" % device.user
    teams = Process(device, "Teams.exe", '"%s\\Microsoft\\Teams\\current\\Teams.exe"' % home, "Update.exe")
    for _ in range(rng.randint(5, 9)):
        if rng.random() < 0.3:
            emit(teams, random_ticks_in_hour(rng.choice(hours)), rng.choice(TEAMS_POOL), rng.randint(3478, 3481),
                 protocol="Udp")
        else:
            emit(teams, random_ticks_in_hour(rng.choice(hours)), rng.choice(TEAMS_POOL), 443,
                 url="teams.microsoft.com")
    onedrive = Process(device, "OneDrive.exe", r'"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /background',
                       "explorer.exe")
    for _ in range(rng.randint(3, 6)):
        emit(onedrive, random_ticks_in_hour(rng.choice(hours)), rng.choice(ONEDRIVE_POOL), 443,
             url="contoso-my.sharepoint.com")
    outlook = Process(device, "OUTLOOK.EXE", r'"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE"',
                      "explorer.exe")
    for _ in range(rng.randint(4, 8)):
        emit(outlook, random_ticks_in_hour(rng.choice(hours)), rng.choice(OFFICE_POOL), 443,
             url="outlook.office365.com")
    if rng.random() < 0.4:
        word = Process(device, "WINWORD.EXE", r'"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n',
                       "explorer.exe")
        for _ in range(rng.randint(2, 4)):
            emit(word, random_ticks_in_hour(rng.choice(hours)), rng.choice(OFFICE_POOL), 443,
                 url="contoso.sharepoint.com")


def dns_client(device):
    """The DNS Client service to the internal resolvers 10.0.x.53:53 - private, filtered."""
    proc = service(device, "svchost.exe", r"C:\Windows\system32\svchost.exe -k NetworkService -p -s Dnscache",
                   identity=NETWORK_SERVICE)
    for _ in range(rng.randint(7, 12)):
        emit(proc, random_ticks_in_hour(rng.randrange(24)), rng.choice(DNS_SERVERS), 53, protocol="Udp")


def windows_update(device):
    """wuauserv: in a few hours, 1-2 Microsoft addresses on 443 - below every threshold."""
    proc = service(device, "svchost.exe", r"C:\Windows\system32\svchost.exe -k netsvcs -p -s wuauserv")
    pair = rng.sample(MS_UPDATE_POOL, 2)
    for hour in rng.sample(range(24), rng.randint(2, 4)):
        for ip in pair[:rng.randint(1, 2)]:
            for _ in range(rng.randint(1, 2)):
                emit(proc, random_ticks_in_hour(hour), ip, 443, url="fe3cr.delivery.mp.microsoft.com")


def defender_sensor(device):
    """MsSense.exe (one address per hour, not excluded) and MsMpEng.exe (excluded)."""
    sense = service(device, "MsSense.exe",
                    r'"C:\Program Files\Windows Defender Advanced Threat Protection\MsSense.exe"')
    home = rng.choice(DEFENDER_POOL)
    for hour in rng.sample(range(24), rng.randint(3, 5)):
        emit(sense, random_ticks_in_hour(hour), home, 443, url="winatp-gw-weu.microsoft.com")
    engine = service(device, "MsMpEng.exe",
                     r'"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25100.9-0\MsMpEng.exe"')
    for _ in range(rng.randint(1, 3)):
        emit(engine, random_ticks_in_hour(rng.randrange(24)), rng.choice(DEFENDER_POOL + MS_UPDATE_POOL), 443,
             url="wdcp.microsoft.com")


def domain_traffic(device, hours):
    """Kerberos/LDAP to the domain controllers, SMB to the file server, SSDP multicast - all non-public."""
    lsass = service(device, "lsass.exe", r"C:\Windows\system32\lsass.exe", parent="wininit.exe")
    for _ in range(rng.randint(2, 4)):
        emit(lsass, random_ticks_in_hour(rng.choice(hours)), rng.choice(DNS_SERVERS), rng.choice([88, 389]))
    if device.kind == "workstation":
        explorer = Process(device, "explorer.exe", r"C:\Windows\Explorer.EXE", "userinit.exe")
        for _ in range(rng.randint(1, 3)):
            emit(explorer, random_ticks_in_hour(rng.choice(hours)), "10.0.5.20", 445)
        ssdp = service(device, "svchost.exe",
                       r"C:\Windows\system32\svchost.exe -k LocalServiceAndNoImpersonation -p -s SSDPSRV",
                       identity=LOCAL_SERVICE)
        emit(ssdp, random_ticks_in_hour(rng.choice(hours)), "239.255.255.250", 1900, protocol="Udp")


def developer_tools(device, hours):
    """git fetches (a new PID each, GitHub on 443) and a local Java app on loopback 8080 - no finding."""
    for _ in range(rng.randint(1, 3)):
        git = Process(device, "git-remote-https.exe",
                      r'"C:\Program Files\Git\mingw64\libexec\git-core\git-remote-https.exe" origin '
                      r'https://github.com/contoso/payments.git', "git.exe")
        start = random_ticks_in_hour(rng.choice(hours))
        for offset, ip in enumerate(rng.sample(GITHUB_IPS, rng.randint(1, 2))):
            emit(git, start + offset * 7 * TICKS_PER_SECOND, ip, 443, url="github.com")
    java = Process(device, "java.exe", r'"C:\Program Files\Eclipse Adoptium\jdk-21\bin\java.exe" -jar '
                                       r'build\libs\orders-service.jar', "idea64.exe")
    for _ in range(rng.randint(2, 4)):
        emit(java, random_ticks_in_hour(rng.choice(hours)), rng.choice(["127.0.0.1", "::1"]), 8080)


def office_updates(device):
    """Click-to-Run: one Microsoft CDN address in one or two hours."""
    proc = service(device, "OfficeClickToRun.exe",
                   r'"C:\Program Files\Common Files\Microsoft Shared\ClickToRun\OfficeClickToRun.exe" '
                   r'/service')
    ip = rng.choice(MS_UPDATE_POOL)
    for hour in rng.sample(range(24), rng.randint(1, 2)):
        emit(proc, random_ticks_in_hour(hour), ip, 443, url="officecdn.microsoft.com")


def backup_agent(device, hours):
    """Backblaze uploader: two storage addresses on 443 for a few hours - at most 2 IPs, one port."""
    proc = service(device, "bztransmit64.exe", r'"C:\Program Files (x86)\Backblaze\bztransmit64.exe" -upload',
                   parent="bzserv.exe")
    pair = rng.sample(BACKUP_POOL, 2)
    for hour in hours:
        for _ in range(rng.randint(3, 6)):
            emit(proc, random_ticks_in_hour(hour), rng.choice(pair), 443, url="pod-000-1130-07.backblaze.com")


def ssh_tunnel(device):
    """An ssh.exe SOCKS tunnel re-resolving a round-robin bastion: 5 public IPs in one hour, port 22 only."""
    proc = Process(device, "ssh.exe", r'"C:\Windows\System32\OpenSSH\ssh.exe" -N -D 1080 -o '
                                      r'ServerAliveInterval=30 ops@bastion.contoso-cloud.net', "pwsh.exe")
    for minute, ip in zip([3, 14, 26, 38, 51], [fresh_public_v4(["20.113", "52.157"]) for _ in range(5)]):
        emit(proc, ticks_at(14, minute, rng.randint(0, 59)), ip, 22, url="bastion.contoso-cloud.net")


def putty_session(device):
    """One PuTTY session to a single host on 22."""
    proc = Process(device, "putty.exe", r'"C:\Program Files\PuTTY\putty.exe" -load "edge-router"', "explorer.exe")
    ip = fresh_public_v4(["81.169"])
    for minute in (12, 13):
        emit(proc, ticks_at(10, minute, rng.randint(0, 59)), ip, 22)


def monitoring_probe_near_miss(device):
    """A synthetic probe: 2 IPs, 3 ports, 4 connections - one short of a finding (one event is duplicated too)."""
    proc = service(device, "NetProbe.exe", r'"C:\Program Files\NetProbe\NetProbe.exe" --check saas-portal')
    first, second = fresh_public_v4(["20.31"]), fresh_public_v4(["20.31"])
    for (minute, ip, port) in [(5, first, 443), (6, first, 8443), (7, second, 4443), (35, second, 443)]:
        emit(proc, ticks_at(6, minute, rng.randint(0, 59)), ip, port, url="status.contoso-saas.com",
             tag="near-miss")


def server_roles(device):
    """Role traffic: DC DNS forwarders (2 public resolvers), SQL/RDP/web inbound, Azure agent, app backend."""
    if device.kind == "dc":
        dns = service(device, "dns.exe", r"C:\Windows\system32\dns.exe")
        for hour in rng.sample(range(24), 8):
            for ip in ["1.1.1.1", "1.0.0.1"][:rng.randint(1, 2)]:
                emit(dns, random_ticks_in_hour(hour), ip, 53, protocol="Udp")
        kdc = service(device, "lsass.exe", r"C:\Windows\system32\lsass.exe", parent="wininit.exe")
        for _ in range(rng.randint(3, 5)):
            client = "10.20.%d.%d" % (rng.choice(list(DEPT_SUBNET.values())), rng.randint(11, 130))
            emit_inbound(kdc, random_ticks_in_hour(rng.randrange(7, 19)), client, 88)
    elif device.kind == "sql":
        sql = service(device, "sqlservr.exe", r'"C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL'
                                              r'\Binn\sqlservr.exe" -sMSSQLSERVER', identity=NETWORK_SERVICE)
        for _ in range(rng.randint(4, 6)):
            emit_inbound(sql, random_ticks_in_hour(rng.randrange(24)), rng.choice(["10.0.6.10", "10.0.5.40"]), 1433)
    elif device.kind == "web":
        w3wp = service(device, "w3wp.exe", r'c:\windows\system32\inetsrv\w3wp.exe -ap "PortalPool"',
                       parent="svchost.exe", identity=("portalpool", "iis apppool"))
        for _ in range(rng.randint(5, 8)):
            emit_inbound(w3wp, random_ticks_in_hour(rng.randrange(24)), rng.choice(WEB_POOL)[0], 443)
        for _ in range(rng.randint(2, 4)):
            emit(w3wp, random_ticks_in_hour(rng.randrange(24)), "10.0.5.30", 1433)
        agent = service(device, "WindowsAzureGuestAgent.exe",
                        r'"C:\WindowsAzure\GuestAgent_2.7.41491.1102\WindowsAzureGuestAgent.exe"')
        for hour in rng.sample(range(24), 3):
            emit(agent, random_ticks_in_hour(hour), "168.63.129.16", 80)
            emit(agent, random_ticks_in_hour(hour), "169.254.169.254", 80)
    elif device.kind in ("file", "app"):
        rdp = service(device, "svchost.exe", r"C:\Windows\System32\svchost.exe -k termsvcs -s TermService",
                      identity=NETWORK_SERVICE)
        emit_inbound(rdp, random_ticks_in_hour(rng.randrange(9, 17)), "10.20.27.12", 3389)
        if device.kind == "app":
            app = service(device, "java.exe", r'"C:\Program Files\Java\jre-17\bin\java.exe" -jar '
                                              r'D:\apps\billing\billing.jar', identity=("svc-billing", "contoso"))
            api = fresh_public_v4(["34.102"])
            for hour in rng.sample(range(24), 4):
                emit(app, random_ticks_in_hour(hour), "10.0.5.30", 1433)
                emit(app, random_ticks_in_hour(hour), api, 443, url="api.payments-partner.example.net")
    elif device.kind == "mon":
        monitoring_probe_near_miss(device)


def benign_traffic(fleet):
    """Everyday traffic for every device."""
    browsers = ["chrome.exe", "msedge.exe", "firefox.exe"]
    for index, device in enumerate(fleet.values()):
        dns_client(device)
        windows_update(device)
        defender_sensor(device)
        office_updates(device)
        if device.kind == "workstation":
            hours = working_hours()
            browser_traffic(device, hours, "CHROME.EXE" if device.name.startswith("ws-legal-004")
                            else browsers[index % 3])
            if rng.random() < 0.3:
                browser_traffic(device, hours, "msedge.exe")
            collaboration_traffic(device, hours)
            domain_traffic(device, hours)
            if "-eng-" in device.name or "-rnd-" in device.name:
                developer_tools(device, hours)
        else:
            domain_traffic(device, list(range(24)))
            server_roles(device)
    for name in ["ws-exec-001", "ws-legal-009", "srv-file-01", "srv-sql-01"]:
        backup_agent(fleet[name], [1, 2, 3] if name.startswith("srv") else [12, 13])
    ssh_tunnel(fleet["ws-eng-102"])
    putty_session(fleet["ws-it-006"])


# ---------------------------------------------------------------------------
# Planted patterns. Each returns the finding it must raise (or None).
# Steps are (minute, second, ip, port, action); seconds differ so no two first contacts tie.
# ---------------------------------------------------------------------------

def play(proc, hour, steps, tag, protocol="Tcp", omit_type=False, day=DAY):
    """Emit one planted event per step."""
    for minute, second, ip, port, action in steps:
        emit(proc, ticks_at(hour, minute, second, day=day), ip, port, action,
             protocol="Udp" if port == 53 else protocol, omit_type=omit_type, tag=tag)


def pattern_a_hoplight(fleet):
    """HOPLIGHT-like: rundll32.exe from explorer.exe, 6 IPs on 443/8443/8080, failing over -> Critical."""
    device = fleet["ws-fin-017"]
    proc = Process(device, "rundll32.exe",
                   r'"C:\Windows\System32\rundll32.exe" C:\Users\%s\AppData\Local\Temp\~DF3A1C.tmp,#1' % device.user,
                   "explorer.exe")
    ip = c2_ips(6)
    F, S = "ConnectionFailed", "ConnectionSuccess"
    play(proc, 9, [(12, 4, ip[0], 443, F), (12, 35, ip[0], 443, F), (13, 6, ip[0], 8443, F),
                   (14, 10, ip[1], 443, F), (14, 41, ip[1], 8080, F), (16, 2, ip[2], 8443, S),
                   (21, 2, ip[2], 8443, S), (26, 3, ip[2], 8443, F), (26, 34, ip[3], 8080, "ConnectionAttempt"),
                   (27, 5, ip[4], 443, S), (35, 7, ip[4], 443, F), (35, 38, ip[5], 8080, S),
                   (44, 40, ip[5], 8080, S)], "a")
    return proc, dict(risk="Critical", ips=6, ports=3, connections=13)


def pattern_b_trickbot(fleet):
    """TrickBot-like: svchost32.exe as a service, 4 IPs on 443, 6 connections -> High."""
    device = fleet["ws-hr-023"]
    proc = service(device, "svchost32.exe", r'"C:\ProgramData\NetSvcHost\svchost32.exe"')
    ip = c2_ips(4)
    play(proc, 13, [(5, 12, ip[0], 443, "ConnectionSuccess"), (11, 13, ip[0], 443, "ConnectionFailed"),
                    (11, 44, ip[1], 443, "ConnectionFailed"), (12, 15, ip[2], 443, "ConnectionSuccess"),
                    (27, 16, ip[2], 443, "ConnectionFailed"), (27, 47, ip[3], 443, "ConnectionSuccess")], "b")
    return proc, dict(risk="High", ips=4, ports=1, connections=6)


def pattern_c_ismagent(fleet):
    """OilRig ISMAgent-like: HTTP 80 -> HTTPS 443 fail, then DNS tunnelling via a public resolver -> High."""
    device = fleet["ws-eng-104"]
    proc = Process(device, "SystemSync.exe",
                   r'"C:\Users\%s\AppData\Roaming\Microsoft\SystemSync\SystemSync.exe" -t 30' % device.user,
                   "svchost.exe")
    server = c2_ips(1)[0]
    F = "ConnectionFailed"
    play(proc, 15, [(10, 11, server, 80, F), (11, 12, server, 80, F), (12, 13, server, 80, F),
                    (14, 20, server, 443, F), (15, 21, server, 443, F), (16, 22, server, 443, F),
                    (18, 30, "8.8.8.8", 53, "ConnectionSuccess"), (25, 31, "8.8.8.8", 53, "ConnectionSuccess"),
                    (33, 45, "8.8.8.8", 53, "ConnectionSuccess")], "c")
    return proc, dict(risk="High", ips=2, ports=3, connections=9)


def pattern_d_biscuit(fleet):
    """BISCUIT-like: msupdate.exe, primary fails, two backups on 443 -> Medium (some events duplicated)."""
    device = fleet["ws-sales-031"]
    proc = Process(device, "msupdate.exe", r'"C:\Users\%s\AppData\Local\Temp\msupdate.exe"' % device.user,
                   "explorer.exe")
    ip = c2_ips(3)
    play(proc, 11, [(20, 5, ip[0], 443, "ConnectionFailed"), (21, 6, ip[0], 443, "ConnectionFailed"),
                    (22, 7, ip[1], 443, "ConnectionSuccess"), (32, 8, ip[1], 443, "ConnectionSuccess"),
                    (42, 9, ip[2], 443, "ConnectionSuccess")], "d")
    return proc, dict(risk="Medium", ips=3, ports=1, connections=5)


def pattern_e_syncsvc(fleet):
    """Generic port-hopping beacon: syncsvc.exe, 2 IPs, 3 ports, 6 connections -> Low (duplicates would make it 8)."""
    device = fleet["ws-mkt-012"]
    proc = service(device, "syncsvc.exe", r'"C:\ProgramData\SyncSvc\syncsvc.exe" /service')
    ip = c2_ips(2)
    play(proc, 16, [(2, 1, ip[0], 443, "ConnectionSuccess"), (17, 2, ip[0], 443, "ConnectionFailed"),
                    (17, 33, ip[0], 8443, "ConnectionFailed"), (18, 4, ip[1], 8080, "ConnectionSuccess"),
                    (33, 5, ip[1], 8080, "ConnectionSuccess"), (48, 6, ip[1], 8443, "ConnectionSuccess")], "e")
    return proc, dict(risk="Low", ips=2, ports=3, connections=6)


def pattern_f_fake_chrome_update(fleet):
    """Fake browser update (SocGholish-style lure): update-chrome.exe is not an excluded name -> Medium."""
    device = fleet["ws-sales-019"]
    proc = Process(device, "update-chrome.exe", r'"C:\Users\%s\Downloads\update-chrome.exe"' % device.user,
                   "msedge.exe")
    ip = c2_ips(3)
    play(proc, 14, [(2, 40, ip[0], 443, "ConnectionSuccess"), (9, 41, ip[1], 443, "ConnectionFailed"),
                    (10, 12, ip[2], 443, "ConnectionSuccess"), (25, 13, ip[2], 443, "ConnectionSuccess")], "f")
    return proc, dict(risk="Medium", ips=3, ports=1, connections=4)


def pattern_g_invisimole(fleet):
    """InvisiMole-like: wdmsvc.exe walks 13 C2 addresses on 443/8443/4444 in one hour -> Critical, 10 IPs listed."""
    device = fleet["ws-exec-003"]
    proc = service(device, "wdmsvc.exe", r"C:\Windows\System32\wdmsvc.exe -k netsvcs")
    ip = c2_ips(13)
    ports = [443, 8443, 4444]
    steps = []
    for n in range(13):
        minute = 3 + n * 4
        action = "ConnectionSuccess" if n in (4, 9, 12) else "ConnectionFailed"
        steps.append((minute, 10 + n, ip[n], ports[n % 3], action))
        if n in (4, 9, 12):  # reached a live server: it beacons once more before moving on
            steps.append((minute + 2, 30 + n, ip[n], ports[n % 3], "ConnectionSuccess"))
    play(proc, 2, steps, "g")
    return proc, dict(risk="Critical", ips=13, ports=3, connections=16)


def pattern_h_ipv6(fleet):
    """IPv6 fallback: cfgsync64.exe to 3 public IPv6 addresses on 443 -> Medium.

    One address is written uncompressed with leading zeros; the finding lists its canonical form.
    """
    device = fleet["ws-eng-111"]
    proc = Process(device, "cfgsync64.exe", r'"C:\ProgramData\CfgSync\cfgsync64.exe" -k', "explorer.exe")
    first = fresh_public_v6("2a01:4f8")
    second = fresh_public_v6("2600:1900")
    third = fresh_public_v6("2a03:b0c0")
    third_as_sent = ipaddress.ip_address(third).exploded  # e.g. 2a03:b0c0:0012:...:0000:0a1b
    play(proc, 17, [(4, 15, first, 443, "ConnectionFailed"), (5, 16, second, 443, "ConnectionFailed"),
                    (6, 17, third_as_sent, 443, "ConnectionSuccess"), (21, 18, third_as_sent, 443,
                                                                        "ConnectionSuccess")], "h")
    return proc, dict(risk="Medium", ips=3, ports=1, connections=4)


def pattern_i_two_pids(fleet):
    """Two npm installs (same name, command line, parent) with 2 IPs each: per-PID groups -> no finding."""
    device = fleet["ws-eng-107"]
    command = r'"C:\Program Files\nodejs\node.exe" "C:\Program Files\nodejs\node_modules\npm\bin\npm-cli.js" ci'
    one = Process(device, "node.exe", command, "cmd.exe")
    two = Process(device, "node.exe", command, "cmd.exe")
    npm = [fresh_public_v4(["104.16"]), fresh_public_v4(["104.16"])]
    play(one, 10, [(5, 1, npm[0], 443, "ConnectionSuccess"), (5, 32, npm[1], 443, "ConnectionSuccess"),
                   (9, 3, npm[0], 443, "ConnectionSuccess")], "i")
    play(two, 10, [(6, 4, GITHUB_IPS[0], 443, "ConnectionSuccess"), (6, 35, GITHUB_IPS[1], 443,
                                                                     "ConnectionSuccess"),
                   (12, 6, GITHUB_IPS[0], 443, "ConnectionSuccess")], "i")
    return None


def pattern_j_hour_boundary(fleet):
    """pip across 11:00: 2 IPs in 10:40-10:59:59.9999999, 2 other IPs from 11:00:00.0000000 -> no finding."""
    device = fleet["ws-eng-109"]
    proc = Process(device, "python.exe", r'"C:\Python312\python.exe" -m pip install -r requirements.txt', "cmd.exe")
    ip = [fresh_public_v4(["151.101"]) for _ in range(4)]
    for hour, minute, second, frac, address in [(10, 41, 2, None, ip[0]), (10, 47, 30, None, ip[1]),
                                                (10, 59, 59, 9_999_999, ip[0]), (11, 0, 0, 0, ip[2]),
                                                (11, 6, 12, None, ip[3]), (11, 19, 40, None, ip[2])]:
        emit(proc, ticks_at(hour, minute, second, frac), address, 443, url="files.pythonhosted.org", tag="j")
    return None


def pattern_k_before_window(fleet):
    """A beacon on 4 IPs at 2026-11-29 23:30-23:59 (before the window) that carries on after midnight.

    After midnight it reaches 3 IPs in the 00:00 bin, but the first of them exactly at
    2026-11-30T00:00:00.0000000Z, which the start-exclusive window leaves out: 2 IPs -> no finding.
    """
    device = fleet["srv-app-01"]
    proc = service(device, "winlogupd.exe", r'"C:\Windows\Temp\winlogupd.exe" /svc')
    ip = c2_ips(6)
    previous = DAY - datetime.timedelta(days=1)
    play(proc, 23, [(30, 5, ip[0], 443, "ConnectionFailed"), (38, 6, ip[1], 443, "ConnectionFailed"),
                    (46, 7, ip[2], 443, "ConnectionFailed"), (59, 8, ip[3], 443, "ConnectionSuccess")], "k",
         day=previous)
    emit(proc, ticks_at(0, 0, 0, 0), ip[3], 443, "ConnectionFailed", tag="k")
    play(proc, 0, [(9, 9, ip[4], 443, "ConnectionFailed"), (19, 10, ip[5], 443, "ConnectionSuccess")], "k")
    return None


def pattern_m_untyped_public(fleet):
    """Sednit X-Agent-like hard-coded C2 list: RemoteIPType omitted, 3 public IPs -> still Medium."""
    device = fleet["ws-hr-014"]
    proc = Process(device, "jucheck64.exe", r'"C:\Users\%s\AppData\Roaming\Oracle\jucheck64.exe" -auto'
                   % device.user, "explorer.exe")
    ip = c2_ips(3)
    play(proc, 8, [(15, 20, ip[0], 80, "ConnectionFailed"), (16, 21, ip[1], 443, "ConnectionFailed"),
                   (17, 22, ip[2], 443, "ConnectionSuccess"), (47, 23, ip[2], 443, "ConnectionSuccess")],
         "m", omit_type=True)
    return proc, dict(risk="Medium", ips=3, ports=2, connections=4)


def pattern_n_untyped_non_public(fleet):
    """An asset-inventory agent to 4 untyped private/CGNAT/documentation/benchmark addresses -> no finding."""
    device = fleet["srv-mon-01"]
    proc = service(device, "AssetAgent.exe", r'"C:\Program Files\AssetAgent\AssetAgent.exe" --scan')
    play(proc, 4, [(0, 31, "10.44.8.20", 443, "ConnectionSuccess"), (1, 32, "100.64.12.7", 443, "ConnectionFailed"),
                   (2, 33, "192.0.2.45", 443, "ConnectionFailed"), (3, 34, "198.18.3.9", 443, "ConnectionFailed"),
                   (4, 35, "100.64.12.7", 443, "ConnectionSuccess")], "n", omit_type=True)
    return None


PATTERNS = [
    ("a", pattern_a_hoplight), ("b", pattern_b_trickbot), ("c", pattern_c_ismagent), ("d", pattern_d_biscuit),
    ("e", pattern_e_syncsvc), ("f", pattern_f_fake_chrome_update), ("g", pattern_g_invisimole),
    ("h", pattern_h_ipv6), ("i", pattern_i_two_pids), ("j", pattern_j_hour_boundary),
    ("k", pattern_k_before_window), ("m", pattern_m_untyped_public), ("n", pattern_n_untyped_non_public),
]


# ---------------------------------------------------------------------------
# Assembling the records
# ---------------------------------------------------------------------------

def to_records(events):
    """Sort by time, give each device increasing ReportIds, and lay the columns out in Defender's order."""
    ordered = sorted(events, key=lambda e: (e[0], e[2].device.name, e[1]))
    next_report_id = {}
    rows = []
    for ticks, _, proc, fields, tag in ordered:
        device = proc.device
        if device.name not in next_report_id:
            next_report_id[device.name] = rng.randint(8000, 90000)
        next_report_id[device.name] += rng.randint(1, 6)
        values = dict(fields)
        values.update({
            "Timestamp": format_ticks(ticks),
            "DeviceId": device.id,
            "DeviceName": device.name,
            "InitiatingProcessFileName": proc.file_name,
            "InitiatingProcessCommandLine": proc.command_line,
            "InitiatingProcessId": proc.pid,
            "InitiatingProcessParentFileName": proc.parent,
            "InitiatingProcessAccountName": proc.account,
            "InitiatingProcessAccountDomain": proc.domain,
            "ReportId": next_report_id[device.name],
        })
        record = {column: values[column] for column in COLUMNS if values.get(column) is not None}
        rows.append((record, tag))
    return rows


def add_duplicates(rows):
    """Re-send 20 records verbatim at random places: 3 of d, 2 of e, 2 of g, the near miss, 12 benign."""
    def pick(tag, count):
        candidates = [record for record, t in rows if t == tag]
        return rng.sample(candidates, count)

    copies = pick("d", 3) + pick("e", 2) + pick("g", 2) + pick("near-miss", 1) + pick("benign", 12)
    records = [record for record, _ in rows]
    for record in copies:
        records.insert(rng.randrange(len(records) + 1), dict(record))
    return records, len(copies)


def write_json_lines(path, records):
    """A JSON array with one record per line, so the file diffs well."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("[\n" + ",\n".join(json.dumps(record, ensure_ascii=False) for record in records) + "\n]\n")


# ---------------------------------------------------------------------------
# Oracle: the detection semantics, applied to records read back from JSON
# ---------------------------------------------------------------------------

ORACLE_PORTS = [53, 80, 443, 4443, 8080, 8443, 8888, 1194, 4444, 9443, 2222, 3128]
ORACLE_EXCLUDED = [name.lower() for name in [
    "chrome.exe", "firefox.exe", "msedge.exe", "iexplore.exe", "opera.exe", "brave.exe",
    "MicrosoftEdgeUpdate.exe", "MsMpEng.exe", "OneDrive.exe", "Teams.exe", "Slack.exe",
    "Zoom.exe", "Skype.exe", "outlook.exe", "lync.exe", "SearchApp.exe",
    "msedgewebview2.exe", "WINWORD.EXE", "EXCEL.EXE", "POWERPNT.EXE"]]
ORACLE_WINDOW_END = "2026-12-01T00:00:00Z"
TICKS_PER_MINUTE = 60 * TICKS_PER_SECOND
TICKS_PER_HOUR = 60 * TICKS_PER_MINUTE
GLOBAL_IN_2001_23 = [ipaddress.ip_network(n) for n in
                     ["2001:1::1/128", "2001:1::2/128", "2001:3::/32", "2001:4:112::/48", "2001:20::/28",
                      "2001:30::/28"]]


def oracle_ticks(text):
    """Parse an ISO 8601 UTC instant ('Z', 0-7 fractional digits) into 100 ns ticks."""
    if not text.endswith("Z"):
        raise ValueError("not UTC: " + text)
    whole, _, fraction = text[:-1].partition(".")
    moment = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    seconds = (moment - EPOCH) // datetime.timedelta(seconds=1)
    return seconds * TICKS_PER_SECOND + int((fraction + "0000000")[:7])


def oracle_instant(ticks, fraction_digits):
    """Render ticks as ISO 8601 UTC, truncated to `fraction_digits` (0 or 6)."""
    seconds, frac = divmod(ticks, TICKS_PER_SECOND)
    text = (EPOCH + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    if fraction_digits == 6:
        text += ".%06d" % (frac // 10)
    return text + "Z"


def oracle_is_public(text):
    """Globally routable unicast, as the service classifies an untyped RemoteIP."""
    address = ipaddress.ip_address(text)
    if not address.is_global or address.is_multicast:
        return False
    if address.version == 4:
        return address not in ipaddress.ip_network("192.88.99.0/24")
    if address not in ipaddress.ip_network("2000::/3") or address in ipaddress.ip_network("2002::/16"):
        return False
    if address in ipaddress.ip_network("2001::/23"):
        return any(address in block for block in GLOBAL_IN_2001_23)
    return True


def oracle_findings(records, window_end_text=ORACLE_WINDOW_END):
    """The findings of one detection run with the given windowEnd and a 24 h lookback."""
    window_end = oracle_ticks(window_end_text)
    window_start = window_end - 24 * TICKS_PER_HOUR

    unique = {}
    for record in records:
        ticks = oracle_ticks(record["Timestamp"])
        identity = (record["DeviceName"], str(record["ReportId"]), ticks)
        unique.setdefault(identity, (ticks, record))

    groups = {}
    for ticks, record in unique.values():
        if not window_start < ticks <= window_end:
            continue
        ip_type = record.get("RemoteIPType") or ("Public" if oracle_is_public(record["RemoteIP"]) else "")
        if ip_type != "Public" or int(record["RemotePort"]) not in ORACLE_PORTS:
            continue
        if record["InitiatingProcessFileName"].lower() in ORACLE_EXCLUDED:
            continue
        key = (record["DeviceName"], record.get("AccountName") or record["InitiatingProcessAccountName"],
               record["InitiatingProcessFileName"], record["InitiatingProcessCommandLine"],
               record["InitiatingProcessId"], record["InitiatingProcessParentFileName"],
               ticks - ticks % TICKS_PER_HOUR)
        groups.setdefault(key, []).append((ticks, str(ipaddress.ip_address(record["RemoteIP"])),
                                           int(record["RemotePort"])))

    findings = []
    for key, events in groups.items():
        events.sort()
        first_contact_ip, first_contact_port = {}, {}
        for ticks, ip, port in events:
            first_contact_ip.setdefault(ip, ticks)
            first_contact_port.setdefault(port, ticks)
        ips, ports, connections = len(first_contact_ip), len(first_contact_port), len(events)
        if not (ips >= 3 or (ports >= 3 and connections >= 5)):
            continue
        first_seen, last_seen = events[0][0], events[-1][0]
        if ips >= 5 and ports >= 3:
            risk = "Critical"
        elif ips >= 4 or (ports >= 3 and connections >= 8):
            risk = "High"
        elif ips >= 3:
            risk = "Medium"
        else:
            risk = "Low"
        device, account, file_name, command_line, pid, parent, hour = key
        findings.append({
            "deviceName": device,
            "accountName": account,
            "initiatingProcessFileName": file_name,
            "initiatingProcessCommandLine": command_line,
            "initiatingProcessId": pid,
            "initiatingProcessParentFileName": parent,
            "windowStart": oracle_instant(hour, 0),
            "firstSeen": oracle_instant(first_seen, 6),
            "lastSeen": oracle_instant(last_seen, 6),
            "connectionSpanMinutes": last_seen // TICKS_PER_MINUTE - first_seen // TICKS_PER_MINUTE,
            "uniqueDestIps": ips,
            "uniqueDestPorts": ports,
            "totalConnections": connections,
            "destinationIps": sorted(first_contact_ip, key=first_contact_ip.get)[:10],
            "destinationPorts": sorted(first_contact_port, key=first_contact_port.get)[:10],
            "riskScore": risk,
            "_microseconds": sorted(t // 10 for t, _, _ in events),
        })
    findings.sort(key=lambda f: (-f["uniqueDestIps"], -f["uniqueDestPorts"], f["deviceName"],
                                 f["initiatingProcessId"], f["windowStart"]))
    return findings


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def check(condition, message):
    """Fail loudly."""
    if not condition:
        raise SystemExit("generate_sample_events.py: CHECK FAILED: " + message)


def check_records(records, duplicate_count):
    """Shape of every record, RemoteIPType consistency, identities unique but for the planted duplicates."""
    identities = {}
    omitted = 0
    for record in records:
        missing = [c for c in COLUMNS if c not in record and c != "RemoteIPType"]
        check(not missing and len(record) in (len(COLUMNS), len(COLUMNS) - 1), "bad columns %r" % record)
        check("AccountName" not in record, "AccountName must not be sent")
        stamp = record["Timestamp"]
        check(len(stamp) == 28 and stamp[19] == "." and stamp.endswith("Z"), "bad Timestamp " + stamp)
        check(len(record["DeviceId"]) == 40, "bad DeviceId")
        if "RemoteIPType" in record:
            check((record["RemoteIPType"] == "Public") == oracle_is_public(record["RemoteIP"]),
                  "RemoteIPType disagrees with the address: %r" % record)
        else:
            omitted += 1
        identity = (record["DeviceName"], record["ReportId"], record["Timestamp"])
        identities.setdefault(identity, []).append(record)
    repeated = [copies for copies in identities.values() if len(copies) > 1]
    check(len(repeated) == duplicate_count and all(len(c) == 2 and c[0] == c[1] for c in repeated),
          "duplicates must be exactly the %d verbatim copies" % duplicate_count)
    # The service keeps microseconds: identities must stay distinct after truncating the 7th digit.
    truncated = {(d, r, t[:26]) for d, r, t in identities}
    check(len(truncated) == len(identities), "identities collide once truncated to microseconds")
    ratio = omitted / len(records)
    check(0.08 <= ratio <= 0.12, "RemoteIPType omitted on %.1f%% of records" % (100 * ratio))
    check(2800 <= len(records) <= 3200, "record count %d" % len(records))
    return omitted


def check_findings(findings, planted):
    """The findings are exactly the planted ones, with the stated risk and counts, and unambiguous order."""
    found = {(f["deviceName"], f["initiatingProcessFileName"], f["initiatingProcessId"]): f for f in findings}
    check(len(found) == len(findings), "two findings for one process")
    expected = {(proc.device.name, proc.file_name, proc.pid): (tag, want) for tag, proc, want in planted}
    unexpected = [k for k in found if k not in expected]
    check(not unexpected, "unplanted findings: %r" % unexpected)
    for key, (tag, want) in expected.items():
        check(key in found, "pattern %s raised no finding" % tag)
        got = found[key]
        actual = dict(risk=got["riskScore"], ips=got["uniqueDestIps"], ports=got["uniqueDestPorts"],
                      connections=got["totalConnections"])
        check(actual == want, "pattern %s: expected %r, got %r" % (tag, want, actual))
        micros = got["_microseconds"]
        check(len(set(micros)) == len(micros), "pattern %s has events sharing a microsecond" % tag)
    g = next(f for f in findings if f["initiatingProcessFileName"] == "wdmsvc.exe")
    check(len(g["destinationIps"]) == 10, "pattern g must list only 10 addresses")


# ---------------------------------------------------------------------------
# The Swagger example batch
# ---------------------------------------------------------------------------

def example_batch():
    """rundll32.exe on a device not in the data set: 5 IPs on 443/8080/8443 in one hour, failing over."""
    device = Device("ws-fin-042", "workstation", "10.20.21.52", "lmorgan")
    proc = Process(device, "rundll32.exe", r'"C:\Windows\System32\rundll32.exe" '
                                           r'C:\Users\lmorgan\AppData\Roaming\Adobe\acrocef_upd.dll,Start',
                   "explorer.exe")
    ip = c2_ips(5)
    start = len(EVENTS)
    F, S = "ConnectionFailed", "ConnectionSuccess"
    play(proc, 14, [(3, 11, ip[0], 443, F), (3, 42, ip[0], 443, F), (4, 13, ip[1], 8080, F),
                    (5, 14, ip[2], 8443, S), (12, 15, ip[2], 8443, S), (19, 16, ip[2], 8443, F),
                    (19, 47, ip[3], 443, F), (20, 18, ip[4], 8080, S), (35, 19, ip[4], 8080, S),
                    (50, 20, ip[4], 8080, S)], "example")
    events = EVENTS[start:]
    del EVENTS[start:]
    return [record for record, _ in to_records(events)]


# ---------------------------------------------------------------------------

def main():
    fleet = build_fleet()
    benign_traffic(fleet)
    planted = []
    for tag, make in PATTERNS:
        result = make(fleet)
        if result is not None:
            planted.append((tag, result[0], result[1]))
    example = example_batch()

    rows = to_records(EVENTS)
    records, duplicate_count = add_duplicates(rows)
    write_json_lines(EVENTS_FILE, records)
    write_json_lines(EXAMPLE_FILE, example)

    # The oracle works on what was written, not on the generator's objects.
    with open(EVENTS_FILE, encoding="utf-8") as stream:
        written = json.load(stream)
    omitted = check_records(written, duplicate_count)
    findings = oracle_findings(written)
    check_findings(findings, planted)
    for finding in findings:
        del finding["_microseconds"]
    with open(FINDINGS_FILE, "w", encoding="utf-8", newline="\n") as out:
        json.dump(findings, out, indent=2, ensure_ascii=False)
        out.write("\n")

    with open(EXAMPLE_FILE, encoding="utf-8") as stream:
        example_findings = oracle_findings(json.load(stream))
    check(len(example_findings) == 1 and example_findings[0]["riskScore"] == "Critical",
          "the example batch must raise exactly one Critical finding")

    print("%s: %d records (%d verbatim duplicates, RemoteIPType omitted on %d), %d devices"
          % (EVENTS_FILE.relative_to(ROOT), len(written), duplicate_count, omitted,
             len({r["DeviceName"] for r in written})))
    print("%s: %d findings" % (FINDINGS_FILE.relative_to(ROOT), len(findings)))
    for f in findings:
        print("  %-26s %-18s %-8s ips=%-2d ports=%d connections=%d"
              % (f["deviceName"], f["initiatingProcessFileName"], f["riskScore"], f["uniqueDestIps"],
                 f["uniqueDestPorts"], f["totalConnections"]))
    print("%s: %d records, 1 Critical finding (%d IPs, %d ports, %d connections)"
          % (EXAMPLE_FILE.relative_to(ROOT), len(example), example_findings[0]["uniqueDestIps"],
             example_findings[0]["uniqueDestPorts"], example_findings[0]["totalConnections"]))


if __name__ == "__main__":
    main()
