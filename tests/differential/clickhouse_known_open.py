"""The known-open differences between tally and ClickHouse that the ClickHouse differential
test (clickhouse_difftest.py) knows about, by feature tag.

Each entry is a diagnosed tally bug (issue 11, or "found here": by this test) or a
deliberate difference, with a minimal repro in its text. The generator puts the tag on
every query that uses the construct (clickhouse_exprgen.py, clickhouse_querygen.py); the
short run (ctest differential.clickhouse) does not generate such queries, the long one
(make difftest) does and counts mismatches per tag. When a fix lands, delete its entry:
the short run then covers the construct, and a tag that no longer mismatches in the long
run is named in its summary.

The symptom, where there is one, is a regular expression over tally's error message: a
tally-error whose message matches is counted under that tag even when the query does not
carry it (causes that depend on types the generator does not track, such as the
signedness of integers).
"""

# tag -> (the cause, with a repro; the symptom in tally's error message, or None)
KNOWN_OPEN = {
    "regexp": (
        "x REGEXP 'p' parses (docs/sql.md: it becomes match(x, 'p')) but there is no function "
        "match: 'Unknown function match' (found here)", r"Unknown function match"),
    "bool_logic": (
        "and/or/not/xor with a Bool argument return UInt8 and print 0/1; ClickHouse returns Bool "
        "and prints false/true: SELECT NOT ok (found here)", None),
    "uniqcombined_null": (
        "uniqCombined/uniqCombined64 of a Nullable argument over no non-NULL rows is 0; ClickHouse "
        "returns NULL (uniq and uniqExact return 0 in both; found here)", None),
    "no_supertype": (
        "integers of mixed signedness with no common integer type are rejected ('there is no "
        "supertype'), where ClickHouse 26 finds one: an UInt64 literal that fits Int64 "
        "(if(c, delta, 9223372036854775807) is Int64), Int128 for greatest/least, and "
        "Variant(Int32, UInt64) for if/multiIf branches (use_variant_as_common_type, on by default "
        "since 26.1; tally has no Variant type) (found here)",
        r"there is no supertype for types .* some of them are signed integers and some are unsigned"),
    "dow_zone_arg": (
        "toDayOfWeek(t, 'Zone') is accepted with the zone in the mode's place; ClickHouse rejects "
        "it (toDayOfWeek(t, mode, 'Zone')) (found here)", None),
    "date_parse_lenient": (
        "a Date compared with a date-and-time string ('2026-10-04 01:18:15') is accepted (the time "
        "ignored); ClickHouse: 'Cannot convert string ... to type Date' (found here)", None),
    "unevaluated_error": (
        "every argument is evaluated on every row, so an error ClickHouse never raises fails the "
        "query: Division by zero on the right of AND/OR (delta != 0 AND intDiv(status, delta) > 0; "
        "ClickHouse short-circuits) or inside isNull/isNotNull of a non-Nullable value or "
        "toTypeName (ClickHouse folds them to constants); 'cannot convert NULL to non-Nullable "
        "type' from CAST(qty, 'String') in an if/?: branch not taken or under isNull (found here)",
        r"Division by zero|cannot convert NULL to non-Nullable type"),
    "agg_const_arith": (
        "ClickHouse rewrites avg(x * c) to avg(x) * c, avg(c - x) to c - avg(x), sum(x * c) to "
        "sum(x) * c and so on (optimize_arithmetic_operations_in_aggregate_functions, on by "
        "default), which rounds differently: avg(id * 1000) over ids summing to 49242305 in 3254 "
        "rows is ...411186231 in ClickHouse, ...411186233 (the exact quotient) in tally; "
        "sum(JSONExtractFloat(props, 'price') * -1) over rows without a price is -0 in "
        "ClickHouse, 0 in tally; max(id + 53) over no rows is 53 in ClickHouse, 0 in tally "
        "(found here)", None),
    "nan_to_int": (
        "toInt*/toUInt* of NaN or an infinity give 0 or the type's limit (toUInt8(nan) is 0, "
        "toInt64(inf) 9223372036854775807); ClickHouse: 'Unexpected inf or nan to integer "
        "conversion' (found here)", None),
    "zero_index": (
        "index 0 is accepted: tags[0] is '' and substring(path, 0) is ''; ClickHouse: 'Array "
        "indices are 1-based' / 'Indices in strings are 1-based' (found here)", None),
    "lc_nullable_size": (
        "length/empty/notEmpty of a LowCardinality(Nullable(String)) are not Nullable: NULL "
        "gives 0 (ClickHouse NULL): SELECT notEmpty(region) WHERE region IS NULL (found here)", None),
    "json_nullable_array": (
        "JSONExtractKeys/JSONExtractArrayRaw of a Nullable(String) give Array(String); "
        "ClickHouse rejects it ('Nested type Array(String) cannot be inside Nullable type') "
        "(found here)", None),
    "intdiv_signedness": (
        "intDiv/DIV of an unsigned by a signed integer: tally divides exactly and wraps the quotient "
        "(intDiv(200, -2) is -100, intDiv(200, -3) -66); ClickHouse's result is the signed type of "
        "the same width with the dividend cast to it first (200 -> -56: 28 and 18; "
        "intDiv(toUInt16(40000), toInt16(-2)) is 12768) (found here)", None),
    "empty_array": (
        "[] is Array(UInt8), where ClickHouse's is Array(Nothing): has([], 's') is rejected "
        "('cannot look for String in Array(UInt8)'; ClickHouse 0), [][-1] is 0 (ClickHouse rejects "
        "a Nothing column) (found here)", r"cannot look for .* in Array\(UInt8\)"),
    "lc_nullable_nullif": (
        "nullIf of a LowCardinality(Nullable(String)) is rejected ('expected a type that can be "
        "NULL'); ClickHouse answers (found here)", r"nullIf: argument 1 has type LowCardinality\(Nullable"),
    "neg_zero_key": (
        "-0 and 0 are different keys: SELECT DISTINCT ms % 3 lists both 0 and -0, and "
        "uniqExact/count(DISTINCT)/GROUP BY count them twice; ClickHouse takes them as one value "
        "(found here)", None),
    "quantiles_exact_empty": (
        "quantilesExact(...)(x) of a Float64 over no rows gives [nan, ...]; ClickHouse [0, ...] "
        "(quantileExact and medianExact give nan in both) (found here)", None),
    "float_modulo": (
        "float % is C's fmod: -5. % 2.5 is -0, 5.3 % 0.1 0.09999999999999953, 1e20 % 3. 1; "
        "ClickHouse computes a - trunc(a / b) * b: 0, 0.09999999999999964, 0 (found here)", None),
    "null_to_array": (
        "splitByChar/splitByString of a NULL split the value stored under the NULL: "
        "splitByChar('/', concat('a-', region)) is ['a-'] for a NULL region, and of nullIf(label, "
        "'x') the original label; ClickHouse splits '' ([''])  (found here)", None),
    "quantile_inf": (
        "quantile/median/quantiles interpolating between two infinities give inf; ClickHouse "
        "computes a + (b - a) * t, nan: quantiles(0.25, 0.5)(inf) is [inf,inf], ClickHouse "
        "[inf,nan] (found here)", None),
    "uint_parse_negative": (
        "toUInt*('-2') wraps (65534 for UInt16); ClickHouse rejects it: 'Unsigned type must not "
        "contain '-' symbol' (found here)", None),
    "greatest_nan": (
        "greatest/least with a NaN argument: tally's greatest(2., nan) is 2 and least(nan, ratio) "
        "nan; ClickHouse takes a > b ? a : b (a < b ? a : b): nan and ratio (found here)", None),
    "lc_result_type": (
        "functions of a LowCardinality column return the plain type: toTypeName(mid(region, 2, 4)) "
        "is Nullable(String), ClickHouse LowCardinality(Nullable(String)); only toTypeName shows "
        "it (found here)", None),
    "avg_overflow": (
        "avg of integers whose sum passes 64 bits: tally gives the true mean (avg(value * "
        "100000000) 165980715203461220); ClickHouse's sum wraps and its average with it "
        "(1381621149660920800); sum itself wraps alike in both (found here)", None),
    "literal_colon_cast": (
        "literal::Type converts the literal's value: 0.25::Int32 is 0, 1e3::UInt16 1000, "
        "-100::UInt64 18446744073709551516; ClickHouse "
        "parses the literal's text as the type and fails ('Cannot parse string '0.25' as Int32') "
        "(found here)", None),
    "json_raw_escapes": (
        "JSONExtractRaw returns a string's escapes as written: JSONExtractRaw('{\"a\": \"x\\\\u00e9\"}', "
        "'a') is \"x\\\\u00e9\"; ClickHouse writes the value back decoded: \"xé\" (found here)", None),
    "like_invalid_utf8": (
        "LIKE's _ matches any byte of invalid UTF-8: substring('日本語', 2, 1) LIKE '_' (a byte "
        "inside a character; substring counts bytes) is 1; ClickHouse 0 (found here)", None),
    "group_by_injective": (
        "GROUP BY toString(t, 'America/New_York'): ClickHouse groups by t itself (toString counts "
        "as injective, optimize_injective_functions_in_group_by), so the hour repeated when DST "
        "ends gives two groups printed alike ('2026-11-01 01:15:00' twice); tally groups by the "
        "text, one group (found here)", None),
    "float_to_int_range": (
        "a float out of Int32's or Int64's range converts by wrapping or saturating: toInt32(3e9) "
        "is -1294967296, toInt64(1e19) 9223372036854775807, toUInt64(1e20) 18446744073709551615; "
        "ClickHouse gives -2147483648, -9223372036854775808 and 9223372036854775808 (found here)", None),
    "json_lc_nullable": (
        "JSON functions accept a LowCardinality(Nullable(String)) argument; ClickHouse rejects it "
        "('illegal type: Nullable(String)') (found here)", None),
}
