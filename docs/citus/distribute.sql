-- Shards fallback-watch's schema over a Citus cluster. Run it once on the coordinator, after the service's first
-- start against the coordinator has applied the Flyway migrations, and before events arrive.

-- Events and the detection backlog: sharded by device and co-located, so that a device's events, its backlog
-- and the detection's GROUP BY device_name, ... all stay on one worker.
SELECT create_distributed_table('network_event', 'device_name');
SELECT create_distributed_table('detection_backlog', 'device_name', colocate_with => 'network_event');

-- The settings every evaluation joins with every event: a copy on each node.
SELECT create_reference_table('detection_threshold');
SELECT create_reference_table('detection_port');
SELECT create_reference_table('process_exclusion');
SELECT create_reference_table('destination_exclusion');
