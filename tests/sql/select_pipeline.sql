-- SELECT's pipeline as ClickHouse's: an alias that shadows a column means the column inside
-- its own definition; aliases defined in any clause; GROUP BY ... WITH TOTALS (totals of
-- the groups HAVING keeps); UNION ALL; f(DISTINCT x) for every aggregate; positional
-- GROUP BY / ORDER BY / LIMIT BY. Reference: ClickHouse 26.9 (chDB 4.4.0), written by
-- tests/sql/clickhouse_reference.py select_pipeline.sql.
CREATE TABLE ev (id UInt32, tenant LowCardinality(String), path String, value Float64, qty UInt32) ENGINE = MergeTree ORDER BY id;
INSERT INTO ev VALUES (1, 'acme', '/v1/a', 1.5, 2), (2, 'acme', '/v1/users', 2.5, 2), (3, 'globex', '/v1/a', 4, 3), (4, 'globex', '/v2', 4, 5), (5, 'initech', '/v1/users/x', 8, 2), (6, 'acme', '/v2', 1.5, 7);
SELECT id, value * 2 AS value FROM ev ORDER BY id;
SELECT id, value * 2 AS value FROM ev WHERE value > 5 ORDER BY id;
SELECT length(path) AS path, count() FROM ev GROUP BY path ORDER BY path;
SELECT id FROM ev WHERE (qty + 1 AS q1) > 3 ORDER BY q1, id;
SELECT tenant, sum(qty) AS s FROM ev GROUP BY tenant WITH TOTALS ORDER BY tenant;
SELECT tenant, sum(qty) AS s, avg(value) FROM ev GROUP BY tenant WITH TOTALS HAVING s > 4 ORDER BY tenant;
SELECT tenant, toUInt32(count()) AS c FROM ev GROUP BY tenant WITH TOTALS ORDER BY tenant FORMAT JSONCompact;
SELECT tenant, count() AS c FROM ev GROUP BY tenant WITH TOTALS ORDER BY c DESC, tenant LIMIT 1;
SELECT * FROM (SELECT tenant, sum(qty) AS s FROM ev GROUP BY tenant WITH TOTALS) ORDER BY tenant;
SELECT id FROM ev WHERE id < 3 UNION ALL SELECT qty FROM ev WHERE id > 4 ORDER BY 1;
SELECT * FROM (SELECT tenant, 1 AS k FROM ev WHERE id = 1 UNION ALL SELECT path, 2 FROM ev WHERE id = 2 UNION ALL SELECT 'x', 3) ORDER BY k;
SELECT count() FROM (SELECT id FROM ev UNION ALL SELECT id FROM ev);
SELECT sum(DISTINCT qty), avg(DISTINCT value), count(DISTINCT tenant), groupArray(DISTINCT qty) FROM ev;
SELECT tenant, sum(DISTINCT value), uniqExact(DISTINCT qty) FROM ev GROUP BY tenant ORDER BY tenant;
SELECT sumIf(DISTINCT qty, value > 2) FROM ev;
SELECT tenant, count() FROM ev GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT tenant, id FROM ev ORDER BY -1 DESC LIMIT 1 BY 1;
SELECT tenant FROM ev GROUP BY 3; -- error: Positional argument number 3 is out of bounds
SELECT tenant, qty FROM ev GROUP BY tenant; -- error: is not under aggregate function and not in GROUP BY keys
SELECT id AS a, qty AS a FROM ev; -- error: Multiple expressions
SELECT id, tenant AS c0, c0 AS tenant FROM ev ORDER BY id LIMIT 2;
SELECT id, c0 AS tenant, tenant AS c0 FROM ev ORDER BY id LIMIT 2;
SELECT id AS a, a AS b, b AS id FROM ev WHERE id = 4;
SELECT tenant || '!' AS c0, c0 AS tenant FROM ev WHERE id = 1;
SELECT qty + 1 AS c0, c0 * 2 AS qty FROM ev; -- error: Unknown identifier `c0`
-- ORDER BY ... LIMIT computes the select list on the rows it keeps, as ClickHouse does: the
-- NaN and the smallest Int8 are in rows the LIMIT drops.
CREATE TABLE late (id UInt32, f Float64, s Int8, name String) ENGINE = MergeTree ORDER BY id;
INSERT INTO late VALUES (1, 1.5, 3, 'a'), (2, nan, -128, 'b'), (3, 2.5, 5, 'c'), (4, -7, 9, 'd');
SELECT id, toInt8(f), intDiv(s, -1), upper(name) FROM late ORDER BY id DESC LIMIT 2;
SELECT id, toInt8(f) FROM late WHERE id != 4 ORDER BY f DESC LIMIT 1 OFFSET 1;
SELECT id, toInt8(f) AS x FROM late ORDER BY x LIMIT 2; -- error: Unexpected inf or nan to integer conversion
SELECT id, toInt8(f) FROM late ORDER BY id LIMIT 3; -- error: Unexpected inf or nan to integer conversion
