-- Aggregate functions over a small table with NULLs and a LowCardinality key.
CREATE TABLE m (k LowCardinality(String), g UInt8, v Nullable(Int64), f Float64, s String, t DateTime) ENGINE = MergeTree ORDER BY (k, t);
INSERT INTO m VALUES ('a', 1, 10, 1.5, 'x', '2026-10-01 00:00:00'), ('a', 1, NULL, 2.5, 'y', '2026-10-01 00:01:00'), ('a', 2, 30, -1, 'x', '2026-10-01 00:02:00'), ('b', 1, 5, 0.25, 'z', '2026-10-01 00:03:00'), ('b', 2, NULL, 100, 'z', '2026-10-01 00:04:00'), ('c', 3, -7, 1e21, 'w', '2026-10-01 00:05:00');
SELECT count(), count(v), count(*), count(DISTINCT k), count(DISTINCT v), count(DISTINCT s) FROM m;
SELECT sum(v), sum(f), sum(g), min(v), max(v), min(f), max(f), min(s), max(s), min(t), max(t), min(k), max(k) FROM m;
SELECT avg(v), avg(f), avg(g), toTypeName(sum(v)), toTypeName(sum(g)), toTypeName(sum(f)), toTypeName(avg(v)), toTypeName(min(k)), toTypeName(count()) FROM m;
SELECT k, count(), count(v), sum(v), min(v), max(v), avg(v), sum(f), uniqExact(s), argMin(s, t), argMax(s, t), argMax(t, v), argMin(v, f) FROM m GROUP BY k ORDER BY k;
SELECT g, any(k), anyLast(k), min(k), max(k) FROM (SELECT * FROM m WHERE g = 1 ORDER BY t) GROUP BY g;
SELECT uniqExact(k), uniqExact(v), uniqExact(s, g), uniq(k), uniq(v), uniq(s), uniqExact(k, s) FROM m;
SELECT quantile(0.5)(f), quantile(0.9)(g), quantile(v), median(g), quantileExact(0.5)(g), quantiles(0, 0.25, 0.5, 0.75, 1)(g), toTypeName(quantile(0.5)(g)) FROM m;
SELECT k, quantile(0.5)(v), quantiles(0.5, 1)(f) FROM m GROUP BY k ORDER BY k;
SELECT sum(number), avg(number), min(number), max(number), uniqExact(number % 7), count(DISTINCT number % 7), quantile(0.5)(number), quantiles(0.1, 0.5, 0.99)(number) FROM numbers(1000);
SELECT quantile(0.25)(number), quantile(0.3)(toFloat64(number) / 3), quantileExact(0.25)(number), quantiles(0.5)(number % 10) FROM numbers(10);
-- uniq is approximate: within 2 % of the exact count.
SELECT uniqExact(number % 50000) AS e, abs(uniq(number % 50000) - e) <= e * 0.02, uniq(number % 100) FROM numbers(200000);
SELECT abs(uniq(toString(number)) - 30000) <= 600, uniqExact(toString(number)) FROM numbers(30000);
SELECT sum(x), min(x), max(x), avg(x) FROM (SELECT toInt8(number) - 100 AS x FROM numbers(50));
SELECT sum(toUInt8(200) + number), toTypeName(sum(toUInt8(1))), toTypeName(sum(toInt32(1))), toTypeName(sum(toFloat32(1))), sum(toFloat32(0.1)) FROM numbers(3);
SELECT argMax(number, (number * 7) % 25), argMin(number, (number * 7) % 25), argMax(toString(number), -toInt64(number)) FROM numbers(25);
SELECT k, g, count() FROM m GROUP BY k, g ORDER BY k, g;
SELECT count() FROM m WHERE v IS NULL;
-- quantile as ClickHouse's reservoir answers while it holds every value (up to 8192 of them).
SELECT k, quantile(0.1)(f), quantiles(0.1, 0.3, 0.7, 0.9)(f) FROM m GROUP BY k ORDER BY k;
SELECT quantile(0.37)(number), quantiles(0.1, 0.999)(number * 1.1) FROM numbers(5000);
SELECT quantile(0.37)(number), quantile(0.9)(number / 7) FROM numbers(8192);
-- groupArray: values in order, NULLs skipped, at most max_size; countDistinct is uniqExact.
SELECT k, groupArray(v), groupArray(s), groupArray(1)(f) FROM (SELECT * FROM m ORDER BY t) GROUP BY k ORDER BY k;
SELECT groupArray(k), toTypeName(groupArray(k)), toTypeName(groupArray(v)), groupArray(2)(t) FROM (SELECT * FROM m ORDER BY t);
SELECT groupArray(2)(number), groupArray(number), groupArrayIf(number, number > 2), groupArray([number]) FROM numbers(5);
SELECT groupArray(s), groupArray(v) FROM m WHERE g > 5;
SELECT countDistinct(number % 3), countIf(DISTINCT number % 5, number > 3), countDistinctIf(number % 5, number > 3), toTypeName(countDistinct(number)), countDistinct(number % 2, number % 3) FROM numbers(10);
SELECT countDistinct(v), countDistinct(k) FROM m;
SELECT groupArray(0)(number) FROM numbers(3); -- error: positive integer
