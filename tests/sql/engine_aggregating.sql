-- AggregatingMergeTree: states merge and simple aggregates combine per key, at insert, in
-- merges and in FINAL; -Merge over the table equals the aggregate over the raw rows.
CREATE TABLE events (tenant LowCardinality(String), user String, time DateTime, value UInt64, gauge Float64) ENGINE = MergeTree ORDER BY (tenant, time);
INSERT INTO events SELECT concat('t', toString(number % 3)), concat('u', toString(number % 50)), toDateTime('2026-10-01 00:00:00') + number * 97, number % 1000, number / 7 FROM numbers(5000);
CREATE TABLE rollup (tenant LowCardinality(String), hour DateTime, calls AggregateFunction(count), total AggregateFunction(sum, UInt64), users AggregateFunction(uniqExact, String), approx AggregateFunction(uniq, String), latest AggregateFunction(argMax, Float64, DateTime), p AggregateFunction(quantiles(0.5, 0.9), UInt64), peak SimpleAggregateFunction(max, UInt64), last SimpleAggregateFunction(anyLast, Float64)) ENGINE = AggregatingMergeTree ORDER BY (tenant, hour);
INSERT INTO rollup SELECT tenant, toStartOfHour(time), countState(), sumState(value), uniqExactState(user), uniqState(user), argMaxState(gauge, time), quantilesState(0.5, 0.9)(value), max(value), anyLast(gauge) FROM events WHERE time < '2026-10-02 00:00:00' GROUP BY tenant, toStartOfHour(time);
INSERT INTO rollup SELECT tenant, toStartOfHour(time), countState(), sumState(value), uniqExactState(user), uniqState(user), argMaxState(gauge, time), quantilesState(0.5, 0.9)(value), max(value), anyLast(gauge) FROM events WHERE time >= '2026-10-02 00:00:00' GROUP BY tenant, toStartOfHour(time);
-- An hour split across both inserts comes together.
INSERT INTO rollup SELECT tenant, toStartOfHour(time), countState(), sumState(value), uniqExactState(user), uniqState(user), argMaxState(gauge, time), quantilesState(0.5, 0.9)(value), max(value), max(gauge) FROM events WHERE time BETWEEN '2026-10-01 23:30:00' AND '2026-10-02 00:30:00' GROUP BY tenant, toStartOfHour(time);
SELECT tenant, countMerge(calls), sumMerge(total), uniqExactMerge(users), uniqMerge(approx), argMaxMerge(latest), max(peak) FROM rollup GROUP BY tenant ORDER BY tenant;
SELECT tenant, count(), sum(value), uniqExact(user), uniq(user), argMax(gauge, time), max(value) FROM events GROUP BY tenant ORDER BY tenant;
SELECT tenant, hour, finalizeAggregation(calls), finalizeAggregation(total), finalizeAggregation(users), peak FROM rollup FINAL WHERE hour BETWEEN '2026-10-01 22:00:00' AND '2026-10-02 01:00:00' ORDER BY tenant, hour;
SELECT count() FROM rollup FINAL;
SELECT tenant, quantilesMerge(0.5, 0.9)(p) FROM rollup FINAL GROUP BY tenant ORDER BY tenant;
OPTIMIZE TABLE rollup FINAL;
SELECT count() FROM rollup;
SELECT tenant, countMerge(calls), sumMerge(total), uniqExactMerge(users), max(peak) FROM rollup GROUP BY tenant ORDER BY tenant;
SHOW CREATE TABLE rollup;
CREATE TABLE bad (k UInt32, v UInt64) ENGINE = AggregatingMergeTree ORDER BY k; -- error: neither in the sorting key nor an aggregate
