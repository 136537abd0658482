-- LIKE escapes, as ClickHouse: `\%`, `\_` and `\\` stand for %, _ and \; a backslash before
-- any other character is kept ('a\b' LIKE 'a\b' is 1; LIKE '%\d%' looks for a backslash and
-- a d); a pattern ending in a lone backslash is an error. The same in NOT LIKE, ILIKE, the
-- function forms, pattern columns and SHOW TABLES LIKE. `_` and an inner `%` take whole
-- characters only, never broken UTF-8. (In SQL text '\\' is one backslash.) Reference:
-- ClickHouse 26.9 (chDB 4.4.0), written by tests/sql/clickhouse_reference.py like_escapes.sql.
SELECT 'a\\b' LIKE 'a\\b', 'ab' LIKE 'a\\b', 'a\\b' LIKE 'a\\\\b', 'a\\\\b' LIKE 'a\\\\b';
SELECT 'x1' LIKE '%\\d%', 'x\\d' LIKE '%\\d%', 'x\\dy' LIKE '%\\d%', 'xd' LIKE '%\\d%', 'x\\dy' LIKE '%\\d_', 'x\\dy' LIKE '_\\d%';
SELECT '100%' LIKE '100\\%', '100x' LIKE '100\\%', 'a_b' LIKE 'a\\_b', 'axb' LIKE 'a\\_b', 'a\\%b' LIKE 'a\\\\%b', 'a\\xxb' LIKE 'a\\\\%b', 'a%b' LIKE 'a\\\\%b';
SELECT 'a\\.b' LIKE 'a\\.b', 'a.b' LIKE 'a\\.b', 'a\\xb' LIKE 'a\\_b', 'a\\cb' LIKE '_\\c_', 'ab' LIKE 'a\\b%', 'a\\bc' LIKE 'a\\b%', 'xa\\b' LIKE '%a\\b';
SELECT 'aé' LIKE 'a\\é', 'a\\é' LIKE 'a\\é', 'a\\é' LIKE 'a\\_', 'a\\é' LIKE 'a\\\\_', '\\' LIKE '\\\\', '\\' LIKE '%\\\\', 'a\\b\\c' LIKE '%\\b\\%', 'a\\b\\c' LIKE '%\\b\\c';
SELECT 'a\\b' NOT LIKE 'a\\b', 'A\\B' ILIKE 'a\\b', 'A\\D' ILIKE '%\\d', 'A\\D' NOT ILIKE '%\\d', 'aBc' ILIKE '%\\B%', 'a\\bc' ILIKE '%\\B%';
SELECT like('a\\b', 'a\\b'), notLike('a\\b', 'a\\b'), ilike('A\\b', 'a\\B'), notILike('A\\b', 'a\\B');
SELECT 'a%' LIKE 'a\\%%', 'a_' LIKE '%\\_', 'ab' LIKE '%b%%', 'abc' LIKE '%_%', '' LIKE '%', '' LIKE '_', '' LIKE '';
CREATE TABLE pat (id UInt32, s String, p String) ENGINE = MergeTree ORDER BY id;
INSERT INTO pat VALUES (1, 'a\\b', 'a\\b'), (2, 'ab', 'a\\b'), (3, 'a\\b', 'a\\\\b'), (4, 'x\\d', '%\\d'), (5, 'xd', '%\\d'), (6, '50%', '50\\%'), (7, 'C:\\dir\\file', 'c:\\\\dir\\\\%'), (8, 'C:\\dir\\file', 'C:\\dir\\%');
SELECT id, s LIKE p, s NOT LIKE p, s ILIKE p, s LIKE 'a\\b', s ILIKE '%\\D%' FROM pat ORDER BY id;
SELECT id FROM pat WHERE s LIKE '%\\dir\\%' ORDER BY id;
SELECT id FROM pat WHERE s ILIKE 'c:\\\\dir%' ORDER BY id;
-- Broken UTF-8: `_` and an inner `%` take only characters (re2's: a lead byte C2..DF, E0..EF
-- or F0..F4 with its continuation bytes); the bytes themselves match the same bytes.
CREATE TABLE broken (id UInt32, s String) ENGINE = MergeTree ORDER BY id;
INSERT INTO broken VALUES (1, 'a\xFFb'), (2, 'a\xC3b'), (3, 'a\xC3\xA9b'), (4, 'a\xED\xA0\x80b'), (5, 'a\xE0\x9F\x80b'), (6, 'a\xC0\x80b'), (7, 'a\xF4\x90\x80\x80b'), (8, 'a\xFFbc');
SELECT id, s LIKE 'a_b', s LIKE 'a%b', s LIKE 'a%', s LIKE '%b', s LIKE '%a%b%', s LIKE '%_b', s LIKE 'a\xFFb', s LIKE '%\xFF%', s LIKE 'a%c', s LIKE '%a\xFF_' FROM broken ORDER BY id;
-- SHOW TABLES LIKE uses the same rules.
CREATE TABLE a_b (x UInt8) ENGINE = MergeTree ORDER BY x;
CREATE TABLE axb (x UInt8) ENGINE = MergeTree ORDER BY x;
SHOW TABLES LIKE 'a\\_b';
SHOW TABLES LIKE 'a_b';
SELECT 'a' LIKE 'a\\'; -- error: Invalid escape sequence at the end of LIKE pattern
SELECT 'a' LIKE '\\'; -- error: Invalid escape sequence at the end of LIKE pattern
SELECT 'a' ILIKE '%\\'; -- error: Invalid escape sequence at the end of LIKE pattern
SELECT 'a' NOT LIKE 'a\\\\\\'; -- error: Invalid escape sequence at the end of LIKE pattern
SELECT s LIKE concat(p, '\\') FROM pat; -- error: Invalid escape sequence at the end of LIKE pattern
