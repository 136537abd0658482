-- CREATE / DROP / SHOW / DESCRIBE / TRUNCATE / EXISTS.
CREATE TABLE events
(
    time DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    tenant LowCardinality(String),
    region LowCardinality(Nullable(String)),
    status UInt16 CODEC(ZSTD),
    bytes UInt64 CODEC(DoubleDelta, ZSTD(3)),
    value Nullable(Float64),
    labels Map(String, String),
    tags Array(String),
    id UUID
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, time)
SETTINGS index_granularity = 8192;
SHOW CREATE TABLE events;
CREATE TABLE IF NOT EXISTS events (x UInt8) ENGINE = MergeTree ORDER BY x;
CREATE TABLE events (x UInt8) ENGINE = MergeTree ORDER BY x; -- error: already exists
EXISTS TABLE events;
EXISTS events;
EXISTS TABLE nope;
SHOW TABLES;
CREATE TABLE small (k String, n UInt64, t DateTime, d Date, lc LowCardinality(String), m Map(String, Array(Nullable(Int8)))) ENGINE = MergeTree() ORDER BY k;
DESCRIBE TABLE small;
DESC small;
SHOW CREATE small;
CREATE TABLE IF NOT EXISTS other (a Int32, b String) ENGINE = MergeTree ORDER BY tuple();
CREATE TABLE pk (a String, b UInt32, c UInt8) ENGINE = MergeTree PRIMARY KEY (a, b) ORDER BY (a, b);
INSERT INTO pk VALUES ('x', 2, 1), ('x', 1, 2), ('a', 9, 3);
SELECT * FROM pk ORDER BY a, b;
CREATE TABLE pk_only (a String, b UInt32) ENGINE = MergeTree PRIMARY KEY a;
INSERT INTO pk_only VALUES ('y', 1), ('x', 2);
SELECT * FROM pk_only;
DROP TABLE pk_only;
SHOW TABLES;
SHOW TABLES LIKE 's%';
INSERT INTO small (k, n) VALUES ('a', 1), ('b', 2);
SELECT count() FROM small;
TRUNCATE TABLE small;
SELECT count() FROM small;
INSERT INTO small (k, n) VALUES ('c', 3);
SELECT k, n FROM small;
TRUNCATE small;
TRUNCATE TABLE IF EXISTS nope;
SELECT count() FROM small;
DROP TABLE small;
DROP TABLE IF EXISTS small;
DROP TABLE small; -- error: does not exist
EXISTS small;
SELECT * FROM small; -- error: does not exist
DROP TABLE other;
SHOW TABLES;
CREATE DATABASE IF NOT EXISTS default;
USE default;
SHOW DATABASES LIKE 'def%';
SELECT count() FROM default.events;
CREATE TABLE bad1 (x UInt8) ENGINE = Memory; -- error: not supported yet
CREATE TABLE bad2 (x UInt8) ENGINE = CollapsingMergeTree(x) ORDER BY x; -- error: not supported yet
CREATE TABLE bad3 (x UInt8, t DateTime) ENGINE = MergeTree ORDER BY x TTL t + INTERVAL 1 DAY; -- error: not supported yet
CREATE TABLE bad4 (x UInt8, INDEX ix x TYPE hypothesis GRANULARITY 1) ENGINE = MergeTree ORDER BY x; -- error: not supported yet
CREATE TABLE bad5 (x UInt8, t DateTime TTL t + INTERVAL 1 DAY) ENGINE = MergeTree ORDER BY x; -- error: not supported yet
CREATE TABLE bad6 (x UInt8) ENGINE = MergeTree ORDER BY y; -- error: y
