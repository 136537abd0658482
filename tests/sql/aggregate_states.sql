-- AggregateFunction / SimpleAggregateFunction columns, -State / -Merge / -MergeState and
-- finalizeAggregation. Only finalized values and type names are compared: the states'
-- bytes are tally's own (docs/sql.md).
CREATE TABLE events (tenant String, user String, value UInt64, gauge Float64, time DateTime) ENGINE = MergeTree ORDER BY (tenant, time);
INSERT INTO events SELECT concat('t', toString(number % 3)), concat('u', toString(number % 37)), number, number * 1.5, toDateTime(1700000000 + number * 60) FROM numbers(600);
CREATE TABLE rollup (k String, s AggregateFunction(sum, UInt64), u AggregateFunction(uniq, String), last AggregateFunction(argMax, Float64, DateTime), mx SimpleAggregateFunction(max, UInt64)) ENGINE = MergeTree ORDER BY k;
INSERT INTO rollup SELECT tenant, sumState(value), uniqState(user), argMaxState(gauge, time), max(value) FROM events WHERE value < 300 GROUP BY tenant;
INSERT INTO rollup SELECT tenant, sumState(value), uniqState(user), argMaxState(gauge, time), max(value) FROM events WHERE value >= 300 GROUP BY tenant;
SELECT k, sumMerge(s), uniqMerge(u), argMaxMerge(last), max(mx) FROM rollup GROUP BY k ORDER BY k;
SELECT tenant, sum(value), uniq(user), argMax(gauge, time), max(value) FROM events GROUP BY tenant ORDER BY tenant;
SELECT k, finalizeAggregation(s), finalizeAggregation(u), finalizeAggregation(last), mx FROM rollup ORDER BY k, mx;
SELECT toTypeName(s), toTypeName(u), toTypeName(last), toTypeName(mx) FROM rollup LIMIT 1;
SELECT uniqMerge(u) FROM rollup;
SELECT uniq(user) FROM events;
SELECT k, finalizeAggregation(sumMergeState(s)), toTypeName(sumMergeState(s)) FROM rollup GROUP BY k ORDER BY k;
-- Many batches: the merge of the states equals the aggregate over all rows. (Up to 512
-- distinct values tally's uniq is exact, as ClickHouse's is; above, the two estimators
-- differ, states or not.)
CREATE TABLE many (k UInt8, u AggregateFunction(uniq, UInt64), e AggregateFunction(uniqExact, UInt64), c AggregateFunction(count), a AggregateFunction(avg, UInt64)) ENGINE = MergeTree ORDER BY k;
INSERT INTO many SELECT n % 2, uniqState(toUInt64(n * 7919 % 500)), uniqExactState(toUInt64(n * 7919 % 500)), countState(), avgState(n) FROM (SELECT number + 0 AS n FROM numbers(3000)) GROUP BY n % 2;
INSERT INTO many SELECT n % 2, uniqState(toUInt64(n * 7919 % 500)), uniqExactState(toUInt64(n * 7919 % 500)), countState(), avgState(n) FROM (SELECT number + 3000 AS n FROM numbers(3000)) GROUP BY n % 2;
INSERT INTO many SELECT n % 2, uniqState(toUInt64(n * 7919 % 500)), uniqExactState(toUInt64(n * 7919 % 500)), countState(), avgState(n) FROM (SELECT number + 6000 AS n FROM numbers(4000)) GROUP BY n % 2;
SELECT k, uniqMerge(u), uniqExactMerge(e), countMerge(c), avgMerge(a) FROM many GROUP BY k ORDER BY k;
SELECT number % 2 AS k, uniq(number * 7919 % 500), uniqExact(number * 7919 % 500), count(), avg(number) FROM numbers(10000) GROUP BY k ORDER BY k;
SELECT uniqMerge(u), uniqExactMerge(e), countMerge(c) FROM many;
-- Type names.
SELECT toTypeName(sumState(value)), toTypeName(countState()), toTypeName(countState(value)), toTypeName(uniqState(user)), toTypeName(argMaxState(gauge, time)) FROM events;
SELECT toTypeName(sumIfState(value, value > 10)), toTypeName(sumStateIf(value, value > 10)), toTypeName(minState(CAST(user, 'LowCardinality(String)'))), toTypeName(sumState(CAST(value, 'Nullable(UInt64)'))) FROM events;
SELECT toTypeName(avgState(gauge)), toTypeName(anyState(user)), toTypeName(anyLastState(value)), toTypeName(argMinState(user, value)), toTypeName(uniqExactState(user, value)) FROM events;
-- Every basic aggregate through its state.
SELECT tenant, countMerge(c), sumMerge(s), minMerge(mn), maxMerge(mxs), avgMerge(a), anyMerge(an), anyLastMerge(al), argMinMerge(am), argMaxMerge(ax), uniqExactMerge(ue)
FROM (SELECT tenant, countState() AS c, sumState(value) AS s, minState(user) AS mn, maxState(gauge) AS mxs, avgState(value) AS a, anyState(value) AS an, anyLastState(value) AS al, argMinState(user, value) AS am, argMaxState(user, value) AS ax, uniqExactState(user) AS ue FROM events GROUP BY tenant)
GROUP BY tenant ORDER BY tenant;
SELECT sumIfMerge(x) FROM (SELECT sumIfState(value, value % 2 = 0) AS x FROM events GROUP BY tenant);
SELECT sumMerge(st) FROM (SELECT sumStateIf(value, value % 2 = 0) AS st FROM events GROUP BY tenant);
SELECT sumIf(value, value % 2 = 0) FROM events;
-- Quantiles (exact below 8,192 values in both engines), bit folds.
SELECT tenant, quantilesMerge(0.5, 0.9)(q), quantileMerge(qe), toTypeName(any(q)) FROM (SELECT tenant, quantilesState(0.5, 0.9)(gauge) AS q, quantileState(value) AS qe FROM events GROUP BY tenant, value % 4) GROUP BY tenant ORDER BY tenant;
SELECT tenant, quantiles(0.5, 0.9)(gauge), quantile(value) FROM events GROUP BY tenant ORDER BY tenant;
SELECT groupBitOrMerge(o), groupBitAndMerge(a), groupBitXorMerge(x) FROM (SELECT groupBitOrState(value) AS o, groupBitAndState(value + 1024) AS a, groupBitXorState(value) AS x FROM events GROUP BY tenant);
SELECT groupBitOr(value), groupBitAnd(value + 1024), groupBitXor(value), groupBitAnd(value) FROM events WHERE value > 100000;
SELECT tenant, length(groupUniqArrayMerge(g)), has(groupUniqArrayMerge(g), 'u12'), length(groupArrayMerge(a)), toTypeName(any(g)) FROM (SELECT tenant, groupUniqArrayState(user) AS g, groupArrayState(value) AS a FROM events WHERE value < 40 GROUP BY tenant, value % 2) GROUP BY tenant ORDER BY tenant;
SELECT length(groupUniqArray(value % 7)), length(groupUniqArray(CAST(user, 'LowCardinality(String)'))), toTypeName(groupUniqArray(CAST(user, 'LowCardinality(String)'))) FROM events WHERE value < 10;
-- NULLs: skipped, and a state of nothing but NULLs finalizes to NULL.
SELECT sumMerge(st), toTypeName(sumMerge(st)) FROM (SELECT sumState(if(value % 2 = 0, NULL, value)) AS st FROM events);
SELECT finalizeAggregation(sumState(CAST(NULL AS Nullable(UInt64))));
SELECT finalizeAggregation(countState()) FROM events WHERE value > 100000;
-- Errors.
SELECT sumMerge(value) FROM events; -- error: It must be AggregateFunction
SELECT sumMerge(u) FROM rollup; -- error: corresponds to different aggregate function: uniq instead of sum
SELECT finalizeAggregation(value) FROM events; -- error: must have type AggregateFunction
SELECT length(s) FROM rollup; -- error: Illegal type AggregateFunction(sum, UInt64) of argument of function length
INSERT INTO rollup (k, s) SELECT tenant, uniqState(user) FROM events GROUP BY tenant; -- error: Conversion from AggregateFunction(uniq, String) to AggregateFunction(sum, UInt64) is not supported
SELECT count() FROM rollup;
SELECT k FROM rollup ORDER BY s; -- error: is not allowed in ORDER BY keys, because its values are not comparable
SELECT count() FROM rollup GROUP BY s;
CREATE TABLE bad (s SimpleAggregateFunction(uniq, UInt64)) ENGINE = MergeTree ORDER BY tuple(); -- error: Unsupported aggregate function uniq
CREATE TABLE bad (s AggregateFunction(sum, UInt64)) ENGINE = MergeTree ORDER BY s; -- error: is not allowed in key expression, it's not comparable

-- initializeAggregation: each row's state alone, for filling state columns without GROUP BY.
SELECT finalizeAggregation(initializeAggregation('sumState', toUInt64(3))), toTypeName(initializeAggregation('uniqState', 'a'));
SELECT number, initializeAggregation('sum', number), finalizeAggregation(initializeAggregation('maxState', number * 2)) FROM numbers(3);
CREATE TABLE init_rollup (k UInt8, s AggregateFunction(sum, UInt64), u AggregateFunction(uniqExact, UInt64)) ENGINE = AggregatingMergeTree ORDER BY k;
INSERT INTO init_rollup SELECT number % 2, initializeAggregation('sumState', number), initializeAggregation('uniqExactState', toUInt64(number % 3)) FROM numbers(10);
SELECT k, sumMerge(s), uniqExactMerge(u) FROM init_rollup GROUP BY k ORDER BY k;
SELECT k, finalizeAggregation(s) FROM init_rollup FINAL ORDER BY k;
SELECT initializeAggregation(number, 1) FROM numbers(1); -- error: must be a constant string
