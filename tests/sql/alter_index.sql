-- ALTER TABLE ... ADD INDEX (FIRST, AFTER, IF NOT EXISTS), DROP INDEX (IF EXISTS) and
-- MATERIALIZE INDEX (IN PARTITION): answers are a full scan's before and after each, on
-- parts written before and after the index, SHOW CREATE TABLE lists the indexes in order,
-- and the errors are ClickHouse's.
CREATE TABLE al (k UInt32, s String, n UInt16, INDEX n_mm n TYPE minmax GRANULARITY 1) ENGINE = MergeTree PARTITION BY intDiv(k, 5000) ORDER BY k SETTINGS index_granularity = 64;
INSERT INTO al SELECT number, concat('Word', toString(intDiv(number, 97))), number % 1000 FROM numbers(10000);
ALTER TABLE al ADD INDEX s_tok s TYPE tokenbf_v1(1024, 2, 0) GRANULARITY 1 FIRST;
ALTER TABLE al ADD INDEX s_lower lower(s) TYPE bloom_filter GRANULARITY 2 AFTER s_tok;
ALTER TABLE al ADD INDEX IF NOT EXISTS s_tok s TYPE minmax GRANULARITY 1;
SHOW CREATE TABLE al;
SELECT count() FROM al WHERE hasToken(s, 'Word42');
SELECT count() FROM al WHERE lower(s) = 'word7';
INSERT INTO al SELECT number + 20000, concat('Late', toString(number % 13)), 7 FROM numbers(3000);
SELECT count() FROM al WHERE hasToken(s, 'Late3');
SELECT count() FROM al WHERE lower(s) IN ('word7', 'late12');
ALTER TABLE al MATERIALIZE INDEX s_lower IN PARTITION 1;
SELECT count() FROM al WHERE lower(s) = 'word99';
ALTER TABLE al MATERIALIZE INDEX s_tok;
SELECT count() FROM al WHERE hasToken(s, 'Word42') OR n = 3;
SELECT count() FROM al WHERE hasToken(s, 'Late3') AND n = 7;
ALTER TABLE al DROP INDEX s_lower;
ALTER TABLE al DROP INDEX IF EXISTS s_lower;
ALTER TABLE al ADD INDEX s_lower s TYPE set(10);
SELECT count() FROM al WHERE s = 'Word7';
ALTER TABLE al MATERIALIZE INDEX s_lower;
SELECT count() FROM al WHERE s = 'Word7';
OPTIMIZE TABLE al FINAL;
SELECT count() FROM al WHERE s = 'Late5';
SHOW CREATE TABLE al;
-- CLEAR INDEX takes the index's files from parts (of a partition): answers stay a full scan's.
ALTER TABLE al CLEAR INDEX s_tok;
SELECT count() FROM al WHERE hasToken(s, 'Late5');
ALTER TABLE al MATERIALIZE INDEX s_tok;
SELECT count() FROM al WHERE hasToken(s, 'Late5');
ALTER TABLE al CLEAR INDEX IF EXISTS nope;
ALTER TABLE al ADD INDEX s_tok s TYPE minmax GRANULARITY 1; -- error: Cannot add index s_tok: index with this name already exists
ALTER TABLE al ADD INDEX x s TYPE minmax GRANULARITY 1 AFTER nope; -- error: Wrong index name. Cannot find index `nope` to insert after
ALTER TABLE al DROP INDEX nope; -- error: Wrong index name. Cannot find index `nope` to drop
ALTER TABLE al ADD INDEX x s TYPE foo GRANULARITY 1; -- error: Unknown Index type 'foo'
ALTER TABLE al ADD INDEX x nope TYPE minmax GRANULARITY 1; -- error: nope
