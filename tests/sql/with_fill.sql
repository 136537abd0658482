-- ORDER BY ... WITH FILL [FROM] [TO] [STEP].
SELECT number * 3 AS n FROM numbers(4) ORDER BY n WITH FILL;
SELECT number * 3 AS n FROM numbers(3) ORDER BY n WITH FILL FROM 1 TO 10 STEP 2;
SELECT number * 3 AS n FROM numbers(3) ORDER BY n WITH FILL FROM 0 TO 3;
SELECT number * 3 AS n FROM numbers(3) ORDER BY n DESC WITH FILL;
SELECT number * 2 AS n, 'x' AS s FROM numbers(3) ORDER BY n WITH FILL;
SELECT toFloat64(number) / 2 AS f FROM numbers(3) ORDER BY f WITH FILL STEP 0.25;
SELECT n FROM (SELECT 5 AS n) ORDER BY n WITH FILL FROM 3 TO 7;
SELECT n FROM (SELECT number AS n FROM numbers(0)) ORDER BY n WITH FILL FROM 0 TO 3;
-- Dates and times: a daily and an hourly series with gaps.
CREATE TABLE h (d Date, t DateTime, v UInt32) ENGINE = MergeTree ORDER BY t;
INSERT INTO h VALUES ('2026-10-01', '2026-10-01 00:00:00', 1), ('2026-10-03', '2026-10-01 03:00:00', 2), ('2026-10-04', '2026-10-01 04:00:00', 3);
SELECT d, sum(v) FROM h GROUP BY d ORDER BY d WITH FILL;
SELECT d, sum(v) FROM h GROUP BY d ORDER BY d WITH FILL FROM toDate('2026-09-29') TO toDate('2026-10-06');
SELECT toStartOfHour(t) AS hour, count() AS c FROM h GROUP BY hour ORDER BY hour WITH FILL STEP 3600;
SELECT toStartOfHour(t) AS hour, count() AS c FROM h GROUP BY hour ORDER BY hour WITH FILL FROM toDateTime('2026-09-30 23:00:00') TO toDateTime('2026-10-01 06:00:00') STEP 7200;
SELECT d, v FROM h ORDER BY d WITH FILL STEP INTERVAL 1 DAY;
SELECT number * 3 AS n FROM numbers(4) ORDER BY n WITH FILL TO 10 STEP 2;
SELECT toInt64(number) * 3 AS n FROM numbers(3) ORDER BY n DESC WITH FILL FROM 10 TO -1 STEP -4;
SELECT number AS n FROM numbers(3) ORDER BY n WITH FILL LIMIT 2;
-- Without TO the filling stops at the last key; the step's sign follows the order.
SELECT number * 3 AS n FROM numbers(4) ORDER BY n WITH FILL STEP 2;
SELECT number * 3 AS n FROM numbers(3) ORDER BY n DESC WITH FILL STEP -2;
SELECT number * 3 AS n FROM numbers(3) ORDER BY n DESC WITH FILL STEP 2; -- error: must be negative
SELECT number * 3 AS n FROM numbers(3) ORDER BY n WITH FILL STEP -2; -- error: must be positive
SELECT number * 3 AS n FROM numbers(3) ORDER BY n WITH FILL STEP 0.5; -- error: does not fit the key's type
-- STEP n on DateTime64 is n seconds.
SELECT toDateTime64('2026-01-31 00:00:00', 3, 'UTC') + toIntervalMillisecond(number * 2003) AS t FROM numbers(2) ORDER BY t WITH FILL STEP 1;
