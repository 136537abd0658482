-- Integer division with no integer answer, as ClickHouse (outputs and errors checked with chDB 4.4):
-- the smallest signed value by -1 and division by zero are errors for intDiv and modulo;
-- intDivOrZero and moduloOrZero answer 0; intDiv of infinite floats or with a quotient out of range fails.
SELECT intDivOrZero(-9223372036854775808, -1), intDivOrZero(toInt8(-128), toInt8(-1)), toTypeName(intDivOrZero(toInt8(-128), toInt8(-1))), intDivOrZero(7, 0), intDivOrZero(-7, 2), intDivOrZero(1.5, 0);
SELECT moduloOrZero(toInt64(-9223372036854775808), -1), moduloOrZero(toInt8(-128), toInt8(-1)), toTypeName(moduloOrZero(toInt8(-128), toInt8(-1))), moduloOrZero(5, 0), moduloOrZero(-7, 2), moduloOrZero(1.5, 0);
SELECT intDiv(toInt16(-128), -1), intDiv(toInt64(-9223372036854775807), -1), intDiv(toInt64(-9223372036854775808), toUInt64(1)), modulo(toInt16(-128), toInt8(-1)), intDiv(toUInt64(18446744073709551615), -1);
SELECT intDiv(1e18, 0.5), intDiv(-7.9, 2), 1.5 % 0, intDiv(CAST(NULL, 'Nullable(Int64)'), 0), intDiv(CAST(NULL, 'Nullable(Int64)'), -1);
SELECT number, intDivOrZero(toInt64(number) - 9223372036854775807 - 1, toInt64(number) - 1), moduloOrZero(100, number) FROM numbers(3);
SELECT intDiv(-9223372036854775808, -1); -- error: intDiv: Division of minimal signed number by minus one
SELECT intDiv(toInt8(-128), toInt8(-1)); -- error: Division of minimal signed number by minus one
SELECT toInt64(-9223372036854775808) % -1; -- error: modulo: Division of minimal signed number by minus one
SELECT intDiv(number - 9223372036854775808, -1) FROM numbers(1); -- error: Division of minimal signed number by minus one
SELECT intDiv(1, 0); -- error: intDiv: Division by zero
SELECT 1 % 0; -- error: modulo: Division by zero
SELECT intDiv(1, 0.); -- error: intDiv: Division by zero
SELECT intDiv(inf, 1); -- error: Cannot perform integer division on infinite or too large floating point numbers
SELECT intDiv(1e300, 1); -- error: Cannot perform integer division, because it will produce infinite or too large number
SELECT intDivOrZero(inf, 1); -- error: Cannot perform integer division on infinite or too large floating point numbers
