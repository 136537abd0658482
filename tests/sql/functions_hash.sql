-- Hash functions: ClickHouse's exact values for every argument type, several arguments,
-- arrays, maps, NULLs and constants (the reference is ClickHouse's own output).
SELECT cityHash64('abc'), sipHash64('abc'), xxHash64('abc'), xxh3('abc'), murmurHash3_64('abc'), farmFingerprint64('abc'), murmurHash3_32('abc'), xxHash32('abc');
SELECT cityHash64(''), sipHash64(''), xxHash64(''), xxh3(''), murmurHash3_64(''), farmFingerprint64(''), murmurHash3_32(''), xxHash32('');
SELECT cityHash64(), sipHash64(), xxHash64(), xxh3(), murmurHash3_64(), farmFingerprint64(), murmurHash3_32(), xxHash32();
SELECT toTypeName(cityHash64('a')), toTypeName(sipHash64(1)), toTypeName(xxh3('a', 1)), toTypeName(murmurHash3_32('a')), toTypeName(xxHash32(1)), toTypeName(intHash32(1)), toTypeName(intHash64(1));
-- Every length from 0 to 310 bytes (CityHash, FarmHash and XXH3 change code paths at 16, 32, 64, 128 and 240).
SELECT n, cityHash64(s), sipHash64(s), xxHash64(s), xxh3(s), murmurHash3_64(s), farmFingerprint64(s), murmurHash3_32(s), xxHash32(s) FROM (SELECT number AS n, substring('PtYgjmUh_Bel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM:-R5Kjp/1vRt 1fjORS-6ilI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJr3J1TWDtkwtDDb xHKas1VOq/g6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po 799NksnRH9u.cA:Usd:MlH.UvTC_QCyEZDz.-TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbn:r3yBdGBL_EPH1qhT6.1_qt:/c4xatws8phP.:9nhéllo ✓ 日本語', 1, number) AS s FROM numbers(311)) ORDER BY n;
-- Integers of every width hash their little-endian bytes; cityHash64 and farmFingerprint64 hash intHash64 of the zero-extended bits instead.
SELECT cityHash64(toInt8(-1)), cityHash64(toUInt8(255)), cityHash64(toInt16(-1)), cityHash64(toUInt64(255)), cityHash64(toInt64(-1)), cityHash64(toInt32(-70000)), cityHash64(toUInt32(4000000000)), cityHash64(toInt64(-9223372036854775808));
SELECT sipHash64(toInt8(-1)), sipHash64(toUInt8(255)), sipHash64(toInt16(-300)), sipHash64(toUInt16(65535)), sipHash64(toInt32(-70000)), sipHash64(toUInt32(4000000000)), sipHash64(toInt64(-1)), sipHash64(toUInt64(18446744073709551615));
SELECT xxHash64(toInt8(-1)), xxHash64(toUInt16(1)), xxh3(toInt32(1)), xxh3(toUInt64(1)), murmurHash3_64(toInt64(-1)), murmurHash3_64(toUInt8(0)), farmFingerprint64(toInt32(-70000)), farmFingerprint64(toUInt8(7));
SELECT murmurHash3_32(toUInt64(255)), murmurHash3_32(toInt8(-128)), xxHash32(toInt16(-300)), xxHash32(toUInt32(123456789)), xxHash32(toInt64(9223372036854775807));
SELECT number, cityHash64(number), sipHash64(number), xxHash64(number), xxh3(number), murmurHash3_64(number), farmFingerprint64(number), murmurHash3_32(number), xxHash32(number) FROM numbers(4);
-- Floats hash their bits: -0 and 0 differ, NaN and infinities are values like any other.
SELECT cityHash64(toFloat32(1.5)), cityHash64(1.5), cityHash64(-0.), cityHash64(0.), cityHash64(nan), cityHash64(inf), cityHash64(-inf), cityHash64(toFloat32(-2.25));
SELECT sipHash64(toFloat32(1.5)), xxHash64(1.5), xxh3(-0.), murmurHash3_64(nan), farmFingerprint64(1e300), murmurHash3_32(toFloat32(-2.25)), xxHash32(1e-300);
-- Bool, dates and times hash as their stored integers; DateTime64 hashes its 8 bytes even in cityHash64.
SELECT cityHash64(true), cityHash64(false), sipHash64(true), xxh3(false), murmurHash3_32(true);
SELECT cityHash64(toDate('2026-10-05')), sipHash64(toDate('2026-10-05')), xxh3(toDate('1970-01-01')), murmurHash3_32(toDate('2149-06-06'));
SELECT cityHash64(toDateTime('2026-10-05 01:30:00', 'UTC')), xxHash64(toDateTime('2026-10-05 01:30:00', 'UTC')), murmurHash3_64(toDateTime('2026-10-05 01:30:00', 'Asia/Tokyo')), farmFingerprint64(toDateTime('2026-10-05 01:30:00', 'UTC'));
SELECT cityHash64(toDateTime64('2026-10-05 01:30:00.123', 3, 'UTC')), sipHash64(toDateTime64('2026-10-05 01:30:00.123', 3, 'UTC')), xxh3(toDateTime64('2026-10-05 01:30:00.123456', 6, 'UTC')), xxHash32(toDateTime64('2026-10-05 01:30:00', 0, 'UTC'));
-- UUID: ClickHouse's UInt128 bytes, in every function.
SELECT cityHash64(toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')), sipHash64(toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')), xxh3(toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')), murmurHash3_32(toUUID('00000000-0000-0000-0000-000000000001')), farmFingerprint64(toUUID('00000000-0000-0000-0000-000000000000'));
-- Several arguments: each function's own way of combining.
SELECT cityHash64('a', 1), cityHash64(1, 'a'), cityHash64('a', 'b', 'c'), sipHash64('a', 1, 2.5), xxHash64('a', 'b'), xxh3('a', 'b'), murmurHash3_64('a', 'b'), farmFingerprint64('a', 'b');
SELECT murmurHash3_32('a', 'b'), xxHash32('a', 'b'), murmurHash3_32(1, 2, 3), xxHash32('', '');
SELECT number, cityHash64(toString(number), number), sipHash64(number, 'x'), xxHash64('x', number), xxh3(number, number), murmurHash3_64('k', number, 'v'), xxHash32(number, 'x') FROM numbers(3);
-- Arrays and maps join the chain: element count, then each element (a map element is its key and value).
SELECT cityHash64([1, 2]), cityHash64(2, 1, 2), cityHash64(['a', 'b']), cityHash64([]), cityHash64(map()), cityHash64(map('a', 1)), cityHash64(map('a', 1, 'b', 2));
SELECT sipHash64([1, 2]), xxHash64(['a']), xxh3([1.5]), murmurHash3_64(['x', 'y']), farmFingerprint64([1]), murmurHash3_32([1, 2]), xxHash32(['a', 'b']);
SELECT sipHash64(map('k', 'v')), xxh3(map(1, 2)), murmurHash3_32(map('x', 'y')), xxHash64('a', [1], map('b', 2));
-- Constant arguments next to columns, nested arrays in maps, typed array elements.
SELECT number, cityHash64(number, [1, 2]), xxh3([1, 2], number), sipHash64(map('a', 1), number), murmurHash3_32([NULL, 1], number), farmFingerprint64(number, [number, 1]), xxHash32(number, 'x', 'y') FROM numbers(3);
SELECT cityHash64(map(1, [1, 2])), sipHash64(map('a', ['x', NULL])), cityHash64([toDate('2026-01-01')]), xxh3([toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')]), sipHash64([toDateTime64('2026-10-05 01:30:00.123', 3, 'UTC')]), cityHash64([1.5, -0.]);
SELECT number, cityHash64(if(number = 1, NULL, toString(number))), murmurHash3_64(CAST(number AS LowCardinality(String))), cityHash64(CAST(number AS LowCardinality(String)), number) FROM numbers(3);
-- NULL: a NULL argument gives NULL; a NULL inside an array or map is a value.
SELECT cityHash64(NULL), sipHash64('a', NULL), xxh3(NULL, 1), murmurHash3_32(NULL);
SELECT cityHash64([1, NULL]), cityHash64([NULL]), sipHash64([NULL, 'a']), xxHash64([1, NULL]), xxh3([NULL]), murmurHash3_64([NULL]), murmurHash3_32([NULL]), xxHash32([1, NULL]);
SELECT cityHash64(map('a', NULL)), sipHash64(map('a', NULL, 'b', 'x')), xxHash32(map('a', NULL));
SELECT cityHash64(CAST('a' AS Nullable(String))), cityHash64(CAST(NULL AS Nullable(String))), xxh3(CAST(5 AS Nullable(UInt8))), murmurHash3_32(CAST('a' AS LowCardinality(String))), sipHash64(CAST('a' AS LowCardinality(Nullable(String))));
-- intHash64 / intHash32: integers, Date and DateTime, sign-extended.
SELECT intHash64(0), intHash64(1), intHash64(-1), intHash64(toInt8(-1)), intHash64(toUInt64(18446744073709551615)), intHash64(toDate('2026-10-05')), intHash64(true);
SELECT intHash32(0), intHash32(1), intHash32(-1), intHash32(toInt8(-1)), intHash32(255), intHash32(toDateTime('2026-10-05 01:30:00', 'UTC')), intHash32(toInt64(-9223372036854775808));
SELECT number, intHash64(number), intHash32(number), intHash64(toInt32(number) - 2), intHash32(toInt16(number) - 2) FROM numbers(4);
SELECT intHash64(CAST(NULL AS Nullable(UInt8))), intHash32(CAST(7 AS Nullable(Int32)));
SELECT intHash64(1.5); -- error: intHash64
SELECT intHash32('a'); -- error: intHash32
SELECT intHash64(1, 2); -- error: intHash64
-- Table columns: every type, LowCardinality and Nullable columns, maps with LowCardinality keys.
CREATE TABLE hashed (id UInt32, tenant LowCardinality(String), path String, code Nullable(UInt16), region LowCardinality(Nullable(String)), value Float64, day Date, time DateTime('UTC'), time_ms DateTime64(3, 'UTC'), uid UUID, small Int8, flag Bool, tags Array(String), nums Array(Nullable(Int32)), labels Map(LowCardinality(String), String), opt Map(String, Nullable(UInt64))) ENGINE = MergeTree ORDER BY id;
INSERT INTO hashed VALUES (1, 'acme', '/v1/users', 200, 'eu', 1.5, '2026-10-05', '2026-10-05 01:30:00', '2026-10-05 01:30:00.125', '61f0c404-5cb3-11e7-907b-a6006ad3dba0', -1, true, ['a', 'b'], [1, NULL], {'env': 'prod'}, {'x': 1, 'y': NULL}), (2, 'globex', '', NULL, NULL, -0., '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00.000', '00000000-0000-0000-0000-000000000000', 127, false, [], [], {}, {}), (3, 'acme', 'a path longer than sixty-four bytes, to take the long-string code path of every hash', 404, 'us', nan, '2149-06-06', '2106-02-07 06:28:15', '2299-12-31 23:59:59.999', 'ffffffff-ffff-ffff-ffff-ffffffffffff', -128, true, [''], [NULL], {'env': 'dev', 'tier': 'gold'}, {'z': NULL});
SELECT id, cityHash64(tenant), sipHash64(tenant), xxHash64(path), xxh3(path), murmurHash3_64(path), farmFingerprint64(path), murmurHash3_32(tenant), xxHash32(path) FROM hashed ORDER BY id;
SELECT id, cityHash64(code), sipHash64(region), xxh3(code, region), murmurHash3_32(region, code) FROM hashed ORDER BY id;
SELECT id, cityHash64(value), sipHash64(value), cityHash64(day), xxHash64(time), xxh3(time_ms), murmurHash3_64(uid), farmFingerprint64(small), xxHash32(flag) FROM hashed ORDER BY id;
SELECT id, cityHash64(tags), sipHash64(nums), xxHash64(labels), xxh3(opt), murmurHash3_64(tags, nums), murmurHash3_32(labels), xxHash32(opt), farmFingerprint64(labels) FROM hashed ORDER BY id;
SELECT id, cityHash64(tenant, path, code, region, value, day, time, time_ms, uid, small, flag, tags, nums, labels, opt), sipHash64(id, tenant, tags), xxh3('const', tenant, 1, labels) FROM hashed ORDER BY id;
SELECT id, intHash64(id), intHash32(small), intHash64(code), intHash32(day), intHash64(time) FROM hashed ORDER BY id;
-- Sharding, sampling and bucketing as users write them.
SELECT tenant, cityHash64(tenant) % 16 AS shard, count() FROM hashed GROUP BY tenant, shard ORDER BY tenant;
SELECT count() FROM numbers(1000) WHERE cityHash64(number) % 10 = 0;
SELECT sipHash64(number) % 7 AS bucket, count() FROM numbers(1000) GROUP BY bucket ORDER BY bucket;
SELECT sum(xxh3(toString(number)) % 1000003), sum(murmurHash3_32(number) % 1000003), sum(xxHash64(number, 'salt') % 1000003), sum(intHash32(number)) FROM numbers(10000);
