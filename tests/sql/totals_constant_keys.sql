-- WITH TOTALS shows a constant GROUP BY key with its value where ClickHouse folds it, and
-- its default where it does not (CASE x WHEN, IN (SELECT ...)).
SELECT (1000 NOT IN (SELECT number FROM numbers(3))) AS k0, count() FROM numbers(3) GROUP BY k0 WITH TOTALS;
SELECT CASE 'x' WHEN 'acme' THEN 'A' ELSE 'other' END AS k0, count() FROM numbers(3) GROUP BY k0 WITH TOTALS;
SELECT CASE WHEN 1 THEN 5 END AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
SELECT number % 2 AS a, 'c' AS k, count() FROM numbers(3) GROUP BY a, k WITH TOTALS ORDER BY a;
SELECT 200 IN (1, 200) AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
SELECT number * 0 + 5 AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
SELECT (CASE toString(number) WHEN 'acme' THEN 'A' ELSE 'other' END IS NOT NULL) AS k0, count() FROM numbers(3) GROUP BY k0 WITH TOTALS;
