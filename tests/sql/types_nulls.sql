-- Types, NULLs and indices as ClickHouse: LowCardinality(Nullable(String)) under length and
-- nullIf, JSON functions' argument checks and string escapes, arrays from NULL, [], index 0,
-- Bool logic, toDayOfWeek's mode and Date against a date-and-time string.
CREATE TABLE t (id UInt32, s String, tags Array(String), lc LowCardinality(Nullable(String)), n Nullable(String), b Bool, u UInt8, d Date, dt DateTime('UTC'), j String) ENGINE = MergeTree ORDER BY id;
INSERT INTO t VALUES (1, 'abc', ['x', 'y'], NULL, NULL, true, 1, '2026-10-04', '2026-10-04 01:02:03', '{"a": "x\\u00e9", "b": {"c": "\\/\\t\\u0001"}}'), (2, 'de', [], 'ab', 'q/r', false, 0, '2026-10-05', '2026-10-05 00:00:00', '{"a": ["\\u2028", "\\"q\\\\"], "k\\u00e9y": 1}'), (3, '', ['z'], '', 'x', true, 0, '2026-10-06', '2026-10-06 12:00:00', 'not json');
-- length / empty / notEmpty of LowCardinality(Nullable(String)): NULL for NULL.
SELECT id, length(lc), empty(lc), notEmpty(lc) FROM t ORDER BY id;
SELECT id FROM t WHERE notEmpty(lc) ORDER BY id;
SELECT count() FROM t WHERE notEmpty(lc) IS NULL;
-- nullIf of a LowCardinality(Nullable(String)).
SELECT id, nullIf(lc, 'ab'), nullIf(lc, '') FROM t ORDER BY id;
-- JSON functions reject LowCardinality(Nullable(String)), and Array results of Nullable.
SELECT JSONExtractString(lc, 'a') FROM t; -- error: The first argument of function JSONExtractString should be a string containing JSON or a JSON object, illegal type: Nullable(String)
SELECT JSONHas(j, lc) FROM t; -- error: The argument 2 of function JSONHas should be a string specifying key or an integer specifying index, illegal type: Nullable(String)
SELECT JSONExtractKeys(n) FROM t; -- error: Nested type Array(String) cannot be inside Nullable type
SELECT JSONExtractArrayRaw(CAST(j AS Nullable(String)), 'a') FROM t; -- error: Nested type Array(String) cannot be inside Nullable type
SELECT id, JSONExtractString(n, 'a'), JSONHas(CAST(j AS Nullable(String)), 'a'), JSON_VALUE(lc, '$.a') FROM t ORDER BY id;
-- JSONExtractRaw and friends write strings back decoded and escaped ClickHouse's way.
SELECT id, JSONExtractRaw(j, 'a'), JSONExtractRaw(j, 'b'), JSONExtractString(j, 'b'), JSONExtractRaw(j), JSONExtractArrayRaw(j, 'a') FROM t ORDER BY id;
SELECT id, JSON_QUERY(j, '$.b'), JSON_QUERY(j, '$.a') FROM t ORDER BY id;
SELECT JSONExtractRaw('{"a":"\\u001f\\b\\f\\r\\n\\u007f\\u2029/"}', 'a'), JSON_QUERY('{"a":"\\u001f\\u2029"}', '$.a');
SELECT JSONExtractRaw('{"a":"\\ud83d\\ude00"}', 'a'), JSONExtractRaw('{"a":"\\ud800"}', 'a'), isValidJSON('{"a":"\\udc00"}'), isValidJSON('["\\ud800x"]');
-- Arrays of a NULL are the arrays of '' (ClickHouse keeps the default under a NULL).
SELECT id, splitByChar('/', n), splitByString('/', concat('a-', n)), splitByChar('/', nullIf(s, 'abc')), splitByChar('/', lc) FROM t ORDER BY id;
-- [] is Array(Nothing): it holds nothing of any type.
SELECT has([], 's'), has([], 1), indexOf([], 'x'), toTypeName([]), length([]), empty([]);
SELECT [][1]; -- error: Invalid projection column with type Nothing
SELECT id, has(tags, 'x'), has([], tags[1]) FROM t ORDER BY id;
-- Index 0: a constant unsigned 0 on a column is an error; elsewhere it gives the default.
SELECT tags[0] FROM t; -- error: Array indices are 1-based
SELECT arrayElement(tags, toUInt64(0)) FROM t; -- error: Array indices are 1-based
SELECT id, tags[toInt8(0)], tags[u], ['a'][0], tags[1] FROM t ORDER BY id;
SELECT substring(s, 0) FROM t; -- error: Indices in strings are 1-based
SELECT substring(s, 0, 2) FROM t; -- error: Indices in strings are 1-based
SELECT mid(n, 0, 1) FROM t; -- error: Indices in strings are 1-based
SELECT substring(lc, toInt64(0)) FROM t; -- error: Indices in strings are 1-based
SELECT id, substring(s, u), substring(s, 1, 0), substring(s, 1, u), substring('abc', 0), substring('abc', 0, u) FROM t ORDER BY id;
-- and / or / not / xor return Bool when an argument is a Bool.
SELECT id, NOT b, b AND u, b OR u, xor(b, u), b AND 1, u AND 1, NOT u FROM t ORDER BY id;
SELECT toTypeName(NOT b), toTypeName(b AND u), toTypeName(u OR b), toTypeName(xor(u, b)), toTypeName(u AND u), toTypeName(NOT u), toTypeName(b AND CAST(u AS Nullable(UInt8))), toTypeName(NOT CAST(b AS Nullable(Bool))) FROM t LIMIT 1;
SELECT toTypeName(NOT 1), b AND NULL FROM t ORDER BY id;
SELECT id FROM t WHERE b AND u ORDER BY id;
-- toDayOfWeek(t, mode[, zone]): the mode is a UInt8, a zone goes third.
SELECT toDayOfWeek(dt, 'UTC') FROM t; -- error: A value of illegal type was provided as 2nd argument 'week_mode' to function 'toDayOfWeek'. Expected: UInt8, got: String
SELECT toDayOfWeek(dt, toInt8(1)) FROM t; -- error: A value of illegal type was provided as 2nd argument 'week_mode' to function 'toDayOfWeek'. Expected: UInt8, got: Int8
SELECT id, toDayOfWeek(dt), toDayOfWeek(dt, 1), toDayOfWeek(dt, 3, 'Asia/Tokyo'), toDayOfWeek(d, 2) FROM t ORDER BY id;
-- A Date against a date-and-time string is an error; CAST and toDate read the date.
SELECT count() FROM t WHERE d = '2026-10-04 01:18:15'; -- error: Cannot convert string '2026-10-04 01:18:15' to type Date
SELECT count() FROM t WHERE d IN ('2026-10-04 00:00:00'); -- error: Cannot convert string '2026-10-04 00:00:00' to type Date
SELECT count() FROM t WHERE d < '2026-10-05 00:00:00'; -- error: Cannot convert string '2026-10-05 00:00:00' to type Date
SELECT count() FROM t WHERE d = '20261004';
SELECT CAST('2026-10-04 01:18:15', 'Date'), toDate('2026-10-04 01:18:15');
