-- Maps and arrays: subscripts, keys and values, has.
SELECT map('a', 1, 'b', 2) AS m, m['a'], m['z'], mapKeys(m), mapValues(m), mapContains(m, 'b'), mapContains(m, 'z');
SELECT toTypeName(map('a', 1)), toTypeName(map('a', 1)['a']), map(1, 'x')[1], map(1, 'x')[2], length(map('a', 1, 'b', 2));
SELECT [1, 2, 3] AS a, a[1], a[3], a[4], a[-1], a[0], length(a), has(a, 2), has(a, 5), indexOf(a, 3), empty([]), notEmpty(a);
SELECT ['x', 'y'][2], has(['x', 'y'], 'y'), has([1, NULL], NULL), toTypeName([1, 2]), toTypeName(['a']), toTypeName([1, NULL]), array(1, 2), [];
SELECT ['it''s', 'a\tb'], [1.5, 2], [toDate('2026-10-01')], [NULL, 'x'];
CREATE TABLE kv (id UInt32, labels Map(String, String), vals Map(String, UInt64), tags Array(String), nums Array(Nullable(Int32))) ENGINE = MergeTree ORDER BY id;
INSERT INTO kv VALUES (1, {'env':'prod','region':'eu'}, {'a':1,'b':2}, ['x','y'], [1,NULL,3]), (2, {'env':'dev'}, {}, [], []), (3, {}, {'a':10}, ['y'], [NULL]);
SELECT id, labels, vals, tags, nums FROM kv ORDER BY id;
SELECT id, labels['env'], labels['region'], vals['a'], vals['zz'], mapKeys(labels), mapValues(vals) FROM kv ORDER BY id;
SELECT id, has(tags, 'y'), length(tags), tags[1], nums[2], has(nums, NULL), mapContains(labels, 'env') FROM kv ORDER BY id;
SELECT labels['env'] AS env, count(), sum(vals['a']) FROM kv GROUP BY env ORDER BY env;
SELECT id FROM kv WHERE has(tags, 'y') AND labels['env'] != 'dev' ORDER BY id;
SELECT id, labels, tags FROM kv ORDER BY id FORMAT JSONEachRow;
SELECT id, vals, nums FROM kv ORDER BY id FORMAT CSV;
