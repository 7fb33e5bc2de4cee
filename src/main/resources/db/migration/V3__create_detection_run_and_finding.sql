-- Records each detection run and the findings it raises: one finding per process instance and hour bucket.
CREATE TABLE detection_run (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trigger          text        NOT NULL CHECK (trigger IN ('SCHEDULED', 'MANUAL')),
    status           text        NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    window_start     timestamptz NOT NULL,
    window_end       timestamptz NOT NULL,
    events_scanned   bigint,
    events_matched   bigint,
    findings_created integer,
    findings_updated integer,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    error_message    text
);

CREATE INDEX detection_run_started_at_idx ON detection_run (started_at DESC);

CREATE TABLE finding (
    id                                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_name                         text        NOT NULL,
    -- sha256 of the six group-by columns: keeps 32 KB command lines out of the unique index
    group_key                           bytea       NOT NULL,
    window_start                        timestamptz NOT NULL,
    window_end                          timestamptz NOT NULL,
    account_name                        text        NOT NULL,
    initiating_process_file_name        text        NOT NULL,
    initiating_process_command_line     text        NOT NULL,
    initiating_process_id               bigint,
    initiating_process_parent_file_name text        NOT NULL,
    first_seen                          timestamptz NOT NULL,
    last_seen                           timestamptz NOT NULL,
    connection_span_minutes             bigint      NOT NULL,
    unique_dest_ips                     integer     NOT NULL,
    unique_dest_ports                   integer     NOT NULL,
    total_connections                   integer     NOT NULL,
    destination_ips                     text[]      NOT NULL,
    destination_ports                   integer[]   NOT NULL,
    risk_score                          text        NOT NULL CHECK (risk_score IN ('Critical', 'High', 'Medium', 'Low')),
    technique_id                        text        NOT NULL DEFAULT 'T1008',
    detected_at                         timestamptz NOT NULL,
    updated_at                          timestamptz NOT NULL,
    last_run_id                         bigint      NOT NULL REFERENCES detection_run (id),
    UNIQUE (device_name, group_key, window_start)
);

CREATE INDEX finding_rank_idx ON finding (unique_dest_ips DESC, unique_dest_ports DESC, id);
CREATE INDEX finding_window_start_idx ON finding (window_start);
