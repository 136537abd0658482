-- TabSeparated, TabSeparatedWithNames, CSV, CSVWithNames and Null: values and escaping.
CREATE TABLE v (id UInt8, s String, lc LowCardinality(String), i Int64, u UInt64, f Float64, f32 Float32, d Date, t DateTime, t3 DateTime64(3), uuid UUID, ns Nullable(String), a Array(String), m Map(String, Int32), b Bool) ENGINE = MergeTree ORDER BY id;
INSERT INTO v VALUES (1, 'plain', 'x', -1, 18446744073709551615, 0.1, 0.1, '2026-10-01', '2026-10-01 00:00:00', '2026-10-01 00:00:00.123', '01234567-89ab-cdef-0123-456789abcdef', NULL, [], {}, true), (2, 'tab\there\nnewline', 'y', 9223372036854775807, 0, 1e21, 3e38, '1970-01-01', '1970-01-01 00:00:00', '1969-12-31 23:59:59.999', '00000000-0000-0000-0000-000000000000', 'x', ['a', 'b''c'], {'k':1,'q':-2}, false), (3, 'quote\' "dq" back\\slash', '', -9223372036854775808, 42, -0.5, -1.5, '2149-06-06', '2106-02-07 06:28:15', '2026-10-01 12:00:00.000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '', ['\t', ''], {'':0}, true), (4, 'ünïcødé ✓ 日本', 'z', 0, 1, 1e-7, 1e-7, '2026-03-29', '2026-03-29 01:00:00', '2026-03-29 01:00:00.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a,b', ['x,y'], {'a"b':3}, false);
INSERT INTO v (id, s, f, f32) VALUES (5, 'cr\rend', inf, -inf), (6, '', nan, nan), (7, '\\N', 123456789.125, 16777217);
SELECT * FROM v ORDER BY id;
SELECT * FROM v ORDER BY id FORMAT TabSeparated;
SELECT * FROM v ORDER BY id FORMAT TSV;
SELECT id, s, ns, a FROM v ORDER BY id FORMAT TabSeparatedWithNames;
SELECT id, s, ns FROM v ORDER BY id FORMAT TSVWithNames;
SELECT * FROM v ORDER BY id FORMAT CSV;
SELECT id, s, f, t, ns, m FROM v ORDER BY id FORMAT CSVWithNames;
SELECT * FROM v ORDER BY id FORMAT Null;
SELECT id, toString(f), toString(f32), toString(t3), toString(uuid), toString(a), toString(m), toString(b) FROM v ORDER BY id;
SELECT 'a\tb' AS `col\twith tab`, 1 AS `quote"d`, 2 AS `com,ma` FORMAT TabSeparatedWithNames;
SELECT 'a\tb' AS `col\twith tab`, 1 AS `quote"d`, 2 AS `com,ma` FORMAT CSVWithNames;
SELECT 1 + 1, 'x' || 'y', [1, 2] FORMAT TSVWithNames;
SELECT 'nul\0end', 'bell\a', 'bs\b', 'ff\f', 'vt\v', 'esc\e' FORMAT TabSeparated;
