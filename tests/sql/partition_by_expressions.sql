-- PARTITION BY is any deterministic expression of the columns, bound and evaluated by the
-- storage core; system.parts.partition_id follows ClickHouse's rule for keys of several
-- values (numbers joined by '-', else a sipHash128 of the values).
CREATE TABLE tup (tenant String, time DateTime, n Int32) ENGINE = MergeTree PARTITION BY tuple(tenant, toYYYYMM(time)) ORDER BY time;
INSERT INTO tup VALUES ('a', '2026-10-01 10:00:00', -5), ('b', '2026-11-01 10:00:00', 3), ('a', '2026-10-20 00:00:00', 1), ('a', '2026-11-02 00:00:00', 2);
SELECT partition_id, rows FROM system.parts WHERE table = 'tup' ORDER BY partition_id;
SELECT tenant, n FROM tup ORDER BY n;
CREATE TABLE nums (tenant String, time DateTime, d Date, n Int32) ENGINE = MergeTree PARTITION BY (n, toYYYYMM(time), d) ORDER BY time;
INSERT INTO nums VALUES ('a', '2026-10-01 10:00:00', '2026-10-05', -5), ('b', '2026-11-01 10:00:00', '2026-10-06', 3), ('c', '2026-11-30 23:59:59', '2026-10-06', 3);
SELECT partition_id, rows FROM system.parts WHERE table = 'nums' ORDER BY partition_id;
CREATE TABLE hashed (tenant LowCardinality(String), time DateTime) ENGINE = MergeTree PARTITION BY intDiv(cityHash64(tenant), 4) ORDER BY time;
INSERT INTO hashed VALUES ('a', '2026-10-01 10:00:00'), ('b', '2026-11-01 10:00:00'), ('a', '2026-12-01 10:00:00');
SELECT partition_id, rows FROM system.parts WHERE table = 'hashed' ORDER BY partition_id;
CREATE TABLE months (time DateTime, d Date) ENGINE = MergeTree PARTITION BY toStartOfMonth(time) ORDER BY time;
INSERT INTO months VALUES ('2026-10-01 10:00:00', '2026-10-05'), ('2026-11-01 10:00:00', '2026-10-06'), ('2026-11-30 10:00:00', '2026-10-07');
SELECT partition_id, rows FROM system.parts WHERE table = 'months' ORDER BY partition_id;
CREATE TABLE weeks (d Date, x UInt8) ENGINE = MergeTree PARTITION BY toMonday(d) ORDER BY x;
INSERT INTO weeks VALUES ('2026-10-01', 1), ('2026-10-04', 2), ('2026-10-05', 3);
SELECT partition_id, rows FROM system.parts WHERE table = 'weeks' ORDER BY partition_id;
CREATE TABLE mixed (lc LowCardinality(String), b Bool, i8 Int8, u16 UInt16, t DateTime64(3)) ENGINE = MergeTree PARTITION BY (lc, b, i8, u16) ORDER BY tuple();
INSERT INTO mixed VALUES ('lc', true, -3, 9, '2026-10-01 10:00:00.123'), ('lc', false, -3, 9, '2026-10-01 10:00:00.123');
SELECT partition_id, rows FROM system.parts WHERE table = 'mixed' ORDER BY partition_id;
CREATE TABLE ticks (u16 UInt16, t DateTime64(3)) ENGINE = MergeTree PARTITION BY (t, u16) ORDER BY tuple();
INSERT INTO ticks VALUES (9, '2026-10-01 10:00:00.123');
SELECT partition_id, rows FROM system.parts WHERE table = 'ticks' ORDER BY partition_id;
CREATE TABLE uuids (u UUID, s String) ENGINE = MergeTree PARTITION BY (u, s) ORDER BY tuple();
INSERT INTO uuids VALUES ('00000000-0000-0000-0000-000000000001', 'lc'), ('61f0c404-5cb3-11e7-907b-a6006ad3dba0', 'x');
SELECT partition_id, rows FROM system.parts WHERE table = 'uuids' ORDER BY partition_id;
CREATE TABLE one_uuid (u UUID) ENGINE = MergeTree PARTITION BY u ORDER BY tuple();
INSERT INTO one_uuid VALUES ('61f0c404-5cb3-11e7-907b-a6006ad3dba0');
SELECT partition_id, rows FROM system.parts WHERE table = 'one_uuid' ORDER BY partition_id;
-- A one-element tuple is its element; integers, Bool and Date keep their ids.
CREATE TABLE single (u16 UInt16, b Bool, d Date) ENGINE = MergeTree PARTITION BY tuple(u16) ORDER BY tuple();
INSERT INTO single VALUES (9, true, '2026-10-01'), (10, false, '2026-10-01');
SELECT partition_id, rows FROM system.parts WHERE table = 'single' ORDER BY partition_id;
CREATE TABLE by_bool (b Bool) ENGINE = MergeTree PARTITION BY b ORDER BY tuple();
INSERT INTO by_bool VALUES (true), (false), (true);
SELECT partition_id, rows FROM system.parts WHERE table = 'by_bool' ORDER BY partition_id;
CREATE TABLE by_date (d Date) ENGINE = MergeTree PARTITION BY d ORDER BY tuple();
INSERT INTO by_date VALUES ('2026-10-01'), ('1970-01-01');
SELECT partition_id, rows FROM system.parts WHERE table = 'by_date' ORDER BY partition_id;
-- What a partition key may not be.
CREATE TABLE bad (tenant String, time DateTime) ENGINE = MergeTree PARTITION BY now() ORDER BY time; -- error: non-deterministic part `now()`
CREATE TABLE bad (tenant String, time DateTime) ENGINE = MergeTree PARTITION BY (tenant, toDate(now())) ORDER BY time; -- error: non-deterministic part `now()`
CREATE TABLE bad (tenant String, time DateTime) ENGINE = MergeTree PARTITION BY count() ORDER BY time; -- error: Aggregate function count() is found in wrong place in query
CREATE TABLE bad (tenant String, time DateTime) ENGINE = MergeTree PARTITION BY arrayJoin([1, 2]) ORDER BY time; -- error: Partition key cannot contain array joins
CREATE TABLE bad (tenant String, time DateTime, ns Nullable(Int32)) ENGINE = MergeTree PARTITION BY ns ORDER BY time; -- error: Partition key contains nullable columns
CREATE TABLE bad (tenant String, time DateTime) ENGINE = MergeTree PARTITION BY (tenant, nullIf(1, 1) + toYYYYMM(time)) ORDER BY time; -- error: Partition key contains nullable columns
CREATE TABLE bad (tenant String, time DateTime) ENGINE = MergeTree PARTITION BY toUInt8(7) ORDER BY time; -- error: Partition key cannot contain constants
CREATE TABLE bad (tenant String, time DateTime, f Float64) ENGINE = MergeTree PARTITION BY f ORDER BY time; -- error: Floating point partition key is not supported: f
CREATE TABLE bad (tenant String, time DateTime) ENGINE = MergeTree PARTITION BY nosuch ORDER BY time; -- error: nosuch
SELECT count() FROM system.tables WHERE name = 'bad';
