-- Range-partitions network_event by day, so that retention drops whole partitions instead of deleting rows and a
-- run's window touches only the partitions it covers. The service creates the daily partitions ahead of time and
-- drops the expired ones (EventPartitions); rows outside every daily partition land in network_event_default.
ALTER TABLE network_event RENAME TO network_event_unpartitioned;
ALTER TABLE network_event_unpartitioned RENAME CONSTRAINT network_event_pkey TO network_event_unpartitioned_pkey;

CREATE TABLE network_event (
    LIKE network_event_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS
) PARTITION BY RANGE (event_time);

-- Defender's event identity, device first: the distribution column of a sharded deployment leads every key, and
-- the (device, time) prefix serves the incremental run's reads of one device bucket and the evidence of a finding.
ALTER TABLE network_event ADD PRIMARY KEY (device_name, event_time, report_id);

COMMENT ON TABLE network_event IS 'Defender DeviceNetworkEvents, one partition per UTC day';

CREATE TABLE network_event_default PARTITION OF network_event DEFAULT;

COMMENT ON TABLE network_event_default IS 'Events of days without a partition; moved into a daily one when it is created';

INSERT INTO network_event
SELECT *
FROM network_event_unpartitioned;

DROP TABLE network_event_unpartitioned;
