-- DISTINCT and LIMIT BY compare whole values: every digit of a float, every byte of a
-- string; floats by their bits (-0 and 0 differ), NULL apart from the default value.
SELECT DISTINCT x FROM (SELECT arrayElement([1.0000001, 1.0000002, 1.0000001], number + 1) AS x FROM numbers(3));
SELECT DISTINCT length(s), substring(s, 71, 1) FROM (SELECT concat('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', toString(number % 3)) AS s FROM numbers(6));
SELECT count() FROM (SELECT DISTINCT concat('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', toString(number)) FROM numbers(50));
SELECT DISTINCT x FROM (SELECT arrayElement([-0., 0., nan, nan, 0.], number + 1) AS x FROM numbers(5));
SELECT DISTINCT x, y FROM (SELECT arrayElement([-0., 0., nan, nan, 0.], number + 1) AS x, 'y' AS y FROM numbers(5));
SELECT DISTINCT x FROM (SELECT arrayElement([NULL, 0, 0, NULL, 1], number + 1) AS x FROM numbers(5));
SELECT DISTINCT s FROM (SELECT arrayElement([NULL, '', '', NULL], number + 1) AS s FROM numbers(4));
SELECT DISTINCT a FROM (SELECT [arrayElement([1.0000001, 1.0000002, 1.0000001], number + 1)] AS a FROM numbers(3));
SELECT x FROM (SELECT arrayElement([1.0000001, 1.0000002, 1.0000001, 1.0000002, 1.0000001], number + 1) AS x FROM numbers(5)) LIMIT 2 BY x;
SELECT k, n FROM (SELECT concat('kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk', toString(number % 2)) AS k, number AS n FROM numbers(6)) LIMIT 1 BY k;
