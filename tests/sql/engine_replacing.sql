-- ReplacingMergeTree: the highest version per key survives (ties: the last inserted),
-- is_deleted rows vanish from FINAL, in merges and at read time.
CREATE TABLE r (k UInt32, tenant LowCardinality(String), v String, ver Int32, del UInt8) ENGINE = ReplacingMergeTree(ver, del) ORDER BY (tenant, k);
INSERT INTO r VALUES (1, 'a', 'one', 1, 0), (1, 'a', 'uno', 1, 0), (2, 'a', 'two', 5, 0), (3, 'b', 'three', 1, 0), (4, 'b', 'four', 2, 0);
INSERT INTO r VALUES (1, 'a', 'older', 0, 0), (2, 'a', 'dos', 6, 0), (3, 'b', 'gone', 2, 1), (5, 'c', 'five', 1, 0);
INSERT INTO r VALUES (4, 'b', 'cuatro', 2, 0), (6, 'c', 'six', 1, 1);
SELECT * FROM r FINAL ORDER BY tenant, k;
SELECT count() FROM r FINAL;
SELECT k, v FROM r FINAL WHERE v LIKE '%o%' ORDER BY k;
SELECT tenant, count() FROM r FINAL GROUP BY tenant ORDER BY tenant;
SELECT k FROM r FINAL WHERE tenant = 'b' ORDER BY k;
SELECT v FROM r FINAL WHERE ver = 2 ORDER BY v;
SELECT sum(ver) FROM r FINAL;
OPTIMIZE TABLE r FINAL;
-- (merges keep the deleted rows, in tally as in ClickHouse: with a version, they hide
-- lower versions inserted later; docs/engines.md)
SELECT * FROM r WHERE del = 0 ORDER BY tenant, k;
SELECT count() FROM system.parts WHERE table = 'r' AND active;
SHOW CREATE TABLE r;

-- Without a version: the last inserted row wins.
CREATE TABLE last (k String, v UInt64) ENGINE = ReplacingMergeTree ORDER BY k;
INSERT INTO last VALUES ('x', 1), ('y', 1), ('x', 2);
INSERT INTO last VALUES ('y', 7), ('z', 3);
INSERT INTO last VALUES ('x', 0);
SELECT * FROM last FINAL ORDER BY k;
SELECT k, v FROM last FINAL WHERE v > 0 ORDER BY k;
OPTIMIZE TABLE last FINAL;
SELECT * FROM last ORDER BY k;

-- Many rows over several parts: FINAL equals the newest version per key.
CREATE TABLE many (id UInt64, version UInt32, payload String) ENGINE = ReplacingMergeTree(version) ORDER BY id SETTINGS index_granularity = 64;
INSERT INTO many SELECT number, 1, 'v1' FROM numbers(5000);
INSERT INTO many SELECT number * 3, 2, 'v2' FROM numbers(2000);
INSERT INTO many SELECT number * 7, 3, 'v3' FROM numbers(1000);
INSERT INTO many SELECT number * 7, 1, 'stale' FROM numbers(1000);
SELECT payload, count(), sum(id) FROM many FINAL GROUP BY payload ORDER BY payload;
SELECT count(), uniqExact(id) FROM many FINAL;
SELECT id, version, payload FROM many FINAL WHERE id BETWEEN 20 AND 30 ORDER BY id;

CREATE TABLE m (k UInt32) ENGINE = MergeTree ORDER BY k;
SELECT * FROM m FINAL; -- error: doesn't support FINAL
CREATE TABLE bad (k UInt32, ver String) ENGINE = ReplacingMergeTree(ver) ORDER BY k; -- error: version column
CREATE TABLE bad (k UInt32, ver UInt32) ENGINE = ReplacingMergeTree(nope) ORDER BY k; -- error: does not exist
CREATE TABLE bad (k UInt32, ver UInt32, d String) ENGINE = ReplacingMergeTree(ver, d) ORDER BY k; -- error: is_deleted
SELECT name, engine, sorting_key, partition_key FROM system.tables WHERE database = currentDatabase() ORDER BY name;

-- A key whose first columns pack into one integer and whose last does not (a String).
CREATE TABLE mixed (k UInt32, d Date, s String, v UInt64) ENGINE = ReplacingMergeTree(v) ORDER BY (k, d, s) SETTINGS index_granularity = 16;
INSERT INTO mixed SELECT number % 50, toDate('2026-10-01') + number % 3, toString(number % 7), number FROM numbers(2000);
INSERT INTO mixed SELECT number % 70, toDate('2026-10-01') + number % 2, toString(number % 5), number * 3 FROM numbers(1500);
SELECT count(), sum(v), uniqExact(k, d, s) FROM mixed FINAL;
SELECT k, d, s, v FROM mixed FINAL WHERE k IN (3, 49, 69) ORDER BY k, d, s;
OPTIMIZE TABLE mixed FINAL;
SELECT count(), sum(v) FROM mixed;
