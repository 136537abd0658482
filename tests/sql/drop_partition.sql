-- ALTER TABLE ... DROP PARTITION by the partition key's value or by ID, on every kind of
-- key; OPTIMIZE ... PARTITION by value; values that do not fit are errors.
CREATE TABLE ev (tenant LowCardinality(String), time DateTime, value UInt64) ENGINE = MergeTree PARTITION BY toYYYYMM(time) ORDER BY (tenant, time);
INSERT INTO ev SELECT concat('t', toString(number % 3)), toDateTime('2026-09-25 00:00:00') + number * 3600, number FROM numbers(2000);
SELECT partition, count(), sum(rows) FROM system.parts WHERE table = 'ev' AND active GROUP BY partition ORDER BY partition;
ALTER TABLE ev DROP PARTITION 202610;
SELECT toYYYYMM(time) AS m, count() FROM ev GROUP BY m ORDER BY m;
ALTER TABLE ev DROP PARTITION ID '202611';
SELECT toYYYYMM(time) AS m, count() FROM ev GROUP BY m ORDER BY m;
ALTER TABLE ev DROP PARTITION 202001;
ALTER TABLE ev DROP PARTITION '202612';
SELECT toYYYYMM(time) AS m, count() FROM ev GROUP BY m ORDER BY m;
CREATE TABLE d (k UInt32, day Date) ENGINE = MergeTree PARTITION BY day ORDER BY k;
INSERT INTO d SELECT number, toDate('2026-10-01') + number % 3 FROM numbers(30);
ALTER TABLE d DROP PARTITION '2026-10-02';
SELECT day, count() FROM d GROUP BY day ORDER BY day;
CREATE TABLE tu (a String, b UInt16, v UInt8) ENGINE = MergeTree PARTITION BY (a, b) ORDER BY v;
INSERT INTO tu VALUES ('x', 1, 1), ('x', 2, 2), ('y', 1, 3);
ALTER TABLE tu DROP PARTITION ('x', 2);
SELECT * FROM tu ORDER BY v;
CREATE TABLE one (v UInt8) ENGINE = MergeTree ORDER BY v;
INSERT INTO one VALUES (1), (2);
ALTER TABLE one DROP PARTITION tuple();
SELECT count() FROM one;
OPTIMIZE TABLE ev PARTITION 202609 FINAL;
SELECT count() FROM ev;
ALTER TABLE tu DROP PARTITION 'x'; -- error: Wrong number of fields in the partition expression
ALTER TABLE ev DROP PARTITION 'abc'; -- error: Cannot convert 'abc' to the partition key's type UInt32
ALTER TABLE ev DROP PARTITION 70000000000; -- error: Cannot convert 70000000000
ALTER TABLE ev DROP PARTITION time; -- error: time
ALTER TABLE one DROP PARTITION 1; -- error: no partition key
ALTER TABLE nope DROP PARTITION 1; -- error: does not exist
SELECT toYYYYMM(time) AS m, count() FROM ev GROUP BY m ORDER BY m;
