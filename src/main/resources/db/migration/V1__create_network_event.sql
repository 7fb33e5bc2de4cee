-- Stores Defender DeviceNetworkEvents rows; one row per event identity (DeviceName, ReportId, Timestamp).
CREATE TABLE network_event (
    device_name                         text        NOT NULL,
    report_id                           text        NOT NULL,
    event_time                          timestamptz NOT NULL,
    device_id                           text        NOT NULL DEFAULT '',
    action_type                         text        NOT NULL DEFAULT '',
    remote_ip                           inet,
    remote_port                         integer,
    remote_ip_type                      text        NOT NULL DEFAULT '',
    remote_ip_type_derived              boolean     NOT NULL DEFAULT false,
    remote_url                          text        NOT NULL DEFAULT '',
    local_ip                            inet,
    local_port                          integer,
    protocol                            text        NOT NULL DEFAULT '',
    account_name                        text        NOT NULL DEFAULT '',
    initiating_process_account_name     text        NOT NULL DEFAULT '',
    initiating_process_account_domain   text        NOT NULL DEFAULT '',
    initiating_process_file_name        text        NOT NULL DEFAULT '',
    initiating_process_command_line     text        NOT NULL DEFAULT '',
    initiating_process_id               bigint,
    initiating_process_parent_file_name text        NOT NULL DEFAULT '',
    received_at                         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_name, report_id, event_time)
);

COMMENT ON COLUMN network_event.event_time IS 'Defender Timestamp, truncated to microseconds';
COMMENT ON COLUMN network_event.account_name IS 'AccountName when sent, else InitiatingProcessAccountName';
COMMENT ON COLUMN network_event.remote_ip_type_derived IS 'true when the service classified RemoteIP itself';

-- The detection scans the lookback window by time.
CREATE INDEX network_event_event_time_idx ON network_event (event_time);
