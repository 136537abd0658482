-- min / max / any / anyLast of a GROUP BY key is the key (ClickHouse rewrites it so): rows
-- WITH FILL adds show the key there, not the aggregate's default. Not with TOTALS, where
-- the totals row holds the aggregate over all rows.
SELECT number % 7 * 2 AS k, max(number % 7 * 2) AS m, min(k) AS mn, any(k + 1) AS a, MAX(k), anyLast(k) + 1, count() FROM numbers(20) GROUP BY k ORDER BY k WITH FILL;
SELECT number % 3 AS k, k AS k2, max(k) FROM numbers(20) WHERE k != 1 GROUP BY k ORDER BY k WITH FILL;
SELECT number % 3 AS k, number % 2 AS j, max(j), max(k) FROM numbers(20) WHERE k != 1 GROUP BY k, j ORDER BY j, k WITH FILL;
SELECT number % 3 AS k, max(k) AS m, anyLast(number % 3), min(k), count() FROM numbers(20) GROUP BY k WITH TOTALS ORDER BY k;
