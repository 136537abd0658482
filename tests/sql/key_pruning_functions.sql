-- Conditions on a monotonic function of a sorting-key column (toDate(time),
-- toStartOfHour(time), toYYYYMM(time) ...) prune by the column's index; answers are those
-- of a full scan, across time zones and the DST change.
CREATE TABLE ev (tenant LowCardinality(String), time DateTime('Europe/Berlin'), d Date, value UInt64) ENGINE = MergeTree ORDER BY (tenant, time) SETTINGS index_granularity = 32;
INSERT INTO ev SELECT concat('t', toString(number % 5)), toDateTime('2026-10-20 00:00:00', 'Europe/Berlin') + number * 173, toDate('2026-10-20') + intDiv(number, 997), number FROM numbers(30000);
SELECT count(), sum(value) FROM ev WHERE tenant = 't1' AND toDate(time) = '2026-10-25';
SELECT count(), sum(value) FROM ev WHERE tenant = 't2' AND toDate(time, 'UTC') = '2026-10-25';
SELECT count(), sum(value) FROM ev WHERE tenant = 't3' AND toStartOfHour(time) >= '2026-10-25 01:00:00' AND toStartOfHour(time) < '2026-10-25 04:00:00';
SELECT count() FROM ev WHERE '2026-10-26' <= toDate(time) AND tenant IN ('t0', 't4');
SELECT toYYYYMM(time) AS m, count() FROM ev WHERE toYYYYMM(time) IN (202610, 202612) GROUP BY m ORDER BY m;
SELECT count() FROM ev WHERE toStartOfDay(time) > toDateTime('2026-10-27 00:00:00', 'Europe/Berlin') AND tenant = 't4';
SELECT count() FROM ev WHERE toStartOfInterval(time, INTERVAL 15 MINUTE) = '2026-10-25 02:15:00';
SELECT count() FROM ev WHERE toStartOfMonth(time) = '2026-11-01' AND tenant = 't0';
SELECT count() FROM ev WHERE toUnixTimestamp(time) BETWEEN 1792800000 AND 1792900000;
SELECT count() FROM ev WHERE toMonday(time) = '2026-10-26' AND tenant > 't2';
SELECT count() FROM ev WHERE toDate(time) = '2030-01-01';
SELECT count() FROM ev WHERE toStartOfMinute(time) < '2026-10-20 00:10:00';
