-- Turns findings into cases: a triage lifecycle with a version for ETags, comments, a change log that is both
-- the history of each finding and the change feed, incidents that group consecutive findings of one process
-- instance, and webhook subscriptions with a transactional outbox of deliveries.

-- One process instance (device, process file name, PID) misbehaving over consecutive buckets.
CREATE TABLE incident (
    id                           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_name                  text        NOT NULL,
    initiating_process_file_name text        NOT NULL,
    initiating_process_id        bigint,
    -- derived: OPEN while any of its findings is NEW, ACKNOWLEDGED or IN_PROGRESS
    status                       text        NOT NULL CHECK (status IN ('OPEN', 'RESOLVED')),
    first_seen                   timestamptz NOT NULL,
    last_seen                    timestamptz NOT NULL,
    -- start of its first bucket and end of its last one: a finding touching this span joins the incident
    window_start                 timestamptz NOT NULL,
    window_end                   timestamptz NOT NULL,
    highest_risk                 text        NOT NULL CHECK (highest_risk IN ('Critical', 'High', 'Medium', 'Low')),
    finding_count                integer     NOT NULL,
    reopen_count                 integer     NOT NULL DEFAULT 0,
    created_at                   timestamptz NOT NULL,
    updated_at                   timestamptz NOT NULL,
    resolved_at                  timestamptz,
    version                      bigint      NOT NULL DEFAULT 1,
    -- the run that created it or last added a finding to it
    last_run_id                  bigint      NOT NULL REFERENCES detection_run (id)
);

CREATE INDEX incident_process_idx ON incident (device_name, initiating_process_file_name, initiating_process_id);
CREATE INDEX incident_last_seen_idx ON incident (last_seen DESC, id DESC);

ALTER TABLE finding
    ADD COLUMN status         text   NOT NULL DEFAULT 'NEW'
        CHECK (status IN ('NEW', 'ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED', 'FALSE_POSITIVE')),
    ADD COLUMN assignee       text,
    ADD COLUMN classification text
        CHECK (classification IN ('TRUE_POSITIVE', 'INFORMATIONAL_EXPECTED_ACTIVITY', 'FALSE_POSITIVE')),
    -- why it fired, written when a run raises or changes it: {"summary": …, "thresholdsCrossed": […]}
    ADD COLUMN explanation    json,
    ADD COLUMN incident_id    bigint REFERENCES incident (id),
    -- findings that exist already start at version 1
    ADD COLUMN version        bigint NOT NULL DEFAULT 1;

-- 0 marks a row a detection run has just inserted: the run's listener raises every row of the run by one before
-- the run commits, so a committed finding never has version 0 and a new one starts at 1.
ALTER TABLE finding ALTER COLUMN version SET DEFAULT 0;

CREATE INDEX finding_last_run_idx ON finding (last_run_id);
CREATE INDEX finding_incident_idx ON finding (incident_id);

CREATE TABLE finding_comment (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    finding_id bigint      NOT NULL REFERENCES finding (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    author     text        NOT NULL,
    text       text        NOT NULL CHECK (text <> '')
);

CREATE INDEX finding_comment_finding_idx ON finding_comment (finding_id, id);

-- Every change of a finding, by detection or by triage, with the finding as it was after the change. Writers
-- take the feed's advisory lock right before inserting and hold it until they commit, so positions become
-- visible in increasing order and a reader's cursor never skips a change that commits later. CACHE 1 (the
-- default, stated here because it matters) keeps sessions from holding positions handed out ahead of time.
CREATE TABLE finding_change (
    position   bigint      GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    finding_id bigint      NOT NULL REFERENCES finding (id) ON DELETE CASCADE,
    version    bigint      NOT NULL,
    kind       text        NOT NULL
        CHECK (kind IN ('DETECTED', 'UPDATED_BY_DETECTION', 'NO_LONGER_MATCHING', 'TRIAGED')),
    changed_at timestamptz NOT NULL,
    changed_by text        NOT NULL,
    run_id     bigint,
    -- {"field": {"from": …, "to": …}} for every field the change altered
    changes    json        NOT NULL,
    comment    text,
    -- json, not jsonb: keeps the API's field order
    snapshot   json        NOT NULL
);

CREATE INDEX finding_change_finding_idx ON finding_change (finding_id, position);

CREATE TABLE webhook_subscription (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url         text        NOT NULL,
    -- the HMAC key; needed in clear to sign, never returned by the API
    secret      text        NOT NULL,
    min_risk    text        NOT NULL CHECK (min_risk IN ('Critical', 'High', 'Medium', 'Low')),
    event_types text[]      NOT NULL CHECK (cardinality(event_types) > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     bigint      NOT NULL DEFAULT 1
);

-- The outbox: written in the transaction of the change it announces, sent by the dispatcher afterwards.
CREATE TABLE webhook_delivery (
    id               uuid        PRIMARY KEY,
    seq              bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    subscription_id  bigint      NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
    event_type       text        NOT NULL,
    -- the finding or incident the event is about, and its version
    subject_id       bigint      NOT NULL,
    subject_version  bigint      NOT NULL,
    -- the exact body that is signed and sent, on every attempt
    payload          text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    -- when a dispatcher may claim it next; a claim moves it ahead by the lease, so a crashed sender's claim expires
    next_attempt_at  timestamptz,
    last_attempt_at  timestamptz,
    delivered_at     timestamptz,
    last_status_code integer,
    last_error       text,
    CHECK ((status = 'PENDING') = (next_attempt_at IS NOT NULL))
);

CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_subscription_idx ON webhook_delivery (subscription_id, seq DESC);
