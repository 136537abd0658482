-- The output format from the command line (format_flag.args); FORMAT in a query wins.
CREATE TABLE f (id UInt32, name String, score Float64) ENGINE = MergeTree ORDER BY id;
INSERT INTO f VALUES (1, 'ann', 9.5), (2, 'bob', 7.25);
SELECT * FROM f ORDER BY id;
SELECT count() AS c FROM f;
SELECT name FROM f ORDER BY id FORMAT TSV;
SHOW TABLES;
