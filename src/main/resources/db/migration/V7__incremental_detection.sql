-- Lets a scheduled run evaluate only the buckets that received events since the previous run.

-- Each ingest batch adds one row per device and bucket it stored new events in, in the batch's own
-- transaction. A run deletes the rows of closed buckets it evaluated; rows committed after the run's snapshot
-- stay for the next one. No unique key on purpose: batches never wait on each other or on a run here.
CREATE TABLE detection_backlog (
    device_name  text        NOT NULL,
    bucket_start timestamptz NOT NULL,
    bucket_end   timestamptz NOT NULL
);

COMMENT ON TABLE detection_backlog IS 'Device buckets with events newer than the last detection run';

CREATE INDEX detection_backlog_bucket_end_idx ON detection_backlog (bucket_end);

-- FULL: the whole lookback window; INCREMENTAL: only the buckets in detection_backlog.
ALTER TABLE detection_run
    ADD COLUMN evaluation text CHECK (evaluation IN ('FULL', 'INCREMENTAL')),
    ADD COLUMN full_reason text,
    ADD COLUMN settings_change_count bigint;

COMMENT ON COLUMN detection_run.settings_change_count IS 'Rows in settings_audit when the run began; a new one forces a full run';
