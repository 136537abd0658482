-- Skip indexes on expressions: lower(s), mapKeys(m), mapValues(m), an Array column,
-- length(s): answers are those of a full scan for conditions spelled as the expression,
-- map elements (m['k'] = v, including a default value that rows without the key also
-- give), mapContains, has(mapKeys(m), k), and has, hasAny and hasAll on arrays, through a
-- merge.
CREATE TABLE ex (k UInt32, name String, attrs Map(String, String), counts Map(String, UInt32), ids Array(UInt64), INDEX name_lower lower(name) TYPE bloom_filter GRANULARITY 1, INDEX keys_bf mapKeys(attrs) TYPE bloom_filter(0.01) GRANULARITY 1, INDEX vals_bf mapValues(attrs) TYPE bloom_filter GRANULARITY 1, INDEX count_keys mapKeys(counts) TYPE set(4) GRANULARITY 1, INDEX count_vals mapValues(counts) TYPE minmax GRANULARITY 1, INDEX ids_bf ids TYPE bloom_filter GRANULARITY 2, INDEX name_len length(name) TYPE minmax GRANULARITY 1) ENGINE = MergeTree ORDER BY k SETTINGS index_granularity = 64;
INSERT INTO ex SELECT number, concat(if(number % 2 = 0, 'Alice', 'BOB'), toString(intDiv(number, 300)), if(number >= 8000, 'xx', if(number >= 4000, 'x', ''))), map(concat('key', toString(intDiv(number, 1000))), concat('v', toString(number % 40)), 'env', if(number % 500 = 0, '', 'prod')), map(concat('c', toString(intDiv(number, 2000))), toUInt32(intDiv(number, 100))), [number, number * 7 + 1] FROM numbers(12000);
SELECT count() FROM ex WHERE lower(name) = 'alice7';
SELECT count() FROM ex WHERE lower(name) = 'carol';
SELECT count() FROM ex WHERE lower(name) IN ('bob3', 'bob39xx');
SELECT count() FROM ex WHERE name = 'BOB3';
SELECT count() FROM ex WHERE attrs['key3'] = 'v5';
SELECT count() FROM ex WHERE attrs['key3'] = '';
SELECT count() FROM ex WHERE attrs['env'] = '';
SELECT count() FROM ex WHERE attrs['key99'] = 'v5';
SELECT count() FROM ex WHERE attrs['key4'] IN ('v1', 'v2');
SELECT count() FROM ex WHERE mapContains(attrs, 'key11');
SELECT count() FROM ex WHERE mapContains(attrs, 'key12');
SELECT count() FROM ex WHERE has(mapKeys(attrs), 'key2');
SELECT count() FROM ex WHERE has(mapValues(attrs), 'v39');
SELECT count() FROM ex WHERE counts['c3'] = 65;
SELECT count() FROM ex WHERE counts['c3'] = 0;
SELECT count() FROM ex WHERE has(mapKeys(counts), 'c5');
SELECT count() FROM ex WHERE has(mapValues(counts), 119);
SELECT count() FROM ex WHERE has(ids, 7001);
SELECT count() FROM ex WHERE has(ids, 7002);
SELECT count() FROM ex WHERE has(ids, 100000);
SELECT count() FROM ex WHERE hasAny(ids, [7001, 99999999]);
SELECT count() FROM ex WHERE hasAll(ids, [1000, 7001]);
SELECT count() FROM ex WHERE hasAll(ids, [1000, 7002]);
SELECT count() FROM ex WHERE hasAny(mapKeys(attrs), ['key3', 'nokey']);
SELECT count() FROM ex WHERE hasAny(['key5'], mapKeys(attrs));
SELECT count() FROM ex WHERE length(name) = 9;
SELECT count() FROM ex WHERE length(name) > 7;
SELECT count() FROM ex WHERE lower(name) = 'alice7' AND mapContains(attrs, 'key0');
OPTIMIZE TABLE ex FINAL;
SELECT count() FROM ex WHERE lower(name) = 'alice7';
SELECT count() FROM ex WHERE attrs['key3'] = 'v5';
SELECT count() FROM ex WHERE has(ids, 7001);
SHOW CREATE TABLE ex;
