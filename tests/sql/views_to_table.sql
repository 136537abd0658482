-- Materialized views TO a table: every insert into the source (VALUES, SELECT) runs them;
-- a view's WHERE; two views on one table; the view reads and takes inserts as its target.
CREATE TABLE events (tenant String, time DateTime, value UInt64, status UInt16) ENGINE = MergeTree ORDER BY (tenant, time);
CREATE TABLE hourly (tenant String, hour DateTime, calls UInt64, total UInt64) ENGINE = SummingMergeTree ORDER BY (tenant, hour);
CREATE MATERIALIZED VIEW hourly_mv TO hourly AS SELECT tenant, toStartOfHour(time) AS hour, count() AS calls, sum(value) AS total FROM events GROUP BY tenant, hour;
INSERT INTO events SELECT concat('t', toString(number % 3)), toDateTime('2026-10-01 00:00:00') + number * 97, number % 1000, 200 + (number % 5) * 100 FROM numbers(5000);
INSERT INTO events VALUES ('t1', '2026-10-01 00:10:00', 5, 500), ('t9', '2026-10-01 01:00:00', 7, 200);
SELECT tenant, sum(calls), sum(total) FROM hourly GROUP BY tenant ORDER BY tenant;
SELECT tenant, count(), sum(value) FROM events GROUP BY tenant ORDER BY tenant;
SELECT * FROM hourly FINAL ORDER BY tenant, hour LIMIT 5;
SELECT tenant, hour, calls, total FROM hourly_mv FINAL WHERE tenant = 't1' ORDER BY hour LIMIT 3;
SELECT count() FROM hourly_mv FINAL;
-- A second view on the same table, with a WHERE.
CREATE TABLE errors (tenant String, status UInt16, n UInt64) ENGINE = SummingMergeTree ORDER BY (tenant, status);
CREATE MATERIALIZED VIEW errors_mv TO errors AS SELECT tenant, status, count() AS n FROM events WHERE status >= 500 GROUP BY tenant, status;
INSERT INTO events SELECT concat('t', toString(number % 2)), toDateTime('2026-10-02 00:00:00') + number * 60, number, 200 + (number % 5) * 100 FROM numbers(1000);
SELECT tenant, status, sum(n) FROM errors GROUP BY tenant, status ORDER BY tenant, status;
SELECT tenant, status, count() FROM events WHERE status >= 500 AND time >= '2026-10-02 00:00:00' GROUP BY tenant, status ORDER BY tenant, status;
SELECT tenant, sum(calls), sum(total) FROM hourly GROUP BY tenant ORDER BY tenant;
-- INSERT INTO a view inserts into its target.
INSERT INTO hourly_mv VALUES ('t9', '2026-10-01 01:00:00', 1, 100);
SELECT * FROM hourly FINAL WHERE tenant = 't9';
SELECT count() FROM events WHERE tenant = 't9';
EXISTS hourly_mv;
EXISTS TABLE errors_mv;
SHOW TABLES;
SELECT name, engine, total_rows IS NULL FROM system.tables WHERE database = currentDatabase() ORDER BY name;
DROP VIEW errors_mv;
EXISTS errors_mv;
DROP TABLE hourly_mv;
SHOW TABLES;
INSERT INTO events VALUES ('t9', '2026-10-01 01:00:00', 7, 500);
SELECT sum(calls) FROM hourly WHERE tenant = 't9';
SELECT count() FROM errors WHERE tenant = 't9';
