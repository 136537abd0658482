-- Regular-expression functions (engine/exec/regexp_functions.cc), edges checked against ClickHouse.
CREATE TABLE regexp_t (id UInt64, s String, p String, lc LowCardinality(String), n Nullable(String)) ENGINE = MergeTree ORDER BY id;
INSERT INTO regexp_t VALUES (1, 'GET /v1/users/42', '^GET', 'GET /v1', 'a1b22'), (2, 'POST /v2/orders', 'orders$', 'POST /v2', NULL), (3, 'a\nb', 'a.b', 'GET /v1', ''), (4, '', '', 'x', 'x');

-- match and REGEXP: dot_nl, (?i), (?m), anchors, the empty pattern.
SELECT match('a\nb', 'a.b'), match('ab', '(?-s)a.b'), match('ABC', '(?i)abc'), match('abc', 'A'), match('abc', ''), match('', '');
SELECT match('a\nb', '^b$'), match('a\nb', '(?m)^b$'), match('Ä', '(?i)ä'), match('abc', '\\w+'), match('abc', '\\p{L}');
SELECT 'abc' REGEXP 'b', 'abc' REGEXP 'x', NOT 'abc' REGEXP 'b';
-- A pattern without metacharacters is a substring search: an unbalanced ) ends it.
SELECT match('a', 'a)'), match('xa)', 'a)'), match('a', ')'), match('a', 'a]'), match('a]', 'a]'), match('abc', 'a)(');
SELECT match('a.c', 'a\\.c'), match('abc', 'a\\.c'), match('a+c', 'a\\+c');
-- Invalid UTF-8: . takes only characters; bytes still match themselves.
SELECT match('\xFF', '.'), match('\xFF', '^.$'), match('é', '^.$'), match('\xFF', '\xFF'), match('\xFFa', 'a'), match('\xFFa', '^.a'), match('\xFFa', '^\\C?a');
SELECT id, match(s, p), s REGEXP '/v[0-9]/' FROM regexp_t ORDER BY id;
SELECT id, match(lc, 'GET'), match(n, '[0-9]'), match(s, n) FROM regexp_t ORDER BY id;
SELECT match(NULL, 'b'), match('abc', NULL), match(CAST('abc' AS Nullable(String)), 'b'), match('abc', CAST('b' AS Nullable(String)));
SELECT count() FROM regexp_t WHERE s REGEXP '^(GET|POST) ';
SELECT match('abc', '('); -- error: cannot compile re2: (, error: missing ): (
SELECT match('abc', 'a{1001}'); -- error: invalid repetition size
SELECT match('abc', 'a\\'); -- error: trailing \
SELECT match(s, p || '(') FROM regexp_t; -- error: error: missing ): ^GET(
SELECT match(1, 'b'); -- error: Illegal type UInt8 of argument of function match
SELECT match('abc', 1); -- error: Illegal type UInt8 of argument of function match
SELECT match('abc'); -- error: Number of arguments for function match doesn't match

-- extract: group 1, else the whole match; '' without a match or for a group that took no part.
SELECT extract('abc123', '\\d+'), extract('abc123', '(\\d)(\\d)'), extract('abc', 'x'), extract('abc', '(x)?b'), extract('abc', '');
SELECT extract('abc', '(b*)'), extract('abc', 'b*'), extract('abc', 'b+'), extract('', '()'), extract('a\nb', 'a.b'), extract('aXbc', '(?i)x');
SELECT id, extract(s, '/(v\\d)/'), extract(lc, '[A-Z]+'), extract(n, '\\d+') FROM regexp_t ORDER BY id;
SELECT extract(NULL, 'a'), extract('A\xFFB', '.\\C?') = 'A\xFF', extract('A\xFFB', '\\C.') = 'A\xFF';
SELECT extract(s, p) FROM regexp_t; -- error: must be constant
SELECT extract('abc', 1); -- error: Illegal type UInt8 of argument of function extract
SELECT extract('abc', '('); -- error: missing ): (

-- extractAll: the first empty match ends the list.
SELECT extractAll('a1b22c333', '\\d+'), extractAll('a1b22c333', '(\\d)\\d*'), extractAll('abc', ''), extractAll('abc', 'x*');
SELECT extractAll('abc', '(x)?b'), extractAll('aaa', 'a|'), extractAll('ab', 'b*'), extractAll('a1b2', '[a-z](\\d)'), extractAll('abc', '(a)');
SELECT extractAll('aaa', '^a'), extractAll('a b  c', '\\b\\w'), length(extractAll('日本語', '.'));
SELECT id, extractAll(s, '[a-z]+'), extractAll(lc, '\\w+'), extractAll(n, '\\d') FROM regexp_t ORDER BY id;
SELECT extractAll(s, p) FROM regexp_t; -- error: Expected: const String, got: String
SELECT extractAll(1, 'a'); -- error: Expected: String, got: UInt8

-- extractAllGroups*: an empty match steps one byte on.
SELECT extractAllGroupsHorizontal('a=1, b=2', '(\\w)=(\\d)'), extractAllGroupsVertical('a=1, b=2', '(\\w)=(\\d)'), extractAllGroups('a=1, b=2', '(\\w)=(\\d)');
SELECT extractAllGroupsHorizontal('abc', '(x)?(b)'), extractAllGroupsVertical('abc', '(x)?(b)'), extractAllGroupsVertical('aaa', '(a*)'), extractAllGroupsHorizontal('', '(a)');
SELECT extractAllGroupsVertical('ab', '(b*)'), extractAllGroupsHorizontal('ab', '(b*)'), extractAllGroupsVertical('日b', '(b*)'), extractAllGroupsVertical('aaa', '(^a)');
SELECT extractAllGroupsVertical('abc', '(x*)'), extractAllGroupsHorizontal('abc', '(x*)'), extractAllGroupsVertical('abc', '(b|$)'), extractAllGroupsVertical('abc', '(c|$)');
SELECT extractAllGroupsVertical('a\nb', '(.)'), extractAllGroupsVertical('aXbx', '(?i)(x)'), extractAllGroupsHorizontal('a=1,b=,c=3', '(\\w)=(\\d)?');
SELECT id, extractAllGroupsVertical(s, '([a-z])([0-9]*)') FROM regexp_t ORDER BY id;
SELECT extractAllGroupsVertical('abc', ''); -- error: Length of 'needle' argument must be greater than 0
SELECT extractAllGroupsHorizontal('a=1', '\\w'); -- error: There are no groups in regexp: \w
SELECT extractAllGroupsVertical('abc', 'a)'); -- error: There are no groups in regexp: a)
SELECT extractAllGroupsVertical('abc', '('); -- error: missing ): (
SELECT extractAllGroupsVertical(s, p) FROM regexp_t; -- error: 2nd argument 'needle'

-- countMatches: empty matches are skipped, uncounted; ^ keeps its meaning after the first match.
SELECT countMatches('aaa', 'a'), countMatches('aaa', ''), countMatches('aaa', 'a*'), countMatches('abab', 'ab'), countMatches('aaa', 'aa');
SELECT countMatches('aaa', '^a'), countMatches('a.a', '.'), countMatches('abc', 'x'), countMatches('', 'a'), countMatches('aaa', 'a|'), countMatches('ab', 'b*');
SELECT countMatches('日本語', '.'), countMatches('日本', ''), countMatches('aaa', 'x*'), countMatches('aaa', '(a)');
SELECT countMatches('日b', 'b*'), countMatches('abab', 'b*'), countMatches('ab', '^|b'), countMatches('ba', '(?:)|b'), countMatches('a', '$');
SELECT countMatchesCaseInsensitive('AaA', 'a'), countMatchesCaseInsensitive('abcabc', 'B'), countMatchesCaseInsensitive('ÄäA', 'ä'), countMatchesCaseInsensitive('Ääa', '(ä)');
SELECT id, countMatches(s, '[a-z]'), countMatches(lc, 'GET'), countMatches(n, '\\d') FROM regexp_t ORDER BY id;
SELECT countMatches(NULL, 'a');
SELECT countMatches(s, p) FROM regexp_t; -- error: Expected: constant String, got: String
SELECT countMatches(1, 'a'); -- error: 1st argument 'haystack' to function 'countMatches'

-- replaceRegexpOne / replaceRegexpAll: empty matches, \0-\9, the empty pattern.
SELECT replaceRegexpAll('abc', '', '-'), replaceRegexpOne('abc', '', '-'), replaceRegexpAll('abc', 'x*', '-'), replaceRegexpAll('abc', '^', '-'), replaceRegexpAll('abc', '$', '-');
SELECT replaceRegexpOne('aaa', 'a', 'b'), replaceRegexpAll('aaa', 'a', 'b'), replaceRegexpAll('aaa', 'a*', 'b'), replaceRegexpAll('baaac', 'a*', '-'), replaceRegexpAll('hello', 'l*', '-');
SELECT replaceRegexpAll('abc', 'b', '[\\0]'), replaceRegexpAll('abc', '(b)', '\\\\'), replaceRegexpAll('abc', '(b)', 'x\\'), replaceRegexpAll('abc', '(b)', '\\x'), replaceRegexpAll('abc', 'b', '\\');
SELECT replaceRegexpOne('abc', '(a)|(x)', '[\\2]'), replaceRegexpAll('a.b.c', '.', '-'), replaceRegexpAll('a.b.c', '\\.', '-'), replaceRegexpOne('aXbXc', 'X', '');
SELECT replaceRegexpOne('2026-05-01', '(\\d+)-(\\d+)-(\\d+)', '\\3/\\2/\\1'), replaceRegexpAll('a\nb', '.', '*'), REGEXP_REPLACE('abc', 'b', 'x');
SELECT replaceRegexpAll('aaa', '(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)?', '\\9');
SELECT replaceRegexpAll('日本語', '', '-') = '日本語', replaceRegexpAll('日本語', 'x*', '-') = '-\xE6-\x97-\xA5-\xE6-\x9C-\xAC-\xE8-\xAA-\x9E-', replaceRegexpAll('\xE6\xFF', 'x*', '-') = '-\xE6-\xFF-', replaceRegexpAll('日', '$', '-') = '日-';
SELECT id, replaceRegexpAll(s, p, '<\\0>'), replaceRegexpOne(lc, '[A-Z]+', 'x'), replaceRegexpAll(n, '\\d', '#') FROM regexp_t ORDER BY id;
SELECT id, replaceRegexpAll('GET POST', p, 'z'), replaceRegexpAll(s, 'o', p) FROM regexp_t ORDER BY id;
SELECT replaceRegexpAll('abc', 'b', NULL), replaceRegexpAll(NULL, 'b', 'x');
SELECT replaceRegexpAll('abc', 'b', '\\1'); -- error: Substitution '\1' in replacement argument is invalid, regexp has only 0 capturing groups
SELECT replaceRegexpAll('abc', '(b)', '[\\1\\2]'); -- error: regexp has only 1 capturing groups
SELECT replaceRegexpOne('abc', 'a)', 'X'); -- error: The pattern argument is not a valid re2 pattern: unexpected ): a)
SELECT replaceRegexpOne('abc', '(', 'X'); -- error: The pattern argument is not a valid re2 pattern: missing ): (
SELECT replaceRegexpAll('abc', 'b', 1); -- error: 3rd argument 'replacement' to function 'replaceRegexpAll'. Expected: String, got: UInt8
SELECT replaceRegexpOne('abc', 'b'); -- error: Number of arguments for function replaceRegexpOne doesn't match

-- LIKE on invalid UTF-8 agrees with ClickHouse's regexp: _ never takes a stray byte.
SELECT substring('日本語', 2, 1) LIKE '_', substring('日本語', 2, 1) LIKE '%', substring('日本語', 2, 1) LIKE '%_%', '\xFF' LIKE '_', '\xFFA' LIKE '_A', '\xFFA' LIKE '%A';
SELECT substring('日本語', 1, 4) LIKE '日_', substring('日本語', 1, 4) LIKE '日%', substring('日本語', 2, 5) LIKE '%本%', substring('日本語', 2, 5) ILIKE '%本_', substring('日本語', 1, 4) ILIKE '_%';
