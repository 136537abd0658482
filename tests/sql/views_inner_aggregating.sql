-- A materialized view with its own AggregatingMergeTree table (ENGINE = ...): its columns
-- are the SELECT's (uniqState, argMaxState, sumState states), read back with -Merge.
CREATE TABLE events (tenant LowCardinality(String), user String, time DateTime, value UInt64, gauge Float64) ENGINE = MergeTree ORDER BY (tenant, time);
CREATE MATERIALIZED VIEW daily ENGINE = AggregatingMergeTree PARTITION BY toYYYYMM(day) ORDER BY (tenant, day) AS SELECT tenant, toDate(time) AS day, uniqState(user) AS users, argMaxState(gauge, time) AS latest, sumState(value) AS total FROM events GROUP BY tenant, day;
INSERT INTO events SELECT concat('t', toString(number % 3)), concat('u', toString(number % 50)), toDateTime('2026-10-01 00:00:00') + number * 97, number % 1000, number / 7 FROM numbers(5000);
INSERT INTO events SELECT concat('t', toString(number % 4)), concat('u', toString(number % 70)), toDateTime('2026-10-05 00:00:00') + number * 61, number % 333, number / 3 FROM numbers(3000);
SELECT tenant, uniqMerge(users), argMaxMerge(latest), sumMerge(total) FROM daily GROUP BY tenant ORDER BY tenant;
SELECT tenant, uniq(user), argMax(gauge, time), sum(value) FROM events GROUP BY tenant ORDER BY tenant;
SELECT tenant, day, uniqMerge(users), sumMerge(total) FROM daily GROUP BY tenant, day ORDER BY tenant, day LIMIT 6;
SELECT tenant, toDate(time) AS day, uniq(user), sum(value) FROM events GROUP BY tenant, day ORDER BY tenant, day LIMIT 6;
SELECT count() FROM daily FINAL;
SELECT day, finalizeAggregation(users), finalizeAggregation(total) FROM daily FINAL WHERE tenant = 't3' ORDER BY day;
DESCRIBE daily;
EXISTS daily;
SELECT name, engine, partition_key, sorting_key FROM system.tables WHERE database = currentDatabase() AND name NOT LIKE '%inner%' ORDER BY name;
DROP VIEW daily;
EXISTS daily;
SELECT count() FROM system.tables WHERE database = currentDatabase() AND name LIKE '%inner%';
