-- String functions: length, case, concat, prefixes, search, tokens, LIKE.
SELECT length(''), length('abc'), length('héllo'), empty(''), notEmpty('x'), length(toString(12345));
SELECT lower('AbC'), upper('aBc'), lower('ÄÖ'), upper('straße'), lcase('X'), ucase('y'), lower(''), upper('123-abc');
SELECT concat('a', 'b', 'c'), concat('x', 1, 2.5), 'a' || 'b' || 'c', concat('', ''), concat('n=', number) FROM numbers(2);
SELECT concat('a', NULL), concat(CAST('a', 'Nullable(String)'), 'b'), 'x' || toString(1e21);
SELECT startsWith('/v1/api', '/v1'), startsWith('/v1', '/v1/api'), endsWith('file.json', '.json'), endsWith('', ''), startsWith('abc', '');
SELECT position('hello world', 'o'), position('hello', 'z'), position('hello', ''), position('abcabc', 'c', 4), positionCaseInsensitive('HeLLo', 'll'), position('héllo', 'l'), positionUTF8('héllo', 'l');
SELECT hasToken('GET /v1/users 200', 'users'), hasToken('GET /v1/users 200', 'user'), hasToken('a,b;c', 'b'), hasToken('error: timeout', 'error'), hasToken('', 'x'), hasTokenCaseInsensitive('Error here', 'ERROR');
SELECT 'abc' LIKE 'a%', 'abc' LIKE '_b_', 'abc' LIKE 'b%', 'ABC' LIKE 'a%', 'ABC' ILIKE 'a%', 'abc' NOT LIKE '%c', 'a%c' LIKE 'a\\%c', 'abc' LIKE 'a\\%c', 'abc' NOT ILIKE '%B%';
SELECT 'a_c' LIKE 'a\\_c', 'abc' LIKE 'a\\_c', '' LIKE '', '' LIKE '%', 'x' LIKE '', 'line1\nline2' LIKE '%line2', like('abc', '%b%'), ilike('ABC', '%b%'), 'é' LIKE '_', 'aXbXc' LIKE 'a%b%c';
SELECT substring('hello', 2, 3), substring('hello', 3), substring('hello', -3, 2), substring('hello', 10), substring('hello', 0);
SELECT trim('  x  '), trimLeft('  x  '), trimRight('  x  '), trimBoth('  x  '), ltrim(' a'), rtrim('a ');
SELECT replaceAll('a.b.c', '.', '-'), replaceOne('a.b.c', '.', '-'), replace('aaa', 'a', 'bb'), splitByChar(',', 'a,b,,c'), splitByString('::', 'a::b');
SELECT toString(123), toString(-1.5), toString(toDate('2026-10-01')), toString(toDateTime('2026-10-01 12:00:00')), toString(NULL), toString(toUInt8(7));
SELECT 'tab\there', 'nl\nhere', 'quote''s', 'back\\slash', 'uni ✓', 'cr\rx', 'nul\0x';
SELECT number, lower(s), upper(s), length(s) FROM (SELECT number, concat('Row', toString(number)) AS s FROM numbers(3)) ORDER BY number;
SELECT lowerUTF8('ÀÉÜÞ ŁŐŸŽ ΑΒΓ АБВЁ'), upperUTF8('àéüþÿ łőž αβγς абвё'), lowerUTF8('日本 ✓'), 'ÄÖÜ' ILIKE 'ä_ü', 'ПРИВЕТ мир' ILIKE 'привет%', 'Straße' ILIKE '%STRASSE%';
-- Empty strings (a column whose every value is empty has no bytes at all).
SELECT replaceAll(s, 'e', '_'), replaceOne(s, 'e', '_'), position(s, 'e'), s LIKE '%e%', match(s, 'e') FROM (SELECT '' AS s FROM numbers(2));
