SELECT 1;
SELECT 1 + 2, 'a' AS s, NULL;
SELECT number FROM numbers(5) WHERE number % 2 = 0;
SELECT number * 10 AS x FROM numbers(10) ORDER BY x DESC LIMIT 3;
SELECT number FROM numbers(10) ORDER BY number LIMIT 2 OFFSET 4;
SELECT count(), sum(number), min(number), max(number), avg(number) FROM numbers(100);
SELECT number % 3 AS k, count() AS c FROM numbers(10) GROUP BY k ORDER BY k;
SELECT number % 3 AS k, sum(number) AS s FROM numbers(10) GROUP BY k HAVING s > 12 ORDER BY k;
SELECT DISTINCT number % 4 AS r FROM numbers(20) ORDER BY r;
