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
    "no_supertype": (
        "deliberate (docs/sql.md, Differences): where ClickHouse 26 types signed and unsigned "
        "integers with no common integer type as Variant(Int32, UInt64) (if/multiIf branches, "
        "UNION ALL; use_variant_as_common_type, on by default since 26.1), tally has no Variant "
        "type and keeps the error 'there is no supertype'",
        r"there is no supertype for types .* some of them are signed integers and some are unsigned"),
    "unevaluated_error": (
        "an error ClickHouse never raises because it never evaluates the expression there: "
        "tally computes a subquery's columns the outer query never reads and checks a "
        "constant 0 index, a JSON function's argument type, an argument's type or count, or a string "
        "constant's conversion to a Date when binding a call ClickHouse drops as always false "
        "(has([-1, 0], 18446744073709551615) AND ..., isNotNull(1) ? a : toDayOfWeek(t, 'zone')) "
        "or converts only when it runs (and/or/if short-circuit is done: docs/sql.md, "
        "Evaluation order)",
        r"Division by zero|cannot convert NULL to non-Nullable type|indices are 1-based|"
        r"Indices in strings are 1-based|should be a string containing JSON|"
        r"Unexpected inf or nan to integer conversion|Division of minimal signed number|"
        r"Cannot convert string '[^']*' to type Date|A value of illegal type was provided as|"
        r"expected \d+ arguments?, got \d+"),
    "int128_extremes": (
        "greatest/least of Int8..Int32 with UInt64: ClickHouse's result type is Int128, which "
        "tally has not ('not supported yet'; docs/sql.md)",
        r"is Int128, which is not supported yet"),
    "agg_const_arith": (
        "deliberate (docs/sql.md, Differences): ClickHouse rewrites avg(x * c) to avg(x) * c, avg(c - x) to c - avg(x), sum(x * c) to "
        "sum(x) * c and so on (optimize_arithmetic_operations_in_aggregate_functions, on by "
        "default), which rounds differently: avg(id * 1000) over ids summing to 49242305 in 3254 "
        "rows is ...411186231 in ClickHouse, ...411186233 (the exact quotient) in tally; "
        "sum(JSONExtractFloat(props, 'price') * -1) over rows without a price is -0 in "
        "ClickHouse, 0 in tally; max(id + 53) over no rows is 53 in ClickHouse, 0 in tally "
        "(found here)", None),
    "empty_array": (
        "[] is Array(UInt8), where ClickHouse's is Array(Nothing): has, indexOf, [][i] and "
        "toTypeName take it as Array(Nothing), but if(c, tags, []) and tags = [] are rejected "
        "('no supertype'), and toTypeName([[]]), [NULL] and map() show UInt8 (docs/sql.md)",
        r"cannot look for .* in Array\(UInt8\)"),
    "lc_result_type": (
        "documented (docs/sql.md, Types): functions of a LowCardinality column return the plain type: toTypeName(mid(region, 2, 4)) "
        "is Nullable(String), ClickHouse LowCardinality(Nullable(String)); only toTypeName shows "
        "it (found here)", None),
    "avg_overflow": (
        "deliberate (docs/sql.md, Differences): avg of integers whose sum passes 64 bits: tally gives the true mean (avg(value * "
        "100000000) 165980715203461220); ClickHouse's sum wraps and its average with it "
        "(1381621149660920800); sum itself wraps alike in both (found here)", None),
    "group_by_injective": (
        "deliberate (docs/sql.md, Differences): GROUP BY toString(t, 'America/New_York'): ClickHouse groups by t itself (toString counts "
        "as injective, optimize_injective_functions_in_group_by), so the hour repeated when DST "
        "ends gives two groups printed alike ('2026-11-01 01:15:00' twice); tally groups by the "
        "text, one group (found here)", None),
}
