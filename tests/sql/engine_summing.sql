-- SummingMergeTree: rows with one key combine, numeric columns summed (NULLs left out),
-- at insert, in merges and in FINAL; partition-key columns keep their value.
CREATE TABLE usage (tenant LowCardinality(String), hour DateTime, calls UInt64, bytes Int64, cost Float64, tokens Nullable(UInt32)) ENGINE = SummingMergeTree PARTITION BY toYYYYMM(hour) ORDER BY (tenant, hour);
INSERT INTO usage VALUES ('acme', '2026-10-01 10:00:00', 1, 100, 0.5, 7), ('acme', '2026-10-01 10:00:00', 2, -50, 0.25, NULL), ('beta', '2026-10-01 11:00:00', 5, 10, 1, NULL);
INSERT INTO usage VALUES ('acme', '2026-10-01 10:00:00', 10, 1, 0.125, 3), ('beta', '2026-11-01 00:00:00', 1, 1, 1, 1);
INSERT INTO usage VALUES ('beta', '2026-10-01 11:00:00', 18446744073709551615, 0, 0, NULL);
SELECT * FROM usage FINAL ORDER BY tenant, hour;
SELECT tenant, sum(calls), sum(bytes) FROM usage GROUP BY tenant ORDER BY tenant;
SELECT tenant, calls FROM usage FINAL WHERE cost > 0.5 ORDER BY tenant, hour;
SELECT count() FROM usage;
OPTIMIZE TABLE usage FINAL;
SELECT * FROM usage ORDER BY tenant, hour;
SELECT partition_id, rows FROM system.parts WHERE table = 'usage' AND active ORDER BY partition_id;
SHOW CREATE TABLE usage;

-- Only the listed columns are summed.
CREATE TABLE listed (k UInt32, a UInt64, b UInt64) ENGINE = SummingMergeTree((a, b)) ORDER BY k;
INSERT INTO listed VALUES (1, 1, 10), (1, 2, 20), (2, 5, 5);
INSERT INTO listed VALUES (1, 4, 40);
SELECT * FROM listed FINAL ORDER BY k;
SHOW CREATE TABLE listed;

-- Many keys over several parts.
CREATE TABLE hits (bucket UInt32, n UInt64) ENGINE = SummingMergeTree ORDER BY bucket SETTINGS index_granularity = 32;
INSERT INTO hits SELECT number % 1000, 1 FROM numbers(10000);
INSERT INTO hits SELECT number % 700, 2 FROM numbers(7000);
INSERT INTO hits SELECT number % 3000, 3 FROM numbers(3000);
SELECT count(), sum(n), min(n), max(n) FROM hits FINAL;
SELECT bucket, n FROM hits FINAL WHERE bucket IN (0, 699, 700, 999, 1000, 2999) ORDER BY bucket;

-- Aggregate-typed columns combine by their function, beside the sums.
CREATE TABLE plans (k UInt32, n UInt64, plan SimpleAggregateFunction(anyLast, String), peak SimpleAggregateFunction(max, UInt64), users AggregateFunction(uniqExact, String)) ENGINE = SummingMergeTree ORDER BY k;
INSERT INTO plans SELECT number % 3, 1, concat('plan', toString(number)), number, uniqExactState(toString(number % 5)) FROM numbers(10) GROUP BY number;
INSERT INTO plans SELECT number % 3, 2, 'last', number * 2, uniqExactState(toString(number)) FROM numbers(4) GROUP BY number;
SELECT k, n, plan, peak, finalizeAggregation(users) FROM plans FINAL ORDER BY k;
SELECT k, sum(n), max(peak), uniqExactMerge(users) FROM plans GROUP BY k ORDER BY k;

CREATE TABLE bad (k UInt32, v UInt64) ENGINE = SummingMergeTree(k) ORDER BY k; -- error: sorting key
CREATE TABLE bad (k UInt32, v UInt64) ENGINE = SummingMergeTree(nope) ORDER BY k; -- error: does not exist
