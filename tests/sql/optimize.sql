-- OPTIMIZE TABLE merges each partition's parts into one; the rows and every answer stay.
SELECT count(), sum(rows) FROM system.parts;
SELECT name FROM system.databases ORDER BY name;
CREATE TABLE usage (time DateTime, tenant LowCardinality(String), metric LowCardinality(String), value UInt64, note Nullable(String), tags Array(LowCardinality(String)))
ENGINE = MergeTree PARTITION BY toYYYYMM(time) ORDER BY (tenant, metric, time);
INSERT INTO usage VALUES ('2026-10-01 00:00:00', 'acme', 'api_calls', 5, NULL, ['a']), ('2026-11-02 10:00:00', 'zeta', 'tokens', 7, 'x', []);
INSERT INTO usage VALUES ('2026-10-01 00:00:00', 'acme', 'api_calls', 6, 'second', ['b', 'a']), ('2026-10-03 00:00:00', 'beta', 'api_calls', 1, NULL, []);
INSERT INTO usage SELECT toDateTime('2026-10-05 00:00:00') + number * 60, concat('t', toString(number % 3)), 'bytes', number, NULL, [toString(number % 2)] FROM numbers(1000);
INSERT INTO usage VALUES ('2026-11-01 00:00:00', 'acme', 'tokens', 9, NULL, ['c']);
SELECT tenant, metric, count(), sum(value), min(time), max(time), countIf(note IS NULL), sum(length(tags)) FROM usage GROUP BY tenant, metric ORDER BY tenant, metric;
SELECT partition_id, name, rows, marks, level, min_block_number, max_block_number FROM system.parts WHERE table = 'usage' ORDER BY name;
OPTIMIZE TABLE usage PARTITION ID '202611';
SELECT partition_id, name, rows, level FROM system.parts WHERE database = 'default' AND table = 'usage' AND active ORDER BY name;
SELECT tenant, metric, time, value, note, tags FROM usage WHERE toYYYYMM(time) = 202611;
OPTIMIZE TABLE default.usage FINAL;
OPTIMIZE TABLE usage;
SELECT partition_id, name, rows, level FROM system.parts WHERE table = 'usage' ORDER BY name;
SELECT name, total_rows, parts FROM system.tables WHERE database = currentDatabase();
SELECT tenant, metric, count(), sum(value), min(time), max(time), countIf(note IS NULL), sum(length(tags)) FROM usage GROUP BY tenant, metric ORDER BY tenant, metric;
-- Equal keys keep insertion order: the first insert's row comes first.
SELECT value, note, tags FROM usage WHERE tenant = 'acme' AND metric = 'api_calls';
SELECT count() FROM usage WHERE tenant = 't1' AND time < '2026-10-05 01:00:00';
-- System tables cover every database; currentDatabase() follows USE.
CREATE DATABASE billing;
USE billing;
CREATE TABLE t (x UInt8) ENGINE = MergeTree ORDER BY x;
INSERT INTO t VALUES (1), (2);
SELECT currentDatabase(), database, name, total_rows FROM system.tables ORDER BY database, name;
SELECT database, table, rows FROM system.parts WHERE database = currentDatabase();
USE default;
SELECT currentDatabase(), name FROM system.databases ORDER BY name;
OPTIMIZE TABLE nope; -- error: does not exist
SELECT * FROM system.nope; -- error: system.functions and system.formats do
INSERT INTO usage SELECT * FROM usage WHERE toYYYYMM(time) = 202610;
SELECT partition, count() FROM system.parts WHERE table = 'usage' AND active GROUP BY partition ORDER BY partition;
OPTIMIZE TABLE usage PARTITION 202610;
SELECT partition, count() FROM system.parts WHERE table = 'usage' AND active GROUP BY partition ORDER BY partition;
OPTIMIZE TABLE usage PARTITION 'x'; -- error: Cannot convert 'x'
OPTIMIZE TABLE usage DEDUPLICATE; -- error: DEDUPLICATE
