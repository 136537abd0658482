-- Case-insensitive UTF-8 search, as ClickHouse: positionCaseInsensitiveUTF8 and ILIKE
-- '%needle%' compare the simple lower case of each code point (Poco's tables: É = é, ẞ = ß,
-- Σ = σ but ς and ǅ are their own, İ is not i); other ILIKE patterns use re2's rules (ς = σ,
-- ǅ = ǆ, ſ = s) after a substring search for the longest plain run of 3 bytes or more. The
-- position forms count characters (UTF8) or bytes; a start counts the same way and must be
-- unsigned. Reference: ClickHouse 26.9 (chDB 4.4.0), written by
-- tests/sql/clickhouse_reference.py position_utf8.sql.
CREATE TABLE texts (id UInt32, s String) ENGINE = MergeTree ORDER BY id;
INSERT INTO texts VALUES (1, 'ÉCOLE'), (2, 'école'), (3, 'aÉCOLE'), (4, 'STRAẞE'), (5, 'straße'), (6, 'ΟΔΟΣ'), (7, 'οδος'), (8, 'İstanbul'), (9, 'ıI'), (10, 'ǅemal'), (11, 'привет МИР'), (12, ''), (13, 'Ωmega'), (14, 'ꭰᎠ'), (15, 'ſ');
SELECT id, positionCaseInsensitiveUTF8(s, 'é'), positionCaseInsensitiveUTF8(s, 'COLE'), positionCaseInsensitiveUTF8(s, 'ß'), positionCaseInsensitiveUTF8(s, 'σ'), positionCaseInsensitiveUTF8(s, 'ς'), positionCaseInsensitiveUTF8(s, 'i'), positionCaseInsensitiveUTF8(s, 'мир'), positionCaseInsensitiveUTF8(s, 'ǆ'), positionCaseInsensitiveUTF8(s, 'ω'), positionCaseInsensitiveUTF8(s, 'Ꭰ'), positionCaseInsensitiveUTF8(s, 'S'), positionCaseInsensitiveUTF8(s, '') FROM texts ORDER BY id;
SELECT id, positionUTF8(s, 'É'), positionUTF8(s, 'МИР'), position(s, 'МИР'), positionCaseInsensitive(s, 'cole'), positionCaseInsensitive(s, 'é'), positionCaseInsensitive(s, 'мир') FROM texts ORDER BY id;
-- Start offsets: characters for the UTF8 forms, bytes for the others; 0 is 1; past the end
-- of the string (plus one for an empty needle) gives 0.
SELECT number AS start, positionUTF8('aébÉc', '', start), positionCaseInsensitiveUTF8('aébÉc', 'É', start), positionUTF8('aébÉc', 'b', start), position('aébÉc', 'b', start), positionCaseInsensitive('aBc', 'C', start), position('abc', '', start) FROM numbers(8);
SELECT id, positionCaseInsensitiveUTF8(s, 'O', 3), positionUTF8(s, 'e', toUInt16(2)), positionCaseInsensitiveUTF8(s, 'ОДОС', 1) FROM texts WHERE id IN (1, 2, 3, 6, 7, 13) ORDER BY id;
SELECT positionCaseInsensitiveUTF8('ÉCOLE', 'é'), positionCaseInsensitiveUTF8('école', 'COLE'), positionCaseInsensitiveUTF8('STRAẞE', 'ß'), positionCaseInsensitiveUTF8('straße', 'ẞ'), positionCaseInsensitiveUTF8('ΟΔΟΣ', 'ς'), positionCaseInsensitiveUTF8('İstanbul', 'i');
SELECT positionCaseInsensitiveUTF8(CAST('ÉCOLE' AS Nullable(String)), 'é'), positionCaseInsensitiveUTF8(CAST('ÉCOLE' AS LowCardinality(String)), 'é'), toTypeName(positionCaseInsensitiveUTF8(CAST('a' AS Nullable(String)), 'b'));
-- ILIKE over the same rows.
SELECT id, s ILIKE 'é%', s ILIKE '%COLE', s ILIKE '%COLE%', s ILIKE 'straße', s ILIKE 'STRASSE', s ILIKE '%ß%', s ILIKE 'οδος', s ILIKE 'ΟΔΟΣ', s ILIKE '%ς', s ILIKE 'ǆ%', s ILIKE '%ǆ%', s ILIKE 'i%' FROM texts ORDER BY id;
SELECT id, s ILIKE '%мир', s ILIKE 'ПРИВЕТ%', s ILIKE '_____т м_р', s ILIKE 'ωMEGA', s ILIKE 'ꭰ%', s ILIKE '%ꭰ', s ILIKE 's', s ILIKE '%S%', s NOT ILIKE '%O%' FROM texts ORDER BY id;
SELECT 'Σ' ILIKE 'ς', 'aΣ' ILIKE 'aς', 'xΣy' ILIKE '_ς_', 'ΣAB' ILIKE 'ς%', 'ABCΣ' ILIKE '%ABCς', 'ΣABCDEF' ILIKE 'ςA%', 'ǅ' ILIKE 'ǆ', 'ǅ' ILIKE '%ǆ%', 'ⓐ' ILIKE 'Ⓐ', 'ⓐ' ILIKE '_';
SELECT 'ÉCOLE' ILIKE 'é_ole', 'STRASSE' ILIKE 'straße', 'K' ILIKE 'k', 'ſ' ILIKE 's', 'İ' ILIKE 'i', 'i' ILIKE 'İ', 'ꭰ' ILIKE 'Ꭰ', '𐐨' ILIKE '𐐀', 'Ⓐ' ILIKE 'ⓐ';
SELECT positionUTF8('abc', 'b', -1); -- error: an unsigned integer
SELECT position('abc', 'b', toInt64(1)); -- error: an unsigned integer
