-- WITH FILL STEP INTERVAL n UNIT: fixed units add their length, days and longer are calendar
-- steps in the key's zone (or the session's), each from the previous value.
SELECT toDateTime('2026-10-01 00:00:00') + number * 7200 AS t FROM numbers(2) ORDER BY t WITH FILL STEP INTERVAL 1 HOUR;
SELECT toDateTime('2026-10-01 00:00:00', 'UTC') + number * 7200 AS t FROM numbers(2) ORDER BY t WITH FILL STEP INTERVAL 30 MINUTE;
SELECT toDateTime('2026-10-01 00:00:00', 'UTC') + number * 7200 AS t FROM numbers(2) ORDER BY t DESC WITH FILL STEP INTERVAL -1 HOUR;
SELECT toDateTime('2026-10-01 00:00:00', 'UTC') + number * 7200 AS t FROM numbers(2) ORDER BY t WITH FILL FROM toDateTime('2026-09-30 23:00:00', 'UTC') TO toDateTime('2026-10-01 04:00:00', 'UTC') STEP INTERVAL 1 HOUR;
SELECT toDateTime('2026-10-24 12:00:00', 'Europe/Berlin') + number * 3 * 86400 AS t FROM numbers(2) ORDER BY t WITH FILL STEP INTERVAL 1 DAY;
SELECT toDate('2026-01-31') + number * 100 AS d FROM numbers(2) ORDER BY d WITH FILL STEP INTERVAL 1 MONTH;
SELECT toDate('2026-01-31') + number * 30 AS d FROM numbers(2) ORDER BY d WITH FILL STEP INTERVAL 1 WEEK;
SELECT toDate('2026-01-31') + number * 200 AS d FROM numbers(2) ORDER BY d WITH FILL STEP INTERVAL 1 QUARTER;
SELECT toDateTime('2026-01-31 10:00:00', 'UTC') + number * 86400 * 800 AS t FROM numbers(2) ORDER BY t WITH FILL STEP INTERVAL 1 YEAR;
SELECT toDateTime64('2026-01-31 00:00:00', 3, 'UTC') + toIntervalMillisecond(number * 3) AS t FROM numbers(2) ORDER BY t WITH FILL STEP INTERVAL 1 MILLISECOND;
SELECT toDateTime64('2026-01-31 00:00:00', 3, 'UTC') + toIntervalDay(number * 3) AS t FROM numbers(2) ORDER BY t WITH FILL STEP INTERVAL 1 DAY;
SELECT toDate('2026-01-31') + number * 2 AS d FROM numbers(2) ORDER BY d WITH FILL STEP INTERVAL 12 HOUR; -- error: shorter than a day
SELECT number AS n FROM numbers(2) ORDER BY n WITH FILL STEP INTERVAL 1 HOUR; -- error: needs a Date or DateTime key
SELECT toDateTime('2026-10-01 00:00:00', 'UTC') + number * 7200 AS t FROM numbers(2) ORDER BY t DESC WITH FILL STEP INTERVAL 1 HOUR; -- error: must be negative
