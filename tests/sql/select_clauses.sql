-- SELECT clauses: DISTINCT, FINAL, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT/OFFSET, LIMIT BY,
-- subqueries in FROM, WITH aliases, SELECT without FROM, INSERT SELECT.
CREATE TABLE t (day Date, tenant LowCardinality(String), path String, status UInt16, ms Float64, n UInt64) ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY (tenant, day);
INSERT INTO t VALUES ('2026-10-01', 'acme', '/a', 200, 10, 1), ('2026-10-01', 'acme', '/b', 500, 20, 2), ('2026-10-02', 'acme', '/a', 200, 30, 3), ('2026-10-01', 'globex', '/a', 404, 40, 4), ('2026-11-01', 'globex', '/c', 200, 50, 5), ('2026-11-02', 'initech', '/a', 200, 60, 6), ('2026-11-02', 'initech', '/b', 503, 70, 7);
SELECT 1 AS x, 'two', 3.5, x + 1;
SELECT * FROM t ORDER BY n;
SELECT * FROM t FINAL WHERE n = 3; -- error: FINAL
SELECT DISTINCT tenant FROM t ORDER BY tenant;
SELECT DISTINCT tenant, path FROM t ORDER BY tenant, path;
SELECT count() FROM (SELECT DISTINCT status FROM t);
SELECT n FROM t WHERE status = 200 AND (tenant = 'acme' OR ms > 55) ORDER BY n;
SELECT n FROM t WHERE NOT (status = 200) ORDER BY n;
SELECT n FROM t WHERE tenant IN ('acme', 'initech') AND path NOT IN ('/b') ORDER BY n;
SELECT n FROM t WHERE path LIKE '/%' AND tenant ILIKE 'GLO%' ORDER BY n;
SELECT n FROM t WHERE day >= '2026-10-02' AND day < toDate('2026-11-02') ORDER BY n;
SELECT tenant, count() AS c, sum(ms) AS total FROM t GROUP BY tenant ORDER BY total DESC;
SELECT toYYYYMM(day) AS month, tenant, count() FROM t GROUP BY month, tenant ORDER BY month, tenant;
SELECT status >= 500 AS err, count() FROM t GROUP BY err ORDER BY err;
SELECT tenant, count() AS c FROM t GROUP BY tenant HAVING c > 2 ORDER BY tenant;
SELECT tenant FROM t GROUP BY tenant HAVING sum(ms) > 70 AND min(status) = 200 ORDER BY tenant;
SELECT count() FROM t GROUP BY tenant HAVING max(n) > 100;
SELECT tenant, path, n FROM t ORDER BY tenant DESC, path ASC, n DESC;
SELECT n, ms FROM t ORDER BY ms DESC LIMIT 3;
SELECT n FROM t ORDER BY n LIMIT 2 OFFSET 3;
SELECT n FROM t ORDER BY n LIMIT 3, 2;
SELECT n FROM t ORDER BY n LIMIT 100 OFFSET 5;
SELECT n FROM t ORDER BY n LIMIT 0;
SELECT tenant, n FROM t ORDER BY tenant, n DESC LIMIT 1 BY tenant;
SELECT tenant, n FROM t ORDER BY tenant, n LIMIT 2 BY tenant LIMIT 3;
SELECT tenant, path, n FROM t ORDER BY n LIMIT 1 BY tenant, path;
SELECT tenant, c FROM (SELECT tenant, count() AS c FROM t GROUP BY tenant) WHERE c >= 2 ORDER BY tenant;
SELECT avg(c) FROM (SELECT tenant, count() AS c FROM t GROUP BY tenant);
SELECT x * 2 FROM (SELECT n AS x FROM (SELECT n FROM t WHERE n < 3)) ORDER BY 1;
SELECT s.tenant, s.n FROM (SELECT tenant, n FROM t) AS s WHERE s.n = 5;
WITH 10 AS ten, 'acme' AS who SELECT n * ten FROM t WHERE tenant = who ORDER BY n;
WITH ms / 10 AS tenths SELECT n, tenths FROM t WHERE tenths > 5 ORDER BY n;
SELECT n % 2 AS parity, n * 10 AS big, big + parity FROM t ORDER BY n LIMIT 3;
SELECT n FROM t ORDER BY status DESC, n;
SELECT tenant, sum(n) FROM t WHERE status = 200 GROUP BY tenant ORDER BY tenant;
SELECT count(), sum(n) FROM t WHERE 0;
SELECT max(n) FROM t WHERE tenant = 'nobody';
SELECT tenant, count() FROM t WHERE tenant = 'nobody' GROUP BY tenant;
CREATE TABLE t2 (tenant String, total Float64, hits UInt64) ENGINE = MergeTree ORDER BY tenant;
INSERT INTO t2 SELECT tenant, sum(ms), count() FROM t GROUP BY tenant;
INSERT INTO t2 (tenant, hits) SELECT 'zz', 42;
SELECT * FROM t2 ORDER BY tenant;
INSERT INTO t2 SELECT number, number FROM numbers(1); -- error: columns
SELECT count() FROM t2;
SELECT nope FROM t; -- error: nope
