-- WITH TOTALS shows a constant GROUP BY key with its value where ClickHouse folds it, and
-- its default where it does not (CASE x WHEN, IN (SELECT ...)).
SELECT (1000 NOT IN (SELECT number FROM numbers(3))) AS k0, count() FROM numbers(3) GROUP BY k0 WITH TOTALS;
SELECT CASE 'x' WHEN 'acme' THEN 'A' ELSE 'other' END AS k0, count() FROM numbers(3) GROUP BY k0 WITH TOTALS;
SELECT CASE WHEN 1 THEN 5 END AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
SELECT number % 2 AS a, 'c' AS k, count() FROM numbers(3) GROUP BY a, k WITH TOTALS ORDER BY a;
SELECT 200 IN (1, 200) AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
SELECT number * 0 + 5 AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
SELECT (CASE toString(number) WHEN 'acme' THEN 'A' ELSE 'other' END IS NOT NULL) AS k0, count() FROM numbers(3) GROUP BY k0 WITH TOTALS;
-- No item of the list has a value of x's type: the IN is a constant (x is not evaluated).
SELECT (toInt8(number % 50) NOT IN (200, '204', 404.0, NULL)) AS k0, count() FROM numbers(100) GROUP BY k0 WITH TOTALS;
SELECT (toInt8(number) IN (1000)) AS k0, count() FROM numbers(10) GROUP BY k0 WITH TOTALS;
SELECT count() FROM numbers(10) WHERE intDiv(toInt8(number), 0) IN (1000);
-- x OR <true> and x AND <false> are constants whatever x is, even an IN (SELECT ...).
SELECT ((number IN (SELECT 1)) OR ('s' NOT LIKE 'É%')) AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
SELECT ((number IN (SELECT 1)) AND ('s' LIKE 'É%')) AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
SELECT ((number IN (SELECT 1)) OR 0) AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
SELECT ((1 IN (SELECT 1)) OR 0) AS k, count() FROM numbers(3) GROUP BY k WITH TOTALS;
