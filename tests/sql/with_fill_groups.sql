-- WITH FILL on a later sort key fills within each group of the keys before it; the filled
-- rows keep the group's keys.
SELECT number * 5 AS n, number AS k FROM numbers(3) ORDER BY k, n WITH FILL;
SELECT intDiv(number, 3) AS k, number * 2 % 7 AS n, 'x' AS s FROM numbers(7) ORDER BY k, n WITH FILL;
SELECT intDiv(number, 3) AS k, number * 2 % 7 AS n, 'x' AS s FROM numbers(7) ORDER BY k, n WITH FILL FROM 0 TO 8 STEP 3;
SELECT intDiv(number, 3) AS k, number * 2 % 7 AS n FROM numbers(7) ORDER BY k DESC, n DESC WITH FILL;
SELECT intDiv(number, 3) AS k, number % 2 AS j, number * 2 % 7 AS n FROM numbers(7) ORDER BY k, j, n WITH FILL;
SELECT number * 2 % 7 AS n FROM numbers(7) ORDER BY intDiv(number, 3), n WITH FILL;
