-- A Null table feeding a log table through a view (LogHouse's ingest): the Null table keeps
-- nothing, the view's target gets the rows it selects, converted to its column types.
CREATE TABLE ingest (ts DateTime, level String, msg String) ENGINE = Null;
CREATE TABLE logs (ts DateTime, level LowCardinality(String), msg String, len UInt32) ENGINE = MergeTree ORDER BY (level, ts);
CREATE MATERIALIZED VIEW ingest_mv TO logs AS SELECT ts, level, msg, length(msg) AS len FROM ingest WHERE level != 'debug';
INSERT INTO ingest VALUES ('2026-10-01 00:00:01', 'info', 'started'), ('2026-10-01 00:00:02', 'debug', 'noise'), ('2026-10-01 00:00:03', 'error', 'disk full');
INSERT INTO ingest SELECT toDateTime('2026-10-01 01:00:00') + number, ['info', 'debug', 'warn'][number % 3 + 1], concat('line ', toString(number)) FROM numbers(100);
SELECT count() FROM ingest;
SELECT level, count(), sum(len) FROM logs GROUP BY level ORDER BY level;
SELECT * FROM logs ORDER BY level, ts LIMIT 4;
SELECT toTypeName(level), toTypeName(len) FROM logs LIMIT 1;
SELECT count() FROM ingest_mv WHERE level = 'warn';
