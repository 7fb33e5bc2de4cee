-- Holds the seed query's lists and thresholds as data, so detection reads them at each run.

-- let C2FallbackPorts = dynamic([53, 80, 443, 4443, 8080, 8443, 8888, 1194, 4444, 9443, 2222, 3128]);
CREATE TABLE detection_port (
    port integer PRIMARY KEY CHECK (port BETWEEN 1 AND 65535)
);

INSERT INTO detection_port (port)
VALUES (53), (80), (443), (4443), (8080), (8443), (8888), (1194), (4444), (9443), (2222), (3128);

-- let ExcludedProcesses = dynamic([...]); matched case-insensitively on the whole file name.
CREATE TABLE process_exclusion (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    process_name text        NOT NULL CHECK (process_name <> ''),
    reason       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text        NOT NULL DEFAULT 'system'
);

CREATE UNIQUE INDEX process_exclusion_name_idx ON process_exclusion (lower(process_name));

INSERT INTO process_exclusion (process_name, reason)
SELECT name, 'Default exclusion of the seed query: browser, collaboration or office process'
FROM unnest(ARRAY[
    'chrome.exe', 'firefox.exe', 'msedge.exe', 'iexplore.exe', 'opera.exe', 'brave.exe',
    'MicrosoftEdgeUpdate.exe', 'MsMpEng.exe', 'OneDrive.exe', 'Teams.exe', 'Slack.exe',
    'Zoom.exe', 'Skype.exe', 'outlook.exe', 'lync.exe', 'SearchApp.exe',
    'msedgewebview2.exe', 'WINWORD.EXE', 'EXCEL.EXE', 'POWERPNT.EXE'
]) AS name;

-- One row: the lookback, the bucket width and the thresholds of the seed's where and case clauses.
CREATE TABLE detection_threshold (
    id                          smallint    PRIMARY KEY CHECK (id = 1),
    lookback_hours              integer     NOT NULL CHECK (lookback_hours > 0),
    bucket_minutes              integer     NOT NULL CHECK (bucket_minutes > 0),
    finding_min_distinct_ips    integer     NOT NULL CHECK (finding_min_distinct_ips > 0),
    finding_min_distinct_ports  integer     NOT NULL CHECK (finding_min_distinct_ports > 0),
    finding_min_connections     integer     NOT NULL CHECK (finding_min_connections > 0),
    critical_min_distinct_ips   integer     NOT NULL CHECK (critical_min_distinct_ips > 0),
    critical_min_distinct_ports integer     NOT NULL CHECK (critical_min_distinct_ports > 0),
    high_min_distinct_ips       integer     NOT NULL CHECK (high_min_distinct_ips > 0),
    high_min_distinct_ports     integer     NOT NULL CHECK (high_min_distinct_ports > 0),
    high_min_connections        integer     NOT NULL CHECK (high_min_connections > 0),
    medium_min_distinct_ips     integer     NOT NULL CHECK (medium_min_distinct_ips > 0),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO detection_threshold VALUES (1, 24, 60, 3, 3, 5, 5, 3, 4, 3, 8, 3, now());
