-- CREATE MATERIALIZED VIEW ... POPULATE: the rows already in the source, then the inserts
-- after it, each counted once.
CREATE TABLE usage (time DateTime, tenant String, units UInt64) ENGINE = MergeTree ORDER BY (tenant, time);
INSERT INTO usage VALUES ('2026-10-01 10:15:00', 'acme', 5), ('2026-10-01 10:45:00', 'acme', 7), ('2026-10-01 11:05:00', 'zeta', 1);
INSERT INTO usage VALUES ('2026-10-02 09:00:00', 'acme', 100);
CREATE MATERIALIZED VIEW usage_daily ENGINE = SummingMergeTree ORDER BY (tenant, day) POPULATE AS
    SELECT toDate(time) AS day, tenant, sum(units) AS units, count() AS events FROM usage GROUP BY day, tenant;
SELECT day, tenant, sum(units), sum(events) FROM usage_daily GROUP BY day, tenant ORDER BY day, tenant;
INSERT INTO usage VALUES ('2026-10-02 12:00:00', 'zeta', 3), ('2026-10-03 00:00:00', 'acme', 2);
SELECT day, tenant, sum(units), sum(events) FROM usage_daily GROUP BY day, tenant ORDER BY day, tenant;
CREATE TABLE hourly (hour DateTime, tenant String, units UInt64) ENGINE = SummingMergeTree ORDER BY (tenant, hour);
CREATE MATERIALIZED VIEW usage_hourly TO hourly POPULATE AS
    SELECT toStartOfHour(time) AS hour, tenant, sum(units) AS units FROM usage GROUP BY hour, tenant;
SELECT hour, tenant, sum(units) FROM hourly GROUP BY hour, tenant ORDER BY hour, tenant;
