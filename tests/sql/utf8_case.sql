-- lowerUTF8 / upperUTF8, as ClickHouse: ICU's full case mapping in the root locale. The
-- length may change (ß -> SS, ﬁ -> FI, İ -> i + U+0307, ΐ -> three code points); a final Σ
-- lowers to ς (a cased letter before it, none after, skipping case-ignorable characters);
-- no Turkish or Lithuanian rules; title-case letters map to their upper and lower forms;
-- bytes that are not UTF-8 stay. lower/upper map ASCII only. Reference: ClickHouse 26.9
-- (chDB 4.4.0), written by tests/sql/clickhouse_reference.py utf8_case.sql.
SELECT upperUTF8('straße'), lowerUTF8('STRASSE'), lowerUTF8('ẞ'), upperUTF8('ẞ'), upperUTF8('ß'), upper('straße'), lower('ÉCOLE');
SELECT upperUTF8('ﬁ'), lowerUTF8('ﬁ'), upperUTF8('ﬀ'), upperUTF8('ŉ'), upperUTF8('ǰ'), upperUTF8('ΐ'), length(upperUTF8('ΐ')), upperUTF8('ᾳ'), lowerUTF8('ᾼ'), upperUTF8('ᾼ');
SELECT upperUTF8('i'), lowerUTF8('I'), lowerUTF8('İ'), length(lowerUTF8('İ')), upperUTF8('ı'), lowerUTF8('İstanbul'), upperUTF8('ıstanbul');
SELECT upperUTF8('ǆ'), lowerUTF8('ǅ'), upperUTF8('ǅ'), lowerUTF8('Ǆ'), upperUTF8('ǳ'), lowerUTF8('ǲ');
SELECT lowerUTF8('ΟΔΟΣ'), lowerUTF8('ΟΔΟΣ') = 'οδος', lowerUTF8('ΟΔΟΣ') = 'οδοσ', lowerUTF8('ΟΔΟΣ ΟΔΟΣ.'), lowerUTF8('Σ'), lowerUTF8('ΑΣ'), lowerUTF8('ΑΣΑ'), lowerUTF8('Α\'Σ'), lowerUTF8('ΑΣ\''), lowerUTF8('Α.Σ.Α'), lowerUTF8('ΑΣ1'), lowerUTF8('1Σ'), lowerUTF8('ΣΑΣ ΣΑΣ');
SELECT upperUTF8('όδος'), upperUTF8('ς'), upperUTF8('σ'), upperUTF8('µ'), lowerUTF8('Ω'), lowerUTF8('K'), lowerUTF8('Å'), upperUTF8('ͅ');
SELECT upperUTF8('привет ёж'), lowerUTF8('ПРИВЕТ ЁЖ'), upperUTF8('ґєії'), lowerUTF8('ՄԵԾ'), upperUTF8('მთავრული'), lowerUTF8('ᲛᲗᲐᲕᲠᲣᲚᲘ'), upperUTF8('ꭰꭱ'), lowerUTF8('ᎠᎡ');
SELECT upperUTF8('ⓐⓑ'), lowerUTF8('ⒶⒷ'), upperUTF8('ａｂ'), lowerUTF8('ＡＢ'), upperUTF8('𐐨𐐩'), lowerUTF8('𐐀𐐁'), upperUTF8('ᲊ'), lowerUTF8('Ᲊ'), upperUTF8('日本語 ✓'), upperUTF8('');
SELECT lowerUTF8('ÀÉÎÕÜ ĀĂĄ ŸŹ Ǻ Ș'), upperUTF8('àéîõü āăą ÿź ǻ ș'), upperUTF8('ɐɑɒ'), lowerUTF8('ⱯⱭⱰ');
-- Bytes that are not UTF-8 (lone, truncated, overlong, surrogates, past U+10FFFF) stay, and
-- stop the look for letters around a Σ.
SELECT upperUTF8('a\xFFb'), lowerUTF8('A\xC3'), upperUTF8('\xC3\xA9\xC3'), lowerUTF8('\xE2\x82'), upperUTF8('\xED\xA0\x80a'), upperUTF8('\xC0\xAFa'), upperUTF8('\xF4\x90\x80\x80a');
SELECT lowerUTF8('Σ\xFF'), lowerUTF8('A\xFFΣ'), lowerUTF8('AΣ\xFF'), lowerUTF8('AΣ\xED\x9F\xBF'), lowerUTF8('AΣ\xE2\x82');
-- Columns: String, LowCardinality, Nullable, and rows of every kind side by side.
CREATE TABLE words (id UInt32, s String, lc LowCardinality(String), n Nullable(String)) ENGINE = MergeTree ORDER BY id;
INSERT INTO words VALUES (1, 'straße', 'straße', 'ß'), (2, 'ΟΔΟΣ', 'ΟΔΟΣ', NULL), (3, 'abc', 'abc', 'abc'), (4, 'İI', 'İI', 'ﬁ'), (5, '', '', ''), (6, 'Ǆemal', 'ǅemal', 'ǆ');
SELECT id, upperUTF8(s), lowerUTF8(s), upperUTF8(lc), lowerUTF8(lc), upperUTF8(n), lowerUTF8(n), length(upperUTF8(s)) FROM words ORDER BY id;
SELECT toTypeName(lowerUTF8(n)) FROM words LIMIT 1;
SELECT lowerUTF8(s) AS l, count() FROM words GROUP BY l ORDER BY l;
SELECT id FROM words WHERE upperUTF8(s) = 'STRASSE' OR lowerUTF8(s) = 'οδος';
