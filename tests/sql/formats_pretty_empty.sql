-- An empty result in a Pretty format says so ("0 rows in set.", the words of ClickHouse's
-- interactive client); the machine formats stay silent, JSON gives "rows": 0.
SELECT number AS n FROM numbers(0) FORMAT Pretty;
SELECT number AS n FROM numbers(0) FORMAT PrettyNoEscapes;
SELECT number AS n FROM numbers(0) FORMAT PrettyCompact;
SELECT number AS n FROM numbers(0) FORMAT PrettyCompactNoEscapes;
SELECT number AS n FROM numbers(0) FORMAT PrettyMonoBlock;
SELECT number AS n FROM numbers(0) FORMAT PrettyCompactMonoBlock;
SELECT 1 AS x WHERE 0 FORMAT PrettyCompact;
SELECT number AS n FROM numbers(10) WHERE n > 100 FORMAT PrettyCompact;
SELECT number AS n FROM numbers(0) FORMAT TabSeparated;
SELECT number AS n FROM numbers(0) FORMAT TabSeparatedWithNames;
SELECT number AS n FROM numbers(0) FORMAT CSV;
SELECT number AS n FROM numbers(0) FORMAT JSONEachRow;
SELECT number AS n FROM numbers(0) FORMAT Vertical;
SELECT 'after the silent ones' AS s FORMAT PrettyCompact;
CREATE TABLE t (x UInt64) ENGINE = MergeTree ORDER BY x;
SELECT * FROM t FORMAT PrettyCompact;
INSERT INTO t VALUES (1);
SELECT * FROM t FORMAT PrettyCompact;
