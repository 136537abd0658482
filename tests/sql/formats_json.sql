-- JSON, JSONCompact, JSONEachRow: layout, quoting of 64-bit integers, escaping, NULL, nan/inf.
CREATE TABLE v (id UInt8, s String, i Int64, u UInt64, i32 Int32, f Float64, d Date, t DateTime, t3 DateTime64(3), ns Nullable(String), a Array(Int32), m Map(String, UInt64), lc LowCardinality(String)) ENGINE = MergeTree ORDER BY id;
INSERT INTO v VALUES (1, 'plain', -1, 18446744073709551615, -5, 0.1, '2026-10-01', '2026-10-01 00:00:00', '2026-10-01 00:00:00.123', NULL, [], {}, 'x'), (2, 'q"b\\s/l\tt\nn', 9223372036854775807, 0, 7, 1e21, '1970-01-01', '2026-10-25 02:30:00', '1969-12-31 23:59:59.999', 'x', [1, -2], {'k':1,'q"':2}, ''), (3, 'ünï ✓\x01\x1f', 0, 42, 0, nan, '2149-06-06', '2106-02-07 06:28:15', '2026-10-01 12:00:00.000', '', [0], {'':0}, 'z'), (4, '', 1, 1, 1, -inf, '2026-03-29', '2026-03-29 01:00:00', '2026-03-29 01:00:00.5', 'n', [2147483647], {'a':18446744073709551615}, 'y');
SELECT * FROM v ORDER BY id FORMAT JSONEachRow;
SELECT id, s, u, f, ns, a, m FROM v ORDER BY id FORMAT JSON;
SELECT id, s, i, f, ns, a, m FROM v ORDER BY id FORMAT JSONCompact;
SELECT * FROM v WHERE id = 2 FORMAT JSON;
SELECT count() AS c, sum(u) AS s, avg(f) AS a FROM v WHERE id != 3 FORMAT JSON;
SELECT 1 AS one, 'x' AS `we"ird/name`, NULL AS n, [1.5, -0.5] AS arr, toFloat32(0.1) AS f32 FORMAT JSONEachRow;
SELECT 1 AS one, 'x' AS `we"ird/name`, CAST(NULL AS Nullable(String)) AS n FORMAT JSON;
SELECT number AS n, toString(number) AS s FROM numbers(3) FORMAT JSONCompact;
SELECT number AS n FROM numbers(3) FORMAT JSONEachRow;
