-- IN lists on leading sorting-key columns prune the primary index as points, together with
-- conditions on the following key columns; answers are those of a full scan.
CREATE TABLE ev (tenant LowCardinality(String), metric LowCardinality(String), time DateTime, n UInt32, value UInt64) ENGINE = MergeTree ORDER BY (tenant, metric, time) SETTINGS index_granularity = 64;
INSERT INTO ev SELECT concat('tenant_', toString(number % 37)), ['api_calls', 'storage_gb', 'tokens'][number % 3 + 1], toDateTime('2026-10-01 00:00:00') + number * 97, number % 1000, number FROM numbers(40000);
INSERT INTO ev SELECT concat('tenant_', toString(number % 41)), ['api_calls', 'storage_gb', 'egress'][number % 3 + 1], toDateTime('2026-10-03 00:00:00') + number * 61, number % 500, number * 3 FROM numbers(30000);
SELECT count(), sum(value) FROM ev WHERE metric = 'api_calls' AND tenant IN ('tenant_1', 'tenant_7', 'tenant_15', 'tenant_33');
SELECT tenant, count(), sum(value) FROM ev WHERE tenant IN ('tenant_2', 'tenant_40', 'nobody', 'tenant_39') AND metric IN ('egress', 'tokens') GROUP BY tenant ORDER BY tenant;
SELECT tenant, metric, count() FROM ev WHERE tenant IN ('tenant_5', 'tenant_6') AND metric = 'storage_gb' AND time >= '2026-10-05 00:00:00' AND time < '2026-10-20 00:00:00' GROUP BY tenant, metric ORDER BY tenant, metric;
SELECT count() FROM ev WHERE tenant IN ('a', 'b', 'zzz');
SELECT count() FROM ev WHERE tenant IN ('tenant_3') AND tenant IN ('tenant_3', 'tenant_4') AND metric = 'tokens';
SELECT count() FROM ev WHERE tenant IN ('tenant_3', 'tenant_4') AND tenant = 'tenant_9';
SELECT count(), sum(n) FROM ev WHERE tenant = 'tenant_11' AND metric IN ('api_calls', 'egress') AND time > '2026-10-10 12:00:00';
SELECT count() FROM ev WHERE tenant IN (SELECT concat('tenant_', toString(number * 5)) FROM numbers(5)) AND metric = 'api_calls';
SELECT count() FROM ev WHERE tenant >= 'tenant_30' AND metric IN ('tokens', 'storage_gb') AND time <= '2026-10-04 00:00:00';
SELECT metric, count() FROM ev WHERE tenant IN ('tenant_0', 'tenant_36', 'tenant_40') AND metric IN ('api_calls', 'egress', 'storage_gb', 'tokens') AND time BETWEEN '2026-10-02 00:00:00' AND '2026-10-09 00:00:00' GROUP BY metric ORDER BY metric;

-- Numbers as the leading key: an IN list of mixed literals converts to the column's type.
CREATE TABLE num (k UInt16, d Date, v Int64) ENGINE = MergeTree ORDER BY (k, d) SETTINGS index_granularity = 16;
INSERT INTO num SELECT number % 300, toDate('2026-01-01') + number % 365, number FROM numbers(20000);
SELECT count(), sum(v) FROM num WHERE k IN (1, 17, 255, 299, 1000) AND d >= '2026-06-01';
SELECT count(), sum(v) FROM num WHERE k IN (3, 4.0, 5) AND d IN ('2026-02-01', '2026-03-01', '2026-12-31');
SELECT count() FROM num WHERE k IN (-1, 70000);
SELECT k, count() FROM num WHERE k IN (10, 20) AND d < '2026-01-15' GROUP BY k ORDER BY k;
