-- Makes the detection settings editable over HTTP: versioned thresholds and port list, scoped and expiring
-- process and destination exclusions with their suppression figures, an audit trail of every change, and
-- findings that record which change made them stop matching.

ALTER TABLE detection_threshold ADD COLUMN version bigint NOT NULL DEFAULT 1;

-- The ports live one per row in detection_port; this row versions the list as a whole.
CREATE TABLE detection_port_list (
    id         smallint    PRIMARY KEY CHECK (id = 1),
    version    bigint      NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO detection_port_list (id) VALUES (1);

-- Scoped entries may share a process name, so uniqueness now covers the whole scope.
DROP INDEX process_exclusion_name_idx;

ALTER TABLE process_exclusion
    ADD COLUMN device_name                text,
    ADD COLUMN account_name               text,
    ADD COLUMN parent_process_name        text,
    ADD COLUMN command_line_pattern       text,
    -- the pattern's * and ? as ILIKE wildcards, everything else literal
    ADD COLUMN command_line_like          text GENERATED ALWAYS AS (
        replace(replace(replace(replace(replace(
            command_line_pattern, '\', '\\'), '%', '\%'), '_', '\_'), '*', '%'), '?', '_')) STORED,
    ADD COLUMN expires_at                 timestamptz,
    ADD COLUMN updated_at                 timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN version                    bigint      NOT NULL DEFAULT 1,
    ADD COLUMN last_run_id                bigint,
    ADD COLUMN last_run_suppressed_events bigint;

CREATE UNIQUE INDEX process_exclusion_scope_idx ON process_exclusion (
    lower(process_name), lower(device_name), lower(account_name), lower(parent_process_name), command_line_pattern
) NULLS NOT DISTINCT;

CREATE TABLE destination_exclusion (
    id                         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cidr                       cidr,
    remote_url_suffix          text,
    port                       integer     CHECK (port BETWEEN 1 AND 65535),
    reason                     text        NOT NULL,
    device_name                text,
    account_name               text,
    process_name               text,
    expires_at                 timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    created_by                 text        NOT NULL,
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    version                    bigint      NOT NULL DEFAULT 1,
    last_run_id                bigint,
    last_run_suppressed_events bigint,
    CHECK ((cidr IS NULL) <> (remote_url_suffix IS NULL))
);

CREATE TABLE settings_audit (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    changed_by  text        NOT NULL,
    resource    text        NOT NULL,
    resource_id bigint,
    action      text        NOT NULL CHECK (action IN ('CREATE', 'UPDATE', 'DELETE')),
    before      jsonb,
    after       jsonb
);

CREATE INDEX settings_audit_changed_at_idx ON settings_audit (changed_at DESC, id DESC);

ALTER TABLE detection_run ADD COLUMN findings_no_longer_matching integer;

ALTER TABLE finding
    ADD COLUMN no_longer_matching           boolean NOT NULL DEFAULT false,
    ADD COLUMN no_longer_matching_since     timestamptz,
    ADD COLUMN no_longer_matching_change_id bigint REFERENCES settings_audit (id);
