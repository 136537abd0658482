-- Numeric edge cases as ClickHouse 26 answers them: float to integer, parsing into unsigned
-- types, literal::Type, intDiv and % of mixed signedness, float %, greatest/least with NaN,
-- supertypes with UInt64 literals, quantiles at infinities and over nothing, uniqCombined of
-- a Nullable argument.
CREATE TABLE n (id UInt32, f Float64, s String, u16 UInt16, i16 Int16, nf Nullable(Float64), ni Nullable(Int32)) ENGINE = MergeTree ORDER BY id;
INSERT INTO n VALUES (1, 3e9, '-2', 40000, -2, -0., NULL), (2, -5, '7', 200, -3, inf, 5), (3, 1e20, '+5', 65535, 7, NULL, -1), (4, 0.25, '0', 1, -32768, 5.3, NULL);
-- Float to integer out of range: the machine's truncation (x86 cvttsd2si), not saturation.
SELECT toInt32(3e9), toInt64(1e19), toUInt64(1e20), toUInt64(-1.), toUInt64(-1e20), toInt64(-1e19), toUInt64(1e19), toUInt64(2e19), toUInt64(-5.), toInt64(9.3e18);
SELECT toUInt8(300.), toUInt8(-1.), toUInt8(1e10), toInt8(200.), toInt8(1e10), toUInt16(70000.), toInt16(40000.), toUInt32(5e9), toUInt32(1e20), toUInt32(-5e9), toInt32(-1e20);
SELECT id, toInt32(f), toUInt8(f), toUInt64(f), toInt16(f), CAST(f AS UInt32) FROM n ORDER BY id;
SELECT toInt32(toFloat32(3e9)), toUInt8(toFloat32(300)), toInt64(toFloat32(1e19));
SELECT toDateTime(1e20), toDateTime(-1.5);
-- NaN and infinities into an integer are an error, in the to* functions and CAST alike.
SELECT toInt32(nan); -- error: Unexpected inf or nan to integer conversion
SELECT CAST(inf AS UInt8); -- error: Unexpected inf or nan to integer conversion
SELECT toUInt64(-inf); -- error: Unexpected inf or nan to integer conversion
SELECT nan::Int32; -- error: Unexpected inf or nan to integer conversion
SELECT toInt64(nf) FROM n; -- error: Unexpected inf or nan to integer conversion
SELECT id, toInt64(nf) FROM n WHERE id != 2 ORDER BY id;
SELECT toBool(nan), toBool(inf), toBool(-0.);
-- '-' into an unsigned type is an error; a '+' is fine.
SELECT toUInt16('-2'); -- error: Unsigned type must not contain '-' symbol
SELECT toUInt8('-0'); -- error: Unsigned type must not contain '-' symbol
SELECT CAST('-2' AS UInt32); -- error: Unsigned type must not contain '-' symbol
SELECT toUInt32(s) FROM n; -- error: Unsigned type must not contain '-' symbol
SELECT toInt32(s), toUInt64('+5'), toInt8('-2') FROM n ORDER BY id;
-- literal::Type parses the literal's text; CAST(literal AS Type) converts its value.
SELECT 0.25::Int32; -- error: parse
SELECT 1e3::UInt16; -- error: parse
SELECT -100::UInt64; -- error: Unsigned type must not contain '-' symbol
SELECT -100::Int64, 1.5::Float32, 1e3::Float64, 3::Int32 + 1, 1.50::String, -1.0::String, '7'::UInt8, toTypeName(5::Int64);
SELECT CAST(0.25 AS Int32), CAST(1e3 AS UInt16), CAST(-100 AS Int64), CAST(1.5 AS String);
-- intDiv of mixed signedness reads both sides signed; % follows C's promotions.
SELECT intDiv(200, -2), intDiv(200, -3), intDiv(toUInt16(40000), toInt16(-2)), toTypeName(intDiv(toUInt16(40000), toInt16(-2))), 200 DIV -2;
SELECT intDiv(toInt8(-100), toUInt8(200)), intDiv(toInt8(-100), toUInt64(200)), intDiv(toUInt64(18446744073709551615), toInt8(-2)), intDiv(toUInt32(3000000000), toInt8(-2)), intDiv(toInt64(-100), toUInt64(18446744073709551615));
SELECT intDivOrZero(200, -2), intDivOrZero(toUInt8(128), toInt8(-1)), intDivOrZero(toInt16(-128), toUInt8(255)), intDivOrZero(5, 0);
SELECT intDiv(toUInt8(128), toInt8(-1)); -- error: Division of minimal signed number by minus one
SELECT id, intDiv(u16, i16), u16 % i16, i16 % u16, intDivOrZero(u16, i16), moduloOrZero(u16, i16), intDiv(i16, u16) FROM n ORDER BY id;
SELECT 200 % -3, toTypeName(200 % -3), toInt8(-100) % toUInt8(200), toInt64(-100) % toUInt64(3), toUInt64(18446744073709551615) % toInt64(-3), moduloOrZero(200, -3);
-- Float %: a - trunc(a / b) * b.
SELECT -5. % 2.5, 5.3 % 0.1, 1e20 % 3., 5. % 0., moduloOrZero(5., 0.), toFloat32(5.5) % 2, 7 % 2.5, -3. % 3;
SELECT DISTINCT f % 3 FROM n ORDER BY 1;
SELECT id, f % 0.1, f % -2 FROM n ORDER BY id;
-- greatest/least of two non-Nullable values take a > b ? a : b; otherwise NaN loses.
SELECT greatest(2., nan), greatest(nan, 2.), least(nan, 2.), least(2., nan), greatest(0., -0.), greatest(-0., 0.), least(0., -0.);
SELECT greatest(1, nan, 3), least(nan, 1., 2.), greatest(2., nan, 1.), greatest(1., 2., nan), least(3., nan, 2., 1.), greatest(nan, nan, 1.), greatest(-0., 0., -1.);
SELECT id, greatest(f, nan), least(nan, f), greatest(nf, nan), least(nf, 1.) FROM n ORDER BY id;
SELECT greatest(toInt64(-1), toUInt64(5)), least(toInt64(-1), toUInt64(5)), toTypeName(greatest(toInt64(-1), toUInt64(0))), toTypeName(least(toInt64(-1), toUInt64(0)));
-- A UInt64 literal that fits Int64 counts as Int64 beside signed integers.
SELECT id, if(id > 2, i16, 9223372036854775807), toTypeName(if(id > 2, i16, 9223372036854775807)), multiIf(id = 1, ni, id = 2, 4294967296, -1) FROM n ORDER BY id;
SELECT [toInt8(-1), 9223372036854775807], toTypeName(coalesce(ni, 9223372036854775807)) FROM n WHERE id = 1;
SELECT x, toTypeName(x) FROM (SELECT i16 AS x FROM n WHERE id = 1 UNION ALL SELECT 9223372036854775807) ORDER BY x;
SELECT toTypeName(if(id > 2, 9223372036854775807, 5)) FROM n WHERE id = 1;
-- Quantiles interpolate as ClickHouse, also at whole indexes: inf * 0 is nan.
SELECT quantiles(0.25, 0.5, 0.75)(x) FROM (SELECT -inf AS x UNION ALL SELECT inf);
SELECT quantile(0.5)(x), median(x), quantile(0.3)(x), quantile(0)(x), quantile(1)(x), quantiles(0.25, 0.5)(x) FROM (SELECT inf AS x UNION ALL SELECT inf UNION ALL SELECT inf);
SELECT quantiles(0.25, 0.5, 0.75)(x) FROM (SELECT 1. AS x UNION ALL SELECT inf);
SELECT quantiles(0.1, 0.35)(x) FROM (SELECT 10.2 AS x UNION ALL SELECT 10.25);
SELECT quantilesExact(0.5, 0.9)(f), quantileExact(0.5)(f), medianExact(f), quantilesExact(0.5)(toFloat32(f)), quantilesExact(0.5)(id), quantiles(0.5)(f), quantile(f) FROM n WHERE id > 10;
SELECT quantilesExact(0.5, 0.9)(nf), quantileExact(0.5)(nf) FROM n WHERE id = 3;
-- uniqCombined of a Nullable argument is Nullable(UInt64); uniq and uniqExact stay UInt64.
SELECT uniqCombined(ni), uniqCombined64(ni), uniq(ni), uniqExact(ni), toTypeName(uniqCombined(ni)) FROM n WHERE id IN (1, 4);
SELECT uniqCombined(ni), uniqCombined64(nf), toTypeName(uniqCombined64(nf)), uniqCombined(f) FROM n;
SELECT id, uniqCombined(ni) FROM n GROUP BY id ORDER BY id;
-- -0 and 0 are different keys, as in ClickHouse (its hash tables compare the bits); % never
-- makes a -0 (fmod(-3, 3) would).
SELECT count() FROM (SELECT DISTINCT x FROM (SELECT -0. AS x UNION ALL SELECT 0. UNION ALL SELECT 1.));
SELECT x, count() FROM (SELECT -0. AS x UNION ALL SELECT 0. UNION ALL SELECT 1.) GROUP BY x ORDER BY toString(x);
SELECT count() FROM (SELECT DISTINCT id % 3 - 1 + f % 3 AS x FROM n) WHERE x = 0;
SELECT uniqExact(x), count(DISTINCT x), uniq(x), uniqCombined(x) FROM (SELECT -0. AS x UNION ALL SELECT 0. UNION ALL SELECT 1.);
SELECT -0. IN (0.), 0. IN (-0.);
SELECT -inf::String, -nan::String, toTypeName(-inf), -infinity::String, -inf, -nan, -inf::Float32, 2 - inf FORMAT TabSeparatedWithNames;
