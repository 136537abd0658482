-- EXPLAIN indexes = 1: ClickHouse's Indexes section (Min-Max, PrimaryKey, each skip index
-- that a condition reaches: keys, condition, parts and granules after/before). tally's own
-- reference: the counts follow from the data (10 granules of 10 rows per part; each
-- granule one value of g, so every index but bloom_filter's false positives is exact).
CREATE TABLE e (k UInt32, g UInt32, s String, INDEX g_mm g TYPE minmax GRANULARITY 1, INDEX g_set g TYPE set(1) GRANULARITY 1, INDEX s_tok s TYPE tokenbf_v1(1024, 2, 0) GRANULARITY 1, INDEX s_ng lower(s) TYPE ngrambf_v1(3, 1024, 2, 0) GRANULARITY 5) ENGINE = MergeTree ORDER BY k SETTINGS index_granularity = 10;
INSERT INTO e SELECT number, intDiv(number, 10), concat('Row ', toString(intDiv(number, 10))) FROM numbers(100);
INSERT INTO e SELECT number + 1000, 50 + intDiv(number, 10), concat('Late ', toString(intDiv(number, 10))) FROM numbers(100);
EXPLAIN indexes = 1 SELECT count() FROM e WHERE k < 1050 AND g != 3;
EXPLAIN indexes = 1 SELECT count() FROM e WHERE hasToken(s, 'Late') AND g BETWEEN 52 AND 53;
EXPLAIN indexes = 1 SELECT k FROM e WHERE lower(s) LIKE '%row 7%';
EXPLAIN SELECT k FROM e WHERE lower(s) LIKE '%row 7%';
EXPLAIN indexes = 1 SELECT k FROM e;
EXPLAIN indexes = 2 SELECT k FROM e; -- error: Invalid value 2 for setting "indexes". Expected boolean type
EXPLAIN nonsense = 1 SELECT k FROM e; -- error: Unknown setting "nonsense" for EXPLAIN PLAN query
