-- tokenbf_v1 skip indexes: answers are those of a full scan for hasToken, LIKE (whole
-- tokens inside the pattern), startsWith, endsWith, = and IN, on a String, a
-- LowCardinality(String), lower(body) and an Array(String), with rare and absent tokens,
-- separators and UTF-8 words, through a merge.
CREATE TABLE logs (ts DateTime, service LowCardinality(String), body String, labels Array(String), INDEX body_tok body TYPE tokenbf_v1(8192, 3, 0) GRANULARITY 1, INDEX lower_tok lower(body) TYPE tokenbf_v1(4096, 2, 7) GRANULARITY 2, INDEX svc_tok service TYPE tokenbf_v1(256, 2, 0) GRANULARITY 1, INDEX labels_tok labels TYPE tokenbf_v1(1024, 3, 0) GRANULARITY 1) ENGINE = MergeTree ORDER BY ts SETTINGS index_granularity = 128;
INSERT INTO logs SELECT toDateTime('2026-10-01 00:00:00') + number, concat('svc-', toString(intDiv(number, 5000))), concat(if(number % 3 = 0, 'GET', 'POST'), ' /api/v1/items/', toString(number % 997), ' status=', toString(200 + (number % 7) * 50), ' user=u', toString(intDiv(number, 211)), if(number = 12345, ' RareNeedle', ''), if(number % 5000 = 7, ' Grüße_мир', '')), [concat('zone-', toString(intDiv(number, 3000))), if(number % 4 = 0, 'canary', 'stable')] FROM numbers(30000);
SELECT count() FROM logs WHERE hasToken(body, 'RareNeedle');
SELECT count() FROM logs WHERE hasToken(body, 'NoSuchToken');
SELECT count() FROM logs WHERE hasToken(body, 'u42');
SELECT count() FROM logs WHERE hasToken(body, 'Grüße');
SELECT count() FROM logs WHERE hasToken(body, 'items') AND hasToken(body, 'u100');
SELECT count() FROM logs WHERE body LIKE '%user=u77 %';
SELECT count() FROM logs WHERE body LIKE '%user=u77%';
SELECT count() FROM logs WHERE body LIKE 'GET /api/v1/items/996 %';
SELECT count() FROM logs WHERE body LIKE '% RareNeedle';
SELECT count() FROM logs WHERE body LIKE '%/items/5_ status%';
SELECT count() FROM logs WHERE startsWith(body, 'POST /api/v1/items/3 ');
SELECT count() FROM logs WHERE endsWith(body, ' user=u9');
SELECT count() FROM logs WHERE body = 'GET /api/v1/items/0 status=200 user=u0';
SELECT count() FROM logs WHERE body IN ('GET /api/v1/items/3 status=350 user=u0', 'nothing here');
SELECT count() FROM logs WHERE hasToken(lower(body), 'rareneedle');
SELECT count() FROM logs WHERE lower(body) LIKE '%get /api/v1/items/12 %';
SELECT count() FROM logs WHERE service = 'svc-3';
SELECT count() FROM logs WHERE hasToken(service, '5');
SELECT count() FROM logs WHERE has(labels, 'zone-7');
SELECT count() FROM logs WHERE has(labels, 'zone-70');
SELECT count() FROM logs WHERE NOT hasToken(body, 'u42');
SELECT count() FROM logs WHERE hasToken(body, 'u42') OR hasToken(body, 'u43');
INSERT INTO logs SELECT toDateTime('2026-11-01 00:00:00') + number, 'late', concat('late entry ', toString(number), ' RareNeedle'), ['late'] FROM numbers(50);
OPTIMIZE TABLE logs FINAL;
SELECT count() FROM logs WHERE hasToken(body, 'RareNeedle');
SELECT count() FROM logs WHERE body LIKE '%entry 7 %';
SELECT count() FROM logs WHERE has(labels, 'late');
CREATE TABLE bad (s String, INDEX i s TYPE tokenbf_v1(100, 2) GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: `tokenbf` index must have exactly 3 arguments
CREATE TABLE bad (s String, INDEX i s TYPE tokenbf_v1(0, 2, 0) GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: The size of bloom filter cannot be zero
CREATE TABLE bad (s String, INDEX i s TYPE tokenbf_v1(100, 0, 0) GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: The number of hash functions for bloom filter cannot be zero
CREATE TABLE bad (s String, INDEX i s TYPE tokenbf_v1(100, 2, 'a') GRANULARITY 1) ENGINE = MergeTree ORDER BY s; -- error: All parameters to *bf_v1 index must be unsigned integers
CREATE TABLE bad (k UInt32, INDEX i k TYPE tokenbf_v1(100, 2, 0) GRANULARITY 1) ENGINE = MergeTree ORDER BY k; -- error: Ngram and token bloom filter indexes can only be used with column types
