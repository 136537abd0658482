-- ALTER TABLE ... DETACH PARTITION moves a partition's parts to detached/ under their own
-- names (system.detached_parts shows them with an empty reason); ATTACH PARTITION brings
-- them back in one step, under new block numbers.
CREATE TABLE ev (tenant LowCardinality(String), time DateTime, value UInt64) ENGINE = MergeTree PARTITION BY toYYYYMM(time) ORDER BY (tenant, time);
INSERT INTO ev SELECT concat('t', toString(number % 3)), toDateTime('2026-09-25 00:00:00') + number * 3600, number FROM numbers(2000);
INSERT INTO ev SELECT 'late', toDateTime('2026-10-15 00:00:00') + number * 60, 7 FROM numbers(100);
SELECT toYYYYMM(time) AS m, count(), sum(value) FROM ev GROUP BY m ORDER BY m;
ALTER TABLE ev DETACH PARTITION 202610;
SELECT toYYYYMM(time) AS m, count(), sum(value) FROM ev GROUP BY m ORDER BY m;
SELECT partition_id, reason, count() FROM system.detached_parts WHERE table = 'ev' GROUP BY partition_id, reason;
CHECK TABLE ev SETTINGS check_query_single_value_result = 1;
ALTER TABLE ev DETACH PARTITION ID '202611';
SELECT toYYYYMM(time) AS m, count() FROM ev GROUP BY m ORDER BY m;
ALTER TABLE ev ATTACH PARTITION 202610;
SELECT toYYYYMM(time) AS m, count(), sum(value) FROM ev GROUP BY m ORDER BY m;
SELECT partition_id, count() FROM system.detached_parts WHERE table = 'ev' GROUP BY partition_id;
ALTER TABLE ev ATTACH PARTITION ID '202611';
ALTER TABLE ev DETACH PARTITION 203001;
ALTER TABLE ev ATTACH PARTITION 203001;
SELECT toYYYYMM(time) AS m, count(), sum(value) FROM ev GROUP BY m ORDER BY m;
SELECT count() FROM system.detached_parts WHERE table = 'ev';
OPTIMIZE TABLE ev FINAL;
SELECT partition, count() FROM system.parts WHERE table = 'ev' AND active GROUP BY partition ORDER BY partition;
ALTER TABLE ev DETACH PARTITION 'x'; -- error: Cannot convert 'x'
