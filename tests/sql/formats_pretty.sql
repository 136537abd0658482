-- Pretty and PrettyCompact: borders, alignment (numbers right, text left), NULL, wide characters.
SELECT number AS n, toString(number * 1000) AS s, number / 3 AS f FROM numbers(3) FORMAT Pretty;
SELECT number AS n, toString(number * 1000) AS s, number / 3 AS f FROM numbers(3) FORMAT PrettyCompact;
SELECT 'a' AS left_text, 12345 AS right_number, CAST(NULL AS Nullable(String)) AS nothing, 'ünï ✓' AS unicode, '日本語' AS wide FORMAT PrettyCompact;
SELECT 'a' AS x, 1 AS y FORMAT Pretty;
SELECT '' AS empty, [1, 2] AS arr, map('k', 'v') AS m, toDate('2026-10-01') AS d, toDateTime('2026-10-01 12:00:00') AS t FORMAT PrettyCompact;
SELECT number AS a_very_long_column_name, 'x' AS b FROM numbers(2) FORMAT PrettyCompact;
SELECT CAST(NULL AS Nullable(Int32)) AS n, CAST(5 AS Nullable(Int32)) AS m FORMAT Pretty;
SELECT number FROM numbers(0) FORMAT PrettyCompact;
SELECT -1.5 AS neg, 1e21 AS big, inf AS i, nan AS nn FORMAT PrettyCompact;
SELECT number AS n FROM numbers(2) FORMAT PrettyCompactMonoBlock;
SELECT number AS n, 'x' AS s FROM numbers(2) FORMAT Vertical;
