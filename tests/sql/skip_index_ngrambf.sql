-- ngrambf_v1 skip indexes: answers are those of a full scan for LIKE '%needle%' (and
-- prefixes, suffixes, '_'), startsWith, endsWith, hasToken, = and IN, with needles shorter
-- than n, absent ones and UTF-8, on a String, lower(s), an Array(String) and mapValues,
-- through a merge.
CREATE TABLE ng (k UInt32, url String, tags Array(String), attrs Map(String, String), INDEX url_ng url TYPE ngrambf_v1(3, 8192, 2, 0) GRANULARITY 1, INDEX lower_ng lower(url) TYPE ngrambf_v1(4, 4096, 3, 1) GRANULARITY 2, INDEX tags_ng tags TYPE ngrambf_v1(2, 512, 2, 0) GRANULARITY 1, INDEX vals_ng mapValues(attrs) TYPE ngrambf_v1(3, 1024, 2, 0) GRANULARITY 1) ENGINE = MergeTree ORDER BY k SETTINGS index_granularity = 100;
INSERT INTO ng SELECT number, concat('https://', if(number % 2 = 0, 'Shop', 'blog'), toString(intDiv(number, 700)), '.example.com/p/', toString(number % 1009), if(number = 4321, '/Ünïcode-Päth', '')), [concat('tag', toString(intDiv(number, 1000)))], map('browser', if(number % 3 = 0, 'firefox', 'chrome'), 'country', concat('c', toString(intDiv(number, 2500)))) FROM numbers(20000);
SELECT count() FROM ng WHERE url LIKE '%shop3.%';
SELECT count() FROM ng WHERE url LIKE '%Shop3.%';
SELECT count() FROM ng WHERE url LIKE '%Ünïcode%';
SELECT count() FROM ng WHERE url LIKE '%nothing-like-this%';
SELECT count() FROM ng WHERE url LIKE '%/p/100_';
SELECT count() FROM ng WHERE url LIKE 'https://blog28%';
SELECT count() FROM ng WHERE url LIKE '%.com/p/77';
SELECT count() FROM ng WHERE url LIKE '%p%';
SELECT count() FROM ng WHERE startsWith(url, 'https://Shop27.');
SELECT count() FROM ng WHERE endsWith(url, '/p/1008');
SELECT count() FROM ng WHERE hasToken(url, 'blog5');
SELECT count() FROM ng WHERE url = 'https://Shop0.example.com/p/0';
SELECT count() FROM ng WHERE url IN ('https://blog0.example.com/p/1', 'https://x.example.com/');
SELECT count() FROM ng WHERE lower(url) LIKE '%shop13.%';
SELECT count() FROM ng WHERE lower(url) LIKE '%ünïcode%';
SELECT count() FROM ng WHERE has(tags, 'tag7');
SELECT count() FROM ng WHERE has(tags, 'tag77');
SELECT count() FROM ng WHERE attrs['country'] = 'c3';
SELECT count() FROM ng WHERE attrs['browser'] = 'safari';
SELECT count() FROM ng WHERE has(mapValues(attrs), 'firefox');
SELECT count() FROM ng WHERE NOT (url LIKE '%Shop3.%');
INSERT INTO ng SELECT number + 50000, 'ftp://late.example.org/', [], map() FROM numbers(10);
OPTIMIZE TABLE ng FINAL;
SELECT count() FROM ng WHERE url LIKE '%late.ex%';
SELECT count() FROM ng WHERE url LIKE '%Shop3.%';
CREATE TABLE bad (s String, INDEX i s TYPE ngrambf_v1(3, 100, 2) GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: `ngrambf` index must have exactly 4 arguments
CREATE TABLE bad (s String, INDEX i s TYPE ngrambf_v1(0, 100, 2, 0) GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: ngram length must be at least 1
CREATE TABLE bad (a Array(UInt8), INDEX i a TYPE ngrambf_v1(3, 100, 2, 0) GRANULARITY 1) ENGINE = MergeTree ORDER BY tuple(); -- error: Ngram and token bloom filter indexes can only be used with column types
