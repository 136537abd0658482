-- minmax skip indexes: answers are those of a full scan for =, IN, !=, <, <=, >, >=,
-- BETWEEN and has() on columns, an expression and an array, through a merge; with NULL,
-- NaN (which != always takes) and -0.0 (which equals 0).
CREATE TABLE mm (k UInt32, n Nullable(Int64), f Float64, s String, d DateTime, a Array(UInt16), INDEX n_mm n TYPE minmax GRANULARITY 1, INDEX f_mm f TYPE minmax GRANULARITY 2, INDEX s_mm s TYPE minmax GRANULARITY 1, INDEX d_mm d TYPE minmax GRANULARITY 3, INDEX a_mm a TYPE minmax GRANULARITY 1, INDEX k7_mm intDiv(k, 7) TYPE minmax GRANULARITY 1) ENGINE = MergeTree ORDER BY k SETTINGS index_granularity = 64;
INSERT INTO mm SELECT number, if(number % 11 = 0, NULL, intDiv(number, 10) - 300), if(number % 97 = 0, nan, if(number % 13 = 0, -0., number / 8)), concat('s', toString(intDiv(number, 100))), toDateTime('2026-10-01 00:00:00') + number * 60, [toUInt16(number % 500), toUInt16(number % 500 + 3)] FROM numbers(10000);
INSERT INTO mm SELECT number + 5000, 7, 0., 'late', toDateTime('2026-12-01 00:00:00'), [] FROM numbers(300);
SELECT count() FROM mm WHERE n = 5;
SELECT count() FROM mm WHERE n = 7;
SELECT count() FROM mm WHERE n != 7;
SELECT count() FROM mm WHERE n < -250;
SELECT count() FROM mm WHERE n >= 600;
SELECT count() FROM mm WHERE n BETWEEN 10 AND 20;
SELECT count() FROM mm WHERE n IN (1, 2, 1000);
SELECT count() FROM mm WHERE f = 0;
SELECT count() FROM mm WHERE f != 0;
SELECT count() FROM mm WHERE f > 1240;
SELECT count() FROM mm WHERE f <= 0.125;
SELECT count() FROM mm WHERE s = 's42';
SELECT count() FROM mm WHERE s > 's98';
SELECT count() FROM mm WHERE s != 'late';
SELECT count() FROM mm WHERE s IN ('s7', 'late', 'zzz');
SELECT count() FROM mm WHERE d >= '2026-10-07 00:00:00';
SELECT count() FROM mm WHERE d = '2026-12-01 00:00:00';
SELECT count() FROM mm WHERE has(a, 499);
SELECT count() FROM mm WHERE has(a, 1000);
SELECT count() FROM mm WHERE intDiv(k, 7) = 100;
SELECT count() FROM mm WHERE intDiv(k, 7) < 3;
SELECT count() FROM mm WHERE intDiv(k, 7) != 1000;
SELECT count() FROM mm WHERE n = 7 OR s = 's1';
SELECT count() FROM mm WHERE NOT (n = 7);
OPTIMIZE TABLE mm FINAL;
SELECT count() FROM mm WHERE n = 7;
SELECT count() FROM mm WHERE n != 7;
SELECT count() FROM mm WHERE f != 0;
SELECT count() FROM mm WHERE s != 'late';
SELECT count() FROM mm WHERE has(a, 3);
SHOW CREATE TABLE mm;
CREATE TABLE bad (s String, INDEX i s TYPE minmax GRANULARITY 0) ENGINE = MergeTree ORDER BY s; -- error: positive integer GRANULARITY
CREATE TABLE bad (s String, INDEX i 1 TYPE minmax GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: cannot contain constants
CREATE TABLE bad (s String, INDEX i length(s) + toUnixTimestamp(now()) TYPE minmax GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: Expression must be deterministic but it contains non-deterministic part `now()`
CREATE TABLE bad (s String, INDEX i zz TYPE minmax GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: zz
CREATE TABLE bad (k UInt32, s String, INDEX i sum(k) TYPE minmax GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: Aggregate function sum(k) is found in wrong place in query
CREATE TABLE bad (s String, INDEX i s TYPE minmax GRANULARITY 1, INDEX i s TYPE minmax GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: Duplicated index name i is not allowed
CREATE TABLE bad (s String, INDEX i s TYPE foo GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: Unknown Index type 'foo'
