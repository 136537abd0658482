-- NaN in ORDER BY, as ClickHouse: NaN goes where NULLS FIRST/LAST puts NULL (LAST unless told,
-- for ASC and DESC alike), NULL beyond NaN (numbers, NaN, NULL or NULL, NaN, numbers); -0 and
-- 0 are equal; the top-N path (ORDER BY ... LIMIT) and several keys agree. WITH FILL: a NaN
-- key fills nothing around it. Reference: ClickHouse 26.9 (chDB 4.4.0), written by
-- tests/sql/clickhouse_reference.py order_nan.sql.
CREATE TABLE fl (k UInt32, f Float64, g Float32, n Nullable(Float64), ln Nullable(Float32)) ENGINE = MergeTree ORDER BY k;
INSERT INTO fl VALUES (1, 1, 1, 1, 1), (2, nan, nan, nan, nan), (3, -inf, -inf, NULL, NULL), (4, 0, 0, -nan, -nan), (5, inf, inf, inf, inf), (6, -nan, -nan, NULL, NULL), (7, -1, -1, -1, -1), (8, 2, 2, nan, nan), (9, -0., -0., -0., 0), (10, 1e308, 3.5, 1e-300, -2.5);
SELECT k, f FROM fl ORDER BY f, k;
SELECT k, f FROM fl ORDER BY f DESC, k;
SELECT k, f FROM fl ORDER BY f NULLS FIRST, k;
SELECT k, f FROM fl ORDER BY f DESC NULLS FIRST, k;
SELECT k, f FROM fl ORDER BY f ASC NULLS LAST, k;
SELECT k, g FROM fl ORDER BY g, k;
SELECT k, g FROM fl ORDER BY g DESC, k;
SELECT k, g FROM fl ORDER BY g NULLS FIRST, k;
SELECT k, g FROM fl ORDER BY g DESC NULLS FIRST, k;
SELECT k, n FROM fl ORDER BY n, k;
SELECT k, n FROM fl ORDER BY n DESC, k;
SELECT k, n FROM fl ORDER BY n NULLS FIRST, k;
SELECT k, n FROM fl ORDER BY n DESC NULLS FIRST, k;
SELECT k, ln FROM fl ORDER BY ln, k;
SELECT k, ln FROM fl ORDER BY ln DESC NULLS FIRST, k;
-- Top-N, with OFFSET.
SELECT k, f FROM fl ORDER BY f, k LIMIT 3;
SELECT k, f FROM fl ORDER BY f NULLS FIRST, k LIMIT 3;
SELECT k, f FROM fl ORDER BY f DESC NULLS FIRST, k LIMIT 2, 3;
SELECT k, n FROM fl ORDER BY n, k LIMIT 7, 3;
SELECT k, n FROM fl ORDER BY n NULLS FIRST, k LIMIT 4;
SELECT k, n FROM fl ORDER BY n DESC NULLS FIRST, k LIMIT 5;
-- Several keys: NaN ties broken by the next key; an expression that makes NaN.
SELECT k, f, n FROM fl ORDER BY f != f, n DESC NULLS FIRST, k;
SELECT k, f / f AS q FROM fl ORDER BY q DESC, k;
SELECT k, n * 0 AS z FROM fl ORDER BY z NULLS FIRST, k DESC;
-- Many rows: the merge sort and the top-N.
SELECT number, x FROM (SELECT number, if(number % 7 = 0, nan, toFloat64(number % 5)) AS x FROM numbers(50)) ORDER BY x DESC, number LIMIT 12;
SELECT number, x FROM (SELECT number, if(number % 7 = 0, nan, toFloat64(number % 5)) AS x FROM numbers(50)) ORDER BY x NULLS FIRST, number DESC LIMIT 9;
SELECT count(), sum(x != x) FROM (SELECT x FROM (SELECT if(number % 3 = 0, nan, toFloat64(number)) AS x FROM numbers(30000)) ORDER BY x DESC NULLS FIRST LIMIT 10000);
-- GROUP BY a float key with NaN, ordered.
SELECT f, count() FROM fl GROUP BY f ORDER BY f DESC;
-- WITH FILL: NaN rows fill nothing and leave the next value where it was.
CREATE TABLE fill (k UInt32, f Float64, n Nullable(Float64)) ENGINE = MergeTree ORDER BY k;
INSERT INTO fill VALUES (1, 1, 1), (2, nan, nan), (3, 5, 5), (4, 3, 3), (5, nan, NULL);
SELECT f FROM fill ORDER BY f WITH FILL;
SELECT f FROM fill ORDER BY f NULLS FIRST WITH FILL;
SELECT f FROM fill ORDER BY f DESC WITH FILL;
SELECT f FROM fill ORDER BY f WITH FILL FROM 0 TO 7;
SELECT f FROM fill ORDER BY f WITH FILL TO 8;
SELECT f FROM fill ORDER BY f DESC NULLS FIRST WITH FILL FROM 8 TO 0;
SELECT n FROM fill ORDER BY n WITH FILL;
-- A Nullable UInt64 key whose values fill all 64 bits (2^64 - 1 among them): NULL still last.
CREATE TABLE q (id UInt32, qty Nullable(Int64)) ENGINE = MergeTree ORDER BY id;
INSERT INTO q SELECT number, if(number % 5 = 0, NULL, toInt64(number % 100) - 50) FROM numbers(200);
SELECT toUInt64(qty) AS c FROM q ORDER BY c, id LIMIT 3;
SELECT toUInt64(qty) AS c FROM q ORDER BY c NULLS FIRST, id LIMIT 3;
SELECT toUInt64(qty) AS c FROM q ORDER BY c DESC, id LIMIT 3;
SELECT toUInt64(qty) AS c FROM q ORDER BY c DESC NULLS LAST, id DESC LIMIT 45;
