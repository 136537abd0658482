"""The expression generator of the ClickHouse differential test: random expressions of each
kind, conditions and aggregates over a list of columns (clickhouse_expr.py), as tally claims
them: the functions it registers and the operators of docs/sql.md.

Each choice that meets a known difference adds its feature tag (clickhouse_known_open.py);
the rules that keep queries deterministic are in clickhouse_querygen.py's docstring.
"""
import datetime
import re

import clickhouse_data as data
from clickhouse_expr import (ZONES, X, base_columns, fn, leaf, lit, neg_zero_key, op,
                             special_case, sql_str)

def const_arith(a):
    """ClickHouse takes a constant term or factor out of sum/avg/min/max: avg(x * 1000) is
    avg(x) * 1000 (optimize_arithmetic_operations_in_aggregate_functions), which rounds
    differently; sum(x * -1) of zeros is -0, max(x + 53) over no rows 53."""
    if len(a.kids) == 2 and any(k.const for k in a.kids) and re.match(r"^\(.* [-+*/] .*\)$", a.sql):
        return {"agg_const_arith"}
    return set()


def float_to_int_tags(x, target):
    """Tags of converting x to the integer type `target`: ClickHouse refuses NaN and
    infinities, and converts a float out of Int32's or Int64's range to the smallest value
    (toInt32(3e9) is -2147483648, toInt64(1e19) -9223372036854775808)."""
    if x.kind != "float":
        return set()
    tags = {"nan_to_int"} if x.nan or x.inf else set()
    if target == "Int32" and x.mag >= 31 or target in ("Int64", "UInt64") and x.mag >= 63:
        tags.add("float_to_int_range")
    return tags


class Gen:
    """Expressions of each kind over a list of columns (the table, or a subquery's
    aliases). `aggs`: aggregates may appear (a GROUP BY query's select list, HAVING)."""

    def __init__(self, rng, columns):
        self.r = rng
        self.columns = columns
        self.aggs = False

    def pick(self, weights):
        """weights: [(weight, fn)]; calls one."""
        total = sum(w for w, _ in weights)
        x = self.r.uniform(0, total)
        for w, f in weights:
            x -= w
            if x <= 0:
                return f()
        return weights[-1][1]()

    def column(self, kind):
        cols = [c for c in self.columns if c.kind == kind]
        return self.r.choice(cols).x() if cols else None

    def of(self, kind, d=0):
        return {"int": self.int_, "float": self.float_, "str": self.str_, "bool": self.cond,
                "date": self.date, "time": self.time, "time64": self.time64,
                "arr_str": self.arr_str, "arr_int": self.arr_int, "map_str": self.map_str,
                "map_int": self.map_int}[kind](d)

    # --- integers ---------------------------------------------------------------------

    def int_lit(self):
        r = self.r
        v = r.choice([0, 1, 2, 3, 5, 7, 10, 100, 200, 404, 1000, r.randrange(0, 2000),
                      -1, -7, -r.randrange(1, 1000), 255, 127, -128, 65535, 2147483647,
                      -2147483648, 4294967295, 9223372036854775807, 18446744073709551615])
        return lit("int", str(v), mag=abs(v).bit_length())

    def int_(self, d=0):
        r = self.r
        c = self.column("int")
        if c is None or d >= 3:
            return c if c is not None and r.random() < 0.7 else self.int_lit()
        a = lambda: self.int_(d + 1)
        w = [
            (8, lambda: c),
            (2, self.int_lit),
            (3, lambda: op("int", r.choice(["+", "-"]), a(), a())),
            (2, lambda: op("int", "*", a(), lit("int", str(r.choice([2, 3, 10, -1, 1000]))))),
            (2, lambda: op("int", "%", a(), lit("int", str(r.choice([2, 3, 7, 10, -3]))))),
            (1, lambda: op("int", r.choice(["%", "DIV", "MOD"]), a(), a(), tags={"unevaluated_error", "intdiv_signedness"})),
            (2, lambda: self.int_div(a(), lit("int", str(r.choice([2, 3, 7, -1, -2, 1000]))))),
            (1, lambda: fn("int", r.choice(["intDivOrZero", "moduloOrZero"]), a(), a(), tags={"intdiv_signedness"})),
            (1, lambda: fn("int", "intDiv", a(), a(), tags={"unevaluated_error", "intdiv_signedness"})),
            (1, lambda: fn("int", "abs", a())),
            (1, lambda: X("int", lambda x: f"-{x}", [a()])),
            (1, lambda: fn("int", r.choice(["greatest", "least"]), *self.same_sign(a(), a()))),
            (2, lambda: self.str_size(self.str_(d + 1))),
            (1, lambda: fn("int", "length", self.of(r.choice(["arr_str", "arr_int", "map_str"]), d + 1), card=10)),
            (2, lambda: self.time_part(d)),
            (1, lambda: self.to_int(self.pick([(3, a), (1, lambda: self.float_(d + 1))]))),
            (1, lambda: self.cast(self.pick([(3, a), (1, lambda: self.float_(d + 1))]),
                                  ["Int64", "Int32", "UInt8", "UInt16", "Int8", "UInt64"], "int")),
            (1, self.parse_int),
            (1, lambda: fn("int", r.choice(["position", "positionUTF8", "positionCaseInsensitive"]),
                           self.str_(d + 1), self.str_lit())),
            (1, lambda: fn("int", "positionCaseInsensitiveUTF8", self.str_(d + 1), self.str_lit(),
                           tags={"position_ci_utf8"})),
            (1, lambda: fn("int", "indexOf", self.arr_str(d + 1), self.str_lit(), card=5)),
            (1, lambda: fn("int", "indexOf", self.arr_int(d + 1), self.int_lit(), card=5)),
            (1, lambda: fn("int", "toUnixTimestamp", self.time(d + 1))),
            (1, lambda: self.json_int(d)),
            (1, lambda: self.if_(a, d)),
            (1, lambda: X("int", lambda x, y: f"{x}[{y}]", [self.arr_int(d + 1), self.int_index()], null=False)),
            (1, lambda: X("int", lambda x, y: f"{x}[{y}]", [self.map_int(d + 1), self.map_key(data.COUNTER_KEYS)])),
            (1, lambda: self.date_diff(d)),
            (1, lambda: fn("int", r.choice(["ifNull", "coalesce"]), *self.same_sign(a(), a()), null=False)),
            (1, lambda: fn("int", "assumeNotNull", a(), null=False)),
            (0.7, lambda: self.hash(d)),
        ]
        return self.pick(w)

    def int_div(self, a, b):
        # ClickHouse's intDiv(UInt8, Int8) is Int8 of the dividend cast to Int8 first:
        # intDiv(200, -2) is 28.
        neg = b.sql.startswith("-")
        return fn("int", "intDiv", a, b, tags={"intdiv_signedness"} if neg else set())

    def size_cond(self, x):
        tags = {"lc_nullable_size"} if x.lcnull else set()
        return fn("bool", self.r.choice(["empty", "notEmpty"]), x, tags=tags, lcnull=False)

    def str_size(self, x):
        tags = {"lc_nullable_size"} if x.lcnull else set()
        return fn("int", self.r.choice(["length", "empty", "notEmpty"]), x, card=100, tags=tags, lcnull=False)

    def to_int(self, x):
        """An integer conversion."""
        t = self.r.choice(["Int64", "Int32", "UInt8", "Int8", "UInt32", "UInt64"])
        return fn("int", "to" + t, x, tags=float_to_int_tags(x, t), mag=64)

    def same_sign(self, a, b):
        """Mostly both as Int64: see if_."""
        if self.r.random() < 0.8:
            return fn("int", "toInt64", a), fn("int", "toInt64", b)
        return a, b

    def parse_int(self):
        r = self.r
        f, v = r.choice(["toInt64", "toUInt16", "toUInt8", "toInt8"]), r.randrange(-5, 300)
        # ClickHouse refuses '-' in text for an unsigned type.
        tags = {"uint_parse_negative"} if v < 0 and f.startswith("toU") else set()
        return fn("int", f, lit("str", sql_str(str(v))), tags=tags)

    def rounding(self, x):
        r = self.r
        digits = r.choice([None, 0, 1, 2, -1, -2])
        # Decimal digits make non-dyadic values: their sums depend on the order of adding.
        return fn("float", r.choice(["round", "floor", "ceil", "trunc"]), x,
                  *([] if digits is None else [lit("int", str(digits))]),
                  exact=x.exact and (digits is None or digits <= 0))

    def extreme(self, a, b):
        # ClickHouse's greatest(a, b) is a > b ? a : b, least a < b ? a : b: a NaN wins or
        # loses by its place.
        tags = {"greatest_nan"} if a.nan or b.nan else set()
        return fn("float", self.r.choice(["greatest", "least"]), a, b, tags=tags)

    def type_name(self, x):
        # A function of a LowCardinality column is LowCardinality in ClickHouse.
        lc = not x.const and x.kids and any(n in x.sql for n in ("tenant", "metric", "region"))
        return fn("str", "toTypeName", x, card=5, tags={"typename"} | ({"lc_result_type"} if lc else set()))

    def hash(self, d):
        """The hash functions users shard and sample with, of one or several arguments."""
        r = self.r
        if r.random() < 0.2:
            return fn("int", r.choice(["intHash64", "intHash32"]), self.int_(d + 1), tags={"hash"}, card=10 ** 9, mag=64)
        name = r.choice(["cityHash64", "sipHash64", "xxHash64", "xxh3", "murmurHash3_64", "farmFingerprint64",
                         "murmurHash3_32", "xxHash32"])
        args = [self.of(r.choice(["str", "str", "int", "date", "arr_str"]), d + 1) for _ in range(r.randrange(1, 3))]
        return fn("int", name, *args, tags={"hash"}, card=10 ** 9, mag=64)

    def cast(self, x, types, kind):
        """CAST(x AS T), CAST(x, 'T') and x::T."""
        r = self.r
        t = r.choice(types)
        tags = float_to_int_tags(x, t)
        if x.null:
            tags.add("unevaluated_error")  # a NULL has no value of T: an error where evaluated
        form = r.randrange(3)
        if form == 0:
            return X(kind, lambda a: f"CAST({a} AS {t})", [x], tags=tags, mag=64)
        if form == 1:
            return X(kind, lambda a: f"CAST({a}, '{t}')", [x], tags=tags, mag=64)
        if x.const and not x.kids and (x.kind != kind or x.sql.startswith("-") and t.startswith("U")):
            # ClickHouse parses a literal's text as the type: 0.25::Int32 is an error.
            tags.add("literal_colon_cast")
        return X(kind, lambda a: f"{a}::{t}", [x], tags=tags, mag=64)

    def date_diff(self, d):
        r = self.r
        unit = lit("str", sql_str(r.choice(["second", "minute", "hour", "day", "week", "month", "year"])))
        a, b = self.time(d + 1), self.time(d + 1)
        # Two times of different zones: ClickHouse documents the result as unspecified, so
        # name the zone then.
        zone = [self.zone()] if "zoned" in a.tags | b.tags or r.random() < 0.2 else []
        return fn("int", "dateDiff", unit, a, b, *zone)

    def int_index(self):
        """An array index or string offset; 0 is an error in ClickHouse (1-based)."""
        v = self.r.choice([1, 2, 3, -1, -2, 0, 5])
        return lit("int", str(v), tags={"zero_index"} if v == 0 else set())

    def time_part(self, d):
        r = self.r
        f = r.choice(["toYear", "toMonth", "toDayOfMonth", "toDayOfWeek", "toDayOfYear", "toHour",
                      "toMinute", "toSecond", "toQuarter", "toYYYYMM", "toYYYYMMDD"])
        t = self.time(d + 1) if r.random() < 0.8 else self.time64(d + 1)
        if f == "toDayOfWeek":
            # toDayOfWeek(t[, mode[, zone]]); a zone in the mode's place is an error.
            k = r.randrange(10)
            if k < 4:
                return fn("int", f, t, lit("int", str(r.choice([0, 1, 2, 3]))), *([self.zone()] if k < 2 else []), card=7)
            if k == 4:
                return fn("int", f, t, self.zone(), card=7, tags={"dow_zone_arg"})
            return fn("int", f, t, card=7)
        if r.random() < 0.5:
            return fn("int", f, t, self.zone(), card=60)
        return fn("int", f, t, card=60)

    def zone(self):
        # "zoned" (not a bug tag) marks times that may carry a zone of their own.
        return lit("str", sql_str(self.r.choice(ZONES)), tags={"zoned"})

    def json_int(self, d):
        r = self.r
        p = self.json_doc(d)
        k = r.randrange(5)
        if k == 0:
            return fn("int", r.choice(["JSONExtractInt", "JSONExtractUInt"]), p, self.json_key(), card=200, mag=64)
        if k == 1:
            return fn("int", "JSONLength", p, *([self.json_key()] if r.random() < 0.7 else []), card=20)
        if k == 2:
            return fn("int", r.choice(["JSONHas", "isValidJSON"]), p, *([self.json_key()] if r.random() < 0.5 else []), card=2)
        if k == 3:
            return fn("int", "JSONExtractBool", p, lit("str", "'trial'"), card=2)
        return fn("int", "JSONExtractInt", p, lit("str", "'nested'"), lit("str", "'n'"), card=10)

    def json_doc(self, d):
        r = self.r
        if any(col.name == "props" for col in self.columns) and r.random() < 0.85:
            return leaf("str", "props", card=100000, const=False)
        if r.random() < 0.1 and any(col.name == "region" for col in self.columns):
            # LowCardinality(Nullable(String)): ClickHouse refuses it to JSON functions.
            return leaf("str", "region", card=5, null=True, const=False, tags={"json_lc_nullable"})
        cols = [c for c in self.columns if c.kind == "str" and c.name not in ("region",)]
        if cols and r.random() < 0.5:
            return r.choice(cols).x()
        return lit("str", sql_str(r.choice(['{"plan": "pro", "seats": 3}', '[1, "a", {"b": null}]', '{"nested": {"k": "é", "n": -1}}',
                                            '', '{"tags": ["x", "y"], "price": 1e3}'])))

    def json_key(self):
        return lit("str", sql_str(self.r.choice(["plan", "seats", "price", "trial", "tags", "nested", "esc", "big", "missing"])))

    def if_(self, gen, d):
        r = self.r
        a, b = gen(), gen()
        if a.kind == "int" and r.random() < 0.8:
            # Integers of mixed signedness may have no common type but ClickHouse's Variant
            # (tagged no_supertype below); mostly make both Int64.
            a, b = fn("int", "toInt64", a), fn("int", "toInt64", b)
        k = r.randrange(3)
        if k == 0:
            return X(a.kind, lambda c, x, y: f"if({c}, {x}, {y})", [self.cond(d + 1), a, b])
        if k == 1:
            return X(a.kind, lambda c, x, y: f"({c} ? {x} : {y})", [self.cond(d + 1), a, b])
        c2, e = self.cond(d + 1), gen()
        return X(a.kind, lambda c, x, cc, y, z: f"multiIf({c}, {x}, {cc}, {y}, {z})", [self.cond(d + 1), a, c2, b, e])

    # --- floats -----------------------------------------------------------------------

    def float_lit(self):
        v = self.r.choice(["0.5", "1.5", "0.25", "2.", "100.125", "-3.75", "1e3", "inf", "-inf", "nan", "0."])
        return lit("float", v, nan=(v == "nan"), inf=v.endswith("inf"), mag=10)

    def float_(self, d=0):
        r = self.r
        c = self.column("float")
        if c is None or d >= 3:
            return c if c is not None and r.random() < 0.7 else self.float_lit()
        a = lambda: self.float_(d + 1)
        w = [
            (8, lambda: c),
            (1, self.float_lit),
            (3, lambda: op("float", r.choice(["+", "-"]), a(), a())),
            (2, lambda: op("float", "*", a(), lit("float", r.choice(["0.5", "2", "-1", "0.25", "16"])))),
            (2, lambda: op("float", "/", self.pick([(1, a), (1, lambda: self.int_(d + 1))]),
                           self.pick([(2, a), (1, lambda: self.int_(d + 1))]), exact=False, nan=True, inf=True)),
            (1, lambda: op("float", "%", a(), lit("float", r.choice(["3", "2.5", "0"])), exact=False, nan=True,
                           tags={"float_modulo"})),
            (1, lambda: fn("float", "abs", a())),
            (2, lambda: self.rounding(a())),
            (1, lambda: fn("float", r.choice(["toFloat64", "toFloat32"]), self.int_(d + 1))),
            (0.5, lambda: self.cast(self.int_(d + 1), ["Float64", "Float32"], "float")),
            (1, lambda: fn("float", "toFloat64", lit("str", sql_str(r.choice(["1.5", "nan", "-inf", "1e308", "0.1"]))), exact=False,
                           nan=True, inf=True, mag=1024)),
            (1, lambda: fn("float", "JSONExtractFloat", self.json_doc(d), self.json_key(), card=500, mag=64)),
            (1, lambda: self.if_(a, d)),
            (1, lambda: self.extreme(a(), a())),
            (1, lambda: fn("float", r.choice(["ifNull", "coalesce"]), a(), self.float_lit(), null=False)),
            (0.5, lambda: fn("float", "nullIf", a(), self.float_lit(), null=True)),
            (0.5, lambda: X("float", lambda x: f"-{x}", [a()])),
        ]
        return self.pick(w)

    # --- strings ----------------------------------------------------------------------

    def str_lit(self):
        r = self.r
        pool = (data.TENANTS + data.PATHS + data.LABELS + data.METRICS + data.REGIONS
                + ["users", "v1", "é", "É", "s", "ß", "SS", "%", "_", "\\", "/", " "])
        s = r.choice(pool)
        return lit("str", sql_str(s), sz=special_case(s))

    def str_(self, d=0):
        r = self.r
        c = self.column("str")
        if c is None or d >= 3:
            return c if c is not None and r.random() < 0.7 else self.str_lit()
        a = lambda: self.str_(d + 1)
        w = [
            (8, lambda: c),
            (1, self.str_lit),
            (2, lambda: fn("str", r.choice(["lower", "upper", "lcase", "ucase"]), a())),
            (1, self.utf8_case),
            (2, lambda: fn("str", "concat", a(), lit("str", "'-'"), a())),
            (1, lambda: op("str", "||", a(), a())),
            (2, lambda: fn("str", r.choice(["substring", "substr", "mid"]), a(),
                           self.int_index(),
                           *([lit("int", str(r.choice([1, 2, 4, 0])))] if r.random() < 0.7 else []))),
            (1, lambda: fn("str", r.choice(["trim", "ltrim", "rtrim", "trimLeft", "trimRight", "trimBoth"]),
                           fn("str", "concat", lit("str", "'  '"), a(), lit("str", "' '")))),
            (1, lambda: fn("str", r.choice(["replaceAll", "replaceOne", "replace"]), a(),
                           lit("str", sql_str(r.choice(["/", "v1", "e", "ß", "%"]))), lit("str", sql_str(r.choice(["", "_", "ü"]))))),
            (1, lambda: fn("str", "toString", self.pick([(1, lambda: self.int_(d + 1)), (1, lambda: self.float_(d + 1)),
                                                        (1, lambda: self.date(d + 1)), (1, lambda: self.time(d + 1))]))),
            (1, lambda: fn("str", "toString", self.time(d + 1), self.zone())),
            (0.5, lambda: self.cast(self.of(r.choice(["int", "float", "date", "time"]), d + 1), ["String"], "str")),
            (2, lambda: self.format_time(d)),
            (2, lambda: self.json_str(d)),
            (1, lambda: self.if_(a, d)),
            (1, lambda: fn("str", r.choice(["ifNull", "coalesce"]), a(), self.str_lit(), null=False)),
            (1, lambda: self.null_if(a(), self.str_lit())),
            (1, lambda: X("str", lambda x, y: f"{x}[{y}]", [self.arr_str(d + 1), self.int_index()])),
            (1, lambda: X("str", lambda x, y: f"{x}[{y}]", [self.map_str(d + 1), self.map_key(data.ATTR_KEYS)])),
            (1, lambda: X("str", lambda x: f"CASE {x} WHEN 'acme' THEN 'A' WHEN 'globex' THEN 'G' ELSE 'other' END", [a()], card=3)),
            (0.5, lambda: self.type_name(self.of(r.choice(["int", "float", "str", "time", "arr_int"]), d + 1))),
        ]
        return self.pick(w)

    def null_if(self, x, y):
        return fn("str", "nullIf", x, y, null=True, tags={"lc_nullable_nullif"} if x.lcnull else set())

    def utf8_case(self):
        r = self.r
        c = self.str_(2)
        f = r.choice(["upperUTF8", "lowerUTF8"])
        # ß (upper: SS), İ and ǅ (lower: i̇, ǆ), ﬁ: mappings beyond one code point each.
        return fn("str", f, c, tags={"utf8_case"} if c.sz else set())

    def format_time(self, d):
        r = self.r
        spec = r.choice(["%Y-%m-%d", "%H:%M:%S", "%F %T", "%Y%m%d%H", "%j %u %w", "%a %b %e", "%I %p",
                         "%D %R", "%Q %y", "%s", "%h %k %l", "%M", "%i", "%%"])
        t = self.time(d + 1) if r.random() < 0.8 else self.time64(d + 1)
        args = [t, lit("str", sql_str(spec))] + ([self.zone()] if r.random() < 0.6 else [])
        return fn("str", r.choice(["formatDateTime", "DATE_FORMAT"]) if r.random() < 0.1 else "formatDateTime", *args, card=1000)

    def json_str(self, d):
        r = self.r
        p = self.json_doc(d)
        k = r.randrange(6)
        if k == 0:
            return fn("str", "JSONExtractString", p, self.json_key(), card=10)
        if k == 1:
            return fn("str", "JSONExtractString", p, lit("str", "'nested'"), lit("str", "'k'"), card=3)
        if k == 2:
            key = self.json_key()
            # "esc" holds \u00e9, which ClickHouse decodes when it writes the value back.
            return fn("str", "JSONExtractRaw", p, key, card=1000,
                      tags={"json_raw_escapes"} if key.sql == "'esc'" else set())
        if k == 3:
            return fn("str", r.choice(["JSON_VALUE", "JSON_QUERY"]), p,
                      lit("str", sql_str(r.choice(["$.plan", "$.seats", "$.nested.k", "$.tags[0]", "$.nested", "$.missing"]))), card=100)
        if k == 4:
            return fn("str", "toString", fn("int", "JSON_EXISTS", p, lit("str", sql_str(r.choice(["$.plan", "$.tags", "$.x"])))), card=2)
        return fn("str", "JSONExtractString", p, lit("str", "'tags'"), lit("int", str(r.choice([1, 2, -1]))), card=6)

    # --- booleans (conditions) --------------------------------------------------------

    def cond(self, d=0):
        r = self.r
        if d >= 3:
            return self.compare(d)
        w = [
            (6, lambda: self.compare(d)),
            (2, lambda: self.in_list(d)),
            (2, lambda: self.like(d)),
            (1, lambda: fn("bool", r.choice(["isNull", "isNotNull"]), self.of(r.choice(["int", "float", "str"]), d + 1), null=False)),
            (1, lambda: self.is_null(d)),
            (1, lambda: self.between(d)),
            (2, lambda: self.logic(lambda x, y: f"({x} AND {y})", self.cond(d + 1), self.cond(d + 1))),
            (2, lambda: self.logic(lambda x, y: f"({x} OR {y})", self.cond(d + 1), self.cond(d + 1))),
            (1, lambda: self.logic(lambda x: f"(NOT {x})", self.cond(d + 1))),
            (0.5, lambda: self.logic(lambda x, y: f"xor({x}, {y})", self.cond(d + 1), self.cond(d + 1))),
            (1, lambda: fn("bool", r.choice(["startsWith", "endsWith"]), self.str_(d + 1), self.str_lit())),
            (1, lambda: fn("bool", r.choice(["hasToken", "hasTokenCaseInsensitive"]), self.str_(d + 1),
                           lit("str", sql_str(r.choice(["users", "v1", "a", "Pro", "plain"]))))),
            (1, lambda: fn("bool", "has", self.arr_str(d + 1), self.str_lit())),
            (1, lambda: fn("bool", "has", self.arr_int(d + 1), self.int_lit())),
            (1, lambda: fn("bool", "mapContains", self.map_str(d + 1), self.map_key(data.ATTR_KEYS))),
            (1, lambda: self.size_cond(self.of(r.choice(["arr_str", "arr_int", "map_int", "str"]), d + 1))),
            (1, lambda: self.column("bool") or self.compare(d)),
            (0.5, lambda: op("bool", "REGEXP", self.str_(d + 1), lit("str", sql_str(r.choice(["^/v1", "users$", "[0-9]+", "é"]))), tags={"regexp"})),
            (1, lambda: self.in_subquery(d)),
        ]
        x = self.pick(w)
        x.card = 2
        return x

    def is_null(self, d):
        neg = self.r.choice(["", "NOT "])
        x = self.of(self.r.choice(["int", "str", "float"]), d + 1)
        return X("bool", lambda a: f"({a} IS {neg}NULL)", [x], null=False)

    def logic(self, render, *kids):
        """and/or/not/xor: in ClickHouse of type Bool when an argument is Bool."""
        b = any(k.booltype for k in kids)
        return X("bool", render, kids, booltype=b, tags={"bool_logic"} if b else set())

    def compare(self, d):
        r = self.r
        sym = r.choice(["=", "!=", "<", "<=", ">", ">=", "==", "<>"])
        k = r.randrange(9)
        if k <= 2:
            return op("bool", sym, self.int_(d + 1), self.int_lit() if r.random() < 0.7 else self.int_(d + 1))
        if k == 3:
            return op("bool", sym, self.float_(d + 1), self.float_lit() if r.random() < 0.6 else self.float_(d + 1))
        if k == 4:
            return op("bool", sym, self.str_(d + 1), self.str_lit() if r.random() < 0.7 else self.str_(d + 1))
        if k == 5:
            return op("bool", sym, self.time(d + 1), self.time_lit())
        if k == 6:
            if r.random() < 0.05:
                # A Date against a date-and-time text: ClickHouse cannot parse it as a Date.
                return op("bool", sym, self.date(d + 1), lit("str", sql_str(self.time_text()), tags={"date_parse_lenient"}))
            return op("bool", sym, self.date(d + 1), self.date_lit())
        if k == 7:
            return op("bool", sym, self.time64(d + 1), lit("time64", sql_str(self.time_text() + ".5")))
        return op("bool", sym, self.int_(d + 1), self.float_(d + 1))

    def time_text(self):
        r = self.r
        return (data.START + datetime.timedelta(seconds=r.randrange(0, data.SPAN_S))).strftime(
            "%Y-%m-%d %H:00:00" if r.random() < 0.5 else "%Y-%m-%d %H:%M:%S")

    def time_lit(self):
        r = self.r
        t = sql_str(self.time_text())
        k = r.randrange(5)
        if k == 0:
            return lit("time", t)
        if k == 1:
            return lit("time", f"toDateTime({t})")
        if k == 2:
            return lit("time", f"TIMESTAMP {t}")
        if k == 3:
            return lit("time", f"CAST({t} AS DateTime)")
        return lit("time", f"toDateTime({t}, {sql_str(r.choice(ZONES))})")

    def date_lit(self):
        r = self.r
        s = sql_str(self.time_text()[:10])
        return lit("date", r.choice([s, f"toDate({s})", f"DATE {s}", f"{s}::Date"]))

    def between(self, d):
        r = self.r
        neg = r.choice(["", "NOT "])
        if r.random() < 0.6:
            lo = r.randrange(-500, 800)
            hi = lo + r.randrange(0, 500)
            return X("bool", lambda x: f"({x} {neg}BETWEEN {lo} AND {hi})", [self.int_(d + 1)])
        a, b = sorted([self.time_text(), self.time_text()])
        return X("bool", lambda x: f"({x} {neg}BETWEEN {sql_str(a)} AND {sql_str(b)})", [self.time(d + 1)])

    def like(self, d):
        r = self.r
        pat = r.choice(["%users%", "/v1/%", "%\\_%", "%100\\%", "%ü%", "É%", "_a%", "%\\\\%", "%s", "%ß%",
                        "a\\_b", "%\\d%", "back\\slash", "%\\s%", "%/_/%", "", "%", "_", "%É%", "tenant_1", "%e%"])
        # A backslash before a character other than %, _ and \ (ClickHouse keeps it).
        bad = any(pat[i] == "\\" and (i + 1 == len(pat) or pat[i + 1] not in "%_\\")
                  for i in range(len(pat)) if i == 0 or pat[i - 1] != "\\")
        sym = r.choice(["LIKE", "NOT LIKE", "ILIKE", "NOT ILIKE"])
        tags = {"like_backslash"} if bad else set()
        x = self.str_(d + 1)
        if "_" in pat.replace("\\_", "") and re.search(r"\b(substr|substring|mid)\(", x.sql):
            tags.add("like_invalid_utf8")  # a substring may end inside a UTF-8 character
        if r.random() < 0.15:
            f = {"LIKE": "like", "NOT LIKE": "notLike", "ILIKE": "ilike", "NOT ILIKE": "notILike"}[sym]
            return fn("bool", f, x, lit("str", sql_str(pat)), tags=tags)
        return op("bool", sym, x, lit("str", sql_str(pat)), tags=tags)

    def in_list(self, d):
        """x [NOT] IN (...): literal lists of x's type, and lists whose literals ClickHouse
        converts to x's type (tagged in_convert), and a single parenthesized constant
        expression (tagged in_single_const)."""
        r = self.r
        neg = r.choice(["", "NOT "])
        k = r.randrange(6)
        tags = set()
        if k == 0:
            x = self.str_(d + 1)
            vals = [self.str_lit().sql for _ in range(r.randrange(1, 4))]
        elif k == 1:
            x = self.int_(d + 1)
            vals = [str(r.choice(data.STATUSES + [0, 1, 5, -1, 1000])) for _ in range(r.randrange(1, 4))]
            if r.random() < 0.3:
                vals.append(sql_str(str(r.choice(data.STATUSES))))
                tags.add("in_convert")
            if r.random() < 0.15:
                vals.append(r.choice(["200.", "1.5", "404.0"]))
                tags.add("in_convert")
        elif k == 2:
            x = self.float_(d + 1)
            vals = [r.choice(["1.5", "0.", "nan", "inf", "2.25", "100.125"]) for _ in range(r.randrange(1, 3))]
            if r.random() < 0.4:
                vals.append(str(r.randrange(0, 10)))
                tags.add("in_convert")
        elif k == 3:
            x = self.date(d + 1)
            vals = [sql_str(self.time_text()[:10]) for _ in range(r.randrange(1, 3))]
            tags.add("in_convert")
            if r.random() < 0.5:
                vals = [f"toDate({v})" for v in vals]
                tags.discard("in_convert")
                if len(vals) == 1:
                    tags.add("in_single_const")
        elif k == 4:
            x = self.time(d + 1)
            vals = [sql_str(self.time_text()) for _ in range(r.randrange(1, 3))]
            tags.add("in_convert")
        else:
            x = self.int_(d + 1)
            e = r.choice(["(100 + 100)", "toUInt16(200)", "(404 - 0)", "toInt32(-1)"])
            return X("bool", lambda a: f"({a} {neg}IN ({e}))", [x], tags={"in_single_const"})
        if r.random() < 0.1 and k in (0, 1):
            vals.append("NULL")
        if r.random() < 0.1:
            return X("bool", lambda a: f"({a} {neg}IN [{', '.join(vals)}])", [x], tags=tags)
        return X("bool", lambda a: f"({a} {neg}IN ({', '.join(vals)}))", [x], tags=tags)

    def in_subquery(self, d):
        """x [NOT] IN (SELECT col FROM events WHERE ...): the same type, or another one
        ClickHouse converts (in_convert)."""
        r = self.r
        neg = r.choice(["", "NOT "])
        sub = Gen(r, base_columns())
        col = r.choice(["status", "tenant", "small", "region", "qty", "user_id", "path"])
        kind = "str" if col in ("tenant", "region", "path") else "int"
        inner_col, tags = col, set()
        if kind == "int" and r.random() < 0.3:
            inner_col, tags = f"toString({col})", {"in_convert"}
        w = sub.compare(2)
        lhs = self.of(kind, d + 1)
        return X("bool", lambda a, c: f"({a} {neg}IN (SELECT {inner_col} FROM events WHERE {c}))", [lhs, w],
                 tags=tags | {"subquery"})

    # --- times ------------------------------------------------------------------------

    def time(self, d=0):
        r = self.r
        c = self.column("time")
        if c is None:
            return fn("time", "toDateTime", self.time_lit_text())
        if d >= 3:
            return c
        z = self.zone
        w = [
            (6, lambda: c),
            (2, lambda: fn("time", r.choice(["toStartOfHour", "toStartOfDay", "toStartOfMinute", "toStartOfFiveMinutes",
                                             "toStartOfFifteenMinutes", "toStartOfTenMinutes"]), c,
                           *([z()] if r.random() < 0.6 else []), card=20000)),
            (2, lambda: fn("time", "toStartOfInterval", c, self.interval(short=True), *([z()] if r.random() < 0.6 else []), card=20000)),
            (1, lambda: fn("time", "dateTrunc", lit("str", sql_str(r.choice(["hour", "day", "minute", "second"]))), c,
                           *([z()] if r.random() < 0.4 else []), card=2000)),
            (1, lambda: fn("time", "toTimeZone", c, z())),
            (1, lambda: fn("time", r.choice(["addHours", "subtractDays", "addMinutes", "addMonths", "addWeeks", "subtractSeconds"]),
                           c, lit("int", str(r.choice([1, 2, -3, 30]))))),
            (1, lambda: op("time", r.choice(["+", "-"]), c, self.interval())),
            (0.5, lambda: fn("time", "toDateTime", self.time64(d + 1))),
            (0.5, lambda: fn("time", "toDateTime", self.date(d + 1), *([z()] if r.random() < 0.5 else []), card=100)),
        ]
        return self.pick(w)

    def time_lit_text(self):
        return lit("str", sql_str(self.time_text()))

    def interval(self, short=False, long=False):
        """An interval; `short`: under a week (toStartOfInterval gives a DateTime), `long`:
        a week or more (it gives a Date)."""
        r = self.r
        shorts = [(1, "HOUR"), (15, "MINUTE"), (1, "DAY"), (2, "DAY"), (6, "HOUR"), (90, "SECOND"), (3, "HOUR")]
        longs = [(1, "WEEK"), (1, "MONTH"), (1, "QUARTER"), (2, "WEEK"), (1, "YEAR")]
        n, unit = r.choice(shorts if short else longs if long else shorts + longs)
        k = r.randrange(10)
        if k < 2:
            return lit("int", f"toInterval{unit.capitalize()}({n})")
        if k < 3:
            return lit("int", f"INTERVAL '{n} {unit.lower()}'")
        return lit("int", f"INTERVAL {n} {unit}")

    def date(self, d=0):
        r = self.r
        c = self.column("date")
        t = self.column("time")
        if t is None:
            return c if c is not None else self.date_lit()
        w = [(4, lambda: fn("date", "toDate", t, *([self.zone()] if r.random() < 0.6 else []), card=60)),
             (1, lambda: fn("date", r.choice(["toStartOfMonth", "toMonday", "toStartOfWeek", "toLastDayOfMonth",
                                              "toStartOfQuarter", "toStartOfYear"]), t, card=10)),
             (1, lambda: fn("date", "toStartOfInterval", t, self.interval(long=True), *([self.zone()] if r.random() < 0.5 else []), card=10)),
             (0.5, lambda: fn("date", "dateTrunc", lit("str", sql_str(r.choice(["week", "month", "quarter", "year"]))), t,
                              *([self.zone()] if r.random() < 0.4 else []), card=10)),
             (1, lambda: fn("date", "toDate", self.time64(d + 1), card=60))]
        if c is not None:
            w.append((6, lambda: c))
        return self.pick(w)

    def time64(self, d=0):
        r = self.r
        c = self.column("time64")
        if c is None:
            return fn("time64", "toDateTime64", self.time_lit_text(), lit("int", "3"))
        if d >= 3:
            return c
        w = [(6, lambda: c),
             (1, lambda: fn("time64", "toStartOfSecond", c, card=100000)),
             (1, lambda: fn("time64", "toDateTime64", self.time(d + 1), lit("int", str(r.choice([0, 3, 6]))))),
             (1, lambda: fn("time64", r.choice(["addMilliseconds", "subtractMicroseconds", "addSeconds"]), c,
                            lit("int", str(r.choice([1, 500, -1500]))))),
             (1, lambda: fn("time64", "toStartOfInterval", c, self.interval(short=True), *([self.zone()] if r.random() < 0.5 else []),
                            card=20000))]
        return self.pick(w)

    # --- arrays and maps --------------------------------------------------------------

    def arr_str(self, d=0):
        r = self.r
        c = self.column("arr_str")
        w = [(2, lambda: self.split("splitByChar", lit("str", r.choice(["'/'", "'_'", "'e'"])), self.str_(d + 1))),
             (1, lambda: self.split("splitByString", lit("str", r.choice(["'v1'", "'/u'", "'ß'"])), self.str_(d + 1))),
             (1, lambda: self.arr_lit("arr_str", ["['a', 'b']", "[]", "['prod', 'ü']", "['']"])),
             (1, lambda: fn("arr_str", "array", self.str_(d + 1), self.str_lit())),
             (0.5, lambda: fn("arr_str", "mapKeys", self.map_str(d + 1))),
             (0.5, lambda: fn("arr_str", "mapValues", self.map_str(d + 1))),
             (0.5, lambda: self.json_array(fn, "JSONExtractKeys", self.json_doc(d))),
             (0.5, lambda: self.json_array(fn, "JSONExtractArrayRaw", self.json_doc(d), lit("str", "'tags'")))]
        if c is not None:
            w.append((6, lambda: c))
        return self.pick(w)

    def split(self, name, sep, x):
        # An Array cannot be Nullable: ClickHouse splits '' for a NULL.
        return fn("arr_str", name, sep, x, null=False, tags={"null_to_array"} if x.null else set())

    def arr_lit(self, kind, pool):
        v = self.r.choice(pool)
        # [] is Array(Nothing) in ClickHouse.
        return lit(kind, v, tags={"empty_array"} if v == "[]" else set())

    def json_array(self, fn, name, doc, *args):
        # Array(String) of a Nullable document: ClickHouse cannot make Nullable(Array).
        return fn("arr_str", name, doc, *args, null=False, tags={"json_nullable_array"} if doc.null else set())

    def arr_int(self, d=0):
        c = self.column("arr_int")
        w = [(1, lambda: self.arr_lit("arr_int", ["[1, 2, 3]", "[]", "[-1, 0]", "[255, 256]"])),
             (1, lambda: fn("arr_int", "array", self.int_(d + 1), self.int_lit())),
             (0.5, lambda: fn("arr_int", "mapValues", self.map_int(d + 1)))]
        if c is not None:
            w.append((6, lambda: c))
        return self.pick(w)

    def map_key(self, keys):
        return lit("str", sql_str(self.r.choice(keys + ["nope", ""])))

    def map_str(self, d=0):
        c = self.column("map_str")
        if c is not None and self.r.random() < 0.9:
            return c
        return fn("map_str", "map", lit("str", "'plan'"), self.str_(d + 1), lit("str", "'os'"), self.str_lit())

    def map_int(self, d=0):
        c = self.column("map_int")
        if c is not None and self.r.random() < 0.9:
            return c
        return fn("map_int", "map", lit("str", "'reads'"), self.int_(d + 1))

    # --- aggregates -------------------------------------------------------------------

    def aggregate(self):
        r = self.r
        g = Gen(r, self.columns)
        cond = lambda: g.cond(1)
        k = r.randrange(20)
        combinator = r.random() < 0.2
        if k == 0:
            x = fn("int", "count", card=1000, agg=True)
            if combinator:
                x = fn("int", "countIf", cond(), card=1000, agg=True)
            return x
        if k == 1:
            a = g.of(r.choice(["int", "str", "float"]), 1)
            return fn("int", "count", a, card=1000, agg=True, null=False)
        if k in (2, 3):
            a = g.of(r.choice(["int", "float"]), 1)
            if not a.exact:
                a = g.int_(1)
            name = r.choice(["sum", "avg"])
            kind = "float" if name == "avg" or a.kind == "float" else "int"
            tags = set()
            if name == "avg" and a.kind == "int" and a.mag + 19 >= 63:
                tags.add("avg_overflow")  # ClickHouse's sum wraps, and its average with it
            if combinator:
                return fn(kind, name + "If", a, cond(), agg=True, card=1000, nan=True, tags=tags)
            return fn(kind, name, a, agg=True, card=1000, nan=name == "avg" or a.nan, tags=tags | const_arith(a))
        if k in (4, 5):
            kind = r.choice(["int", "float", "str", "time", "date", "time64"])
            a = g.signed_zero_free(kind)
            name = r.choice(["min", "max"])
            if combinator:
                return fn(kind, name + "If", a, cond(), agg=True, card=1000)
            return fn(kind, name, a, agg=True, card=1000, tags=const_arith(a))
        if k == 6:
            kind = r.choice(["int", "float", "str", "time"])
            name = r.choice(["argMin", "argMax", "min_by", "max_by"])
            if combinator:
                return fn(kind, name + "If", g.of(kind, 1), leaf("int", "id", const=False), cond(), agg=True, card=1000)
            return fn(kind, name, g.of(kind, 1), leaf("int", "id", const=False), agg=True, card=1000)
        if k in (7, 8):
            a = self.low_card_arg(g)
            name = r.choice(["uniq", "uniqExact", "uniqCombined", "uniqCombined64"])
            args = [a] + ([self.low_card_arg(g)] if r.random() < 0.2 and name == "uniqExact" else [])
            # ClickHouse's uniqCombined of a Nullable argument is NULL over no non-NULL rows.
            tags = {"uniqcombined_null"} if name.startswith("uniqCombined") and a.null else set()
            if combinator:
                return fn("int", name + "If", *args, cond(), agg=True, card=1000, tags=tags)
            return fn("int", name, *args, agg=True, card=1000, tags=tags)
        if k == 9:
            a = neg_zero_key(g.of(r.choice(["int", "str", "float", "time"]), 1))
            name = r.choice(["uniqExact", "count"])
            return X("int", lambda x: f"{name}(DISTINCT {x})", [a], agg=True, card=1000)
        if k == 10:
            name = r.choice(["sum", "avg", "min", "max", "uniq"])
            a = g.int_(1) if name != "uniq" else self.low_card_arg(g)
            tags = {"distinct_agg"}
            if name == "avg" and a.mag + 19 >= 63:
                tags.add("avg_overflow")  # as avg(x) above: ClickHouse's sum wraps
            return X("float" if name == "avg" else "int", lambda x: f"{name}(DISTINCT {x})", [a], agg=True, card=1000,
                     tags=tags)
        if k in (11, 12):
            return self.quantile(g, combinator, cond)
        if k == 13:
            a = g.of(r.choice(["int", "str"]), 1)
            if r.random() < 0.5:
                return fn("int", "length", fn("arr_int", "groupArray", a, agg=True), card=1000)
            return fn("bool", "has", fn("arr_str", "groupArray", g.str_(1), agg=True), g.str_lit(), card=2)
        if k == 14:
            return fn("int", "countIf", cond(), agg=True, card=1000)
        if k == 15:
            a = g.int_(1)
            return op("int", r.choice(["+", "-", "*"]), fn("int", "sum", a, agg=True), fn("int", "count", agg=True), card=1000)
        if k == 16:
            return X("float", lambda x, y: f"({x} / {y})", [fn("int", "countIf", cond(), agg=True), fn("int", "count", agg=True)],
                     card=1000, exact=False)
        if k == 17:
            name = r.choice(["sum", "max", "min"])
            a = g.int_(1)
            return fn("int", name, a, agg=True, card=1000, tags=const_arith(a))
        if k == 18:
            a = g.of(r.choice(["int", "float"]), 1)
            if not a.exact:
                a = g.int_(1)
            return fn("float" if a.kind == "float" else "int", "sumIf", a, cond(), agg=True, card=1000)
        return fn("int", r.choice(["uniqExact", "count"]), g.of(r.choice(["str", "int", "date"]), 1), agg=True, card=1000)

    def signed_zero_free(self, kind):
        """An expression of kind that is never -0 (see X.negzero)."""
        for _ in range(10):
            a = self.of(kind, 1)
            if not a.negzero:
                return a
        return leaf("float", self.r.choice(["cost", "ratio"]), const=False) if any(
            c.name == "cost" for c in self.columns) else self.float_lit()

    def low_card_arg(self, g):
        """An argument with at most 512 distinct values."""
        cols = [c for c in self.columns if c.card <= 512 and c.kind in ("int", "str", "bool")]
        if not cols:
            return g.cond(2)
        c = self.r.choice(cols).x()
        if self.r.random() < 0.3 and c.kind == "str":
            return fn("str", self.r.choice(["lower", "upper"]), c)
        if self.r.random() < 0.3 and c.kind == "int":
            return op("int", "%", c, lit("int", "7"))
        return c

    def quantile(self, g, combinator, cond):
        r = self.r
        kind = r.choice(["int", "float", "float"])
        a = g.signed_zero_free(kind)
        name = r.choice(["quantile", "median", "quantiles", "quantileExact", "medianExact", "quantilesExact"])
        levels = ", ".join(r.choice(["0.5", "0.1", "0.9", "0.99", "0", "1", "0.25"]) for _ in range(r.randrange(1, 4)))
        if not name.startswith("quantiles"):
            levels = levels.split(",")[0]
        params = "" if name.startswith("median") else f"({levels})"
        out = "arr_int" if name.startswith("quantiles") else ("float" if "Exact" not in name else kind)
        suffix = "If" if combinator else ""
        kids = [a] + ([cond()] if combinator else [])
        tags = {"quantile_rows"} if "Exact" not in name else set()
        if "Exact" not in name and a.inf:
            tags.add("quantile_inf")
        if name == "quantilesExact" and a.kind == "float":
            tags.add("quantiles_exact_empty")
        x = X(out, lambda *s: f"{name}{suffix}{params}({', '.join(s)})", kids, agg=True, card=1000, tags=tags)
        return x
