-- ORDER BY an Array or a Map, as ClickHouse: element by element, a proper prefix first
-- ([] < [1] < [1, 1] < [1, 2] < [2]); a Map by its (key, value) entries in order; NULL and
-- NaN elements where NULLS FIRST/LAST puts them (LAST for ASC and DESC alike), in the
-- direction of the key. Reference: ClickHouse 26.9 (chDB 4.4.0), written by
-- tests/sql/clickhouse_reference.py order_arrays.sql.
CREATE TABLE arr (id UInt32, a Array(Int64), s Array(String), n Array(Nullable(Int64)), f Array(Float64), nested Array(Array(UInt8)), m Map(String, UInt32), lc Array(LowCardinality(String))) ENGINE = MergeTree ORDER BY id;
INSERT INTO arr VALUES (1, [3], ['b'], [1, NULL], [nan, 1], [[1], [2]], {'b': 1}, ['x']), (2, [1, 2], ['a', 'c'], [NULL], [1, nan], [[1]], {'a': 2}, ['w', 'x']), (3, [1], ['a'], [1], [1, 2], [[0, 5]], {'a': 1, 'b': 0}, []), (4, [], [], [NULL, 1], [nan], [[]], {}, ['w']), (5, [1, 2, 3], ['a', 'b'], [], [inf], [], {'a': 1}, ['x', 'y']), (6, [2], ['b', ''], [1, 2], [], [[1], []], {'b': 1, 'a': 1}, ['w']), (7, [1, 1], [''], [2, NULL], [-inf, nan], [[1], [2]], {'c': 0}, ['']), (8, [-5, 100], ['b'], [NULL, NULL], [nan, nan], [[255]], {'a': 1}, ['x']);
SELECT id, a FROM arr ORDER BY a, id;
SELECT id, a FROM arr ORDER BY a DESC, id;
SELECT id, s FROM arr ORDER BY s, id;
SELECT id, s FROM arr ORDER BY s DESC, id;
SELECT id, lc FROM arr ORDER BY lc, id;
SELECT id, n FROM arr ORDER BY n, id;
SELECT id, n FROM arr ORDER BY n DESC, id;
SELECT id, n FROM arr ORDER BY n NULLS FIRST, id;
SELECT id, n FROM arr ORDER BY n DESC NULLS FIRST, id;
SELECT id, f FROM arr ORDER BY f, id;
SELECT id, f FROM arr ORDER BY f DESC, id;
SELECT id, f FROM arr ORDER BY f NULLS FIRST, id;
SELECT id, nested FROM arr ORDER BY nested, id;
SELECT id, nested FROM arr ORDER BY nested DESC, id;
SELECT id, m FROM arr ORDER BY m, id;
SELECT id, m FROM arr ORDER BY m DESC, id;
-- Top-N (ORDER BY ... LIMIT), several keys, and an array made by an expression.
SELECT id, a FROM arr ORDER BY a LIMIT 3;
SELECT id, a FROM arr ORDER BY a DESC LIMIT 2, 3;
SELECT id, s, a FROM arr ORDER BY length(s), s DESC, a;
SELECT id, mapKeys(m) AS r FROM arr ORDER BY r DESC, id;
-- Arrays and maps as GROUP BY keys, ordered.
SELECT s, count() FROM arr GROUP BY s ORDER BY s;
SELECT s, count() FROM arr GROUP BY s ORDER BY s DESC LIMIT 3;
SELECT m, count() AS c FROM arr GROUP BY m ORDER BY c DESC, m;
SELECT n, groupArray(id) FROM arr GROUP BY n ORDER BY n NULLS FIRST;
-- Many rows: the merge sort and the top-N over arrays.
SELECT number, [number % 3, number % 5] AS k FROM numbers(40) ORDER BY k DESC, number LIMIT 10;
SELECT number, [intDiv(number, 7), number % 2] AS k FROM numbers(3000) ORDER BY k, number DESC LIMIT 5 OFFSET 1200;
