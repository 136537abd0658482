-- set(N) skip indexes: answers are those of a full scan for =, IN, !=, ranges and has(),
-- on granules within N distinct values and on granules past it (no information), set(0)
-- without a limit, NULLs, NaN and an array of strings, through a merge.
CREATE TABLE st (k UInt32, code Nullable(UInt16), status LowCardinality(String), f Float32, tags Array(String), INDEX code_set code TYPE set(3) GRANULARITY 1, INDEX status_set status TYPE set(0) GRANULARITY 2, INDEX f_set f TYPE set(100) GRANULARITY 1, INDEX tags_set tags TYPE set(8) GRANULARITY 1) ENGINE = MergeTree ORDER BY k SETTINGS index_granularity = 32;
INSERT INTO st SELECT number, if(number % 17 = 0, NULL, if(number < 4000, 200 + intDiv(number, 1000), number % 50)), if(number % 1000 < 990, 'ok', 'fail'), if(number % 301 = 0, nan, toFloat32(intDiv(number, 64))), [concat('t', toString(intDiv(number, 100))), if(number % 2 = 0, 'even', 'odd')] FROM numbers(6000);
SELECT count() FROM st WHERE code = 201;
SELECT count() FROM st WHERE code = 7;
SELECT count() FROM st WHERE code != 200;
SELECT count() FROM st WHERE code IN (203, 49);
SELECT count() FROM st WHERE code > 202;
SELECT count() FROM st WHERE code BETWEEN 10 AND 12;
SELECT count() FROM st WHERE status = 'fail';
SELECT count() FROM st WHERE status != 'ok';
SELECT count() FROM st WHERE status IN ('nope', 'fail');
SELECT count() FROM st WHERE status < 'g';
SELECT count() FROM st WHERE f = 10;
SELECT count() FROM st WHERE f != 10;
SELECT count() FROM st WHERE f >= 93;
SELECT count() FROM st WHERE has(tags, 't12');
SELECT count() FROM st WHERE has(tags, 'odd');
SELECT count() FROM st WHERE has(tags, 'none');
SELECT count() FROM st WHERE has(['t3', 't59'], status);
SELECT count() FROM st WHERE status = 'fail' AND code = 203;
INSERT INTO st SELECT number + 10000, 7, 'retry', 1.5, [] FROM numbers(100);
OPTIMIZE TABLE st FINAL;
SELECT count() FROM st WHERE code = 7;
SELECT count() FROM st WHERE code != 7;
SELECT count() FROM st WHERE status = 'retry';
SELECT count() FROM st WHERE f = 1.5;
SHOW CREATE TABLE st;
CREATE TABLE bad (s String, INDEX i s TYPE set GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: Set index must have exactly one argument
CREATE TABLE bad (s String, INDEX i s TYPE set(0.5) GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: Set index argument must be positive integer
CREATE TABLE bad (s String, INDEX i s TYPE set(1, 2) GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: Set index must have exactly one argument
