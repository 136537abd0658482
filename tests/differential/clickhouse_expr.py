"""Expressions of the ClickHouse differential test's generator (clickhouse_querygen.py).

An expression is a tree (X): a render function over its arguments' SQL, its kind (int,
float, str, bool, date, time, time64, arr_str, arr_int, map_str, map_int) and what the
generator knows of its values: NULLs, NaN and infinities, -0, constness, how many distinct
values, whether float sums of it are exact. Those facts steer the generator away from
nondeterministic queries and decide the feature tags (X.tags) that name the constructs a
query uses (clickhouse_known_open.py).
"""
import unicodedata

import clickhouse_data as data

# Time zones, chosen for their DST changes and odd offsets.
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu",
         "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham", "Europe/London"]


def sql_str(s):
    """A SQL string literal whose value is exactly s."""
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\t", "\\t") + "'"


class X:
    """An expression: a render function over its kids' SQL, and what the generator knows
    about its value. kind: int, float, str, bool, date, time, time64, arr_str, arr_int,
    map_str, map_int."""

    __slots__ = ("kind", "render", "kids", "null", "nan", "agg", "const", "exact", "card",
                 "own_tags", "sz", "booltype", "inf", "lcnull", "negzero", "mag")

    def __init__(self, kind, render, kids=(), null=None, nan=None, agg=False, const=None,
                 exact=None, card=None, tags=(), sz=None, booltype=False, inf=None, lcnull=None,
                 negzero=None, mag=None):
        self.kind, self.render, self.kids = kind, render, list(kids)
        ks = self.kids
        self.null = any(k.null for k in ks) if null is None else null
        self.nan = any(k.nan for k in ks) if nan is None else nan
        self.inf = any(k.inf for k in ks) if inf is None else inf
        # LowCardinality(Nullable(String)), which ClickHouse keeps through a function of one
        # such argument (and constants).
        if lcnull is None:
            var = [k for k in ks if not k.const]
            lcnull = len(var) == 1 and var[0].lcnull
        self.lcnull = lcnull
        # A float that may be -0 (as well as 0): min/max/quantiles of it may print either,
        # depending on the order rows come in. Any float arithmetic may make -0.
        if negzero is None:
            negzero = kind == "float" and bool(ks)
        self.negzero = negzero
        # A number's magnitude: |x| < 2^mag (NaN and infinities aside). A sum of 300k
        # integers overflows 64 bits from mag 45 on.
        self.mag = max([k.mag for k in ks] + [0]) if mag is None else mag
        self.agg = agg or any(k.agg for k in ks)
        self.const = (bool(ks) and all(k.const for k in ks)) if const is None else const
        self.exact = all(k.exact for k in ks) if exact is None else exact
        if card is None:
            card = 1
            for k in ks:
                card = min(card * k.card, 10 ** 9)
        self.card = card
        # Strings that may hold characters whose case mapping is special (ß, İ, ǅ, ﬁ).
        self.sz = any(k.sz for k in ks) if sz is None else sz
        # Of type Bool (not UInt8): the column `ok`, and logic over it in ClickHouse.
        self.booltype = booltype
        self.own_tags = frozenset(tags)

    @property
    def sql(self):
        return self.render(*[k.sql for k in self.kids])

    @property
    def tags(self):
        t = set(self.own_tags)
        for k in self.kids:
            t |= k.tags
        return t

    def copy_with(self, kids):
        c = X.__new__(X)
        for s in X.__slots__:
            setattr(c, s, getattr(self, s))
        c.kids = list(kids)
        return c


def special_case(s):
    """Whether s has characters whose case mapping is not one code point to one of the
    other case (ß -> SS, ῆ -> Η͂, İ -> i̇) or that are title case (ǅ)."""
    return any(ord(c) > 127 and (len(c.upper()) != 1 or len(c.lower()) != 1 or unicodedata.category(c) == "Lt")
               for c in s)


def leaf(kind, text, **kw):
    return X(kind, lambda: text, **kw)


def lit(kind, text, **kw):
    kw.setdefault("const", True)
    kw.setdefault("card", 1)
    return X(kind, lambda: text, **kw)


def fn(kind, name, *kids, **kw):
    """name(kid, kid, ...)."""
    return X(kind, lambda *a: f"{name}({', '.join(a)})", kids, **kw)


def op(kind, sym, a, b, **kw):
    if "mag" not in kw:
        # A divisor is 0 (infinity: X.inf), or at least 1/16 (the data's floats are k / 16).
        kw["mag"] = a.mag + b.mag if sym == "*" else a.mag + 5 if sym == "/" else max(a.mag, b.mag) + 1
    return X(kind, lambda x, y: f"({x} {sym} {y})", [a, b], **kw)


# Facts about the table's columns the generator needs: distinct values (roughly), NULLs,
# NaNs, characters with special case mappings.
COLUMN_FACTS = {
    "id": dict(card=300000, mag=19), "time": dict(card=300000), "time64": dict(card=300000),
    "tenant": dict(card=20, sz=True), "metric": dict(card=5), "region": dict(card=5, null=True, lcnull=True),
    "path": dict(card=5000, sz=True), "label": dict(card=16, null=True, sz=True),
    "status": dict(card=13, mag=9), "value": dict(card=1003, mag=41), "delta": dict(card=2004, mag=32),
    "small": dict(card=256, mag=8), "user_id": dict(card=20000, mag=15), "qty": dict(card=102, null=True, mag=7),
    "ms": dict(card=80000, nan=True, negzero=True, mag=13), "cost": dict(card=44000, null=True, mag=14),
    "ratio": dict(card=1601, mag=7),
    "ok": dict(card=2), "tags": dict(card=200, sz=True), "sizes": dict(card=10000),
    "attrs": dict(card=1000), "counters": dict(card=10000), "props": dict(card=100000, sz=True),
}


class Column:
    def __init__(self, name, kind, card=1000, null=False, nan=False, sz=False, lcnull=False,
                 negzero=False, mag=10, exact=True, inf=None):
        self.name, self.kind, self.card, self.null, self.nan, self.sz = name, kind, card, null, nan, sz
        self.lcnull, self.negzero, self.mag, self.exact = lcnull, negzero, mag, exact
        self.inf = nan if inf is None else inf  # the table's NaN column has infinities too

    def x(self):
        return leaf(self.kind, self.name, card=self.card, null=self.null, nan=self.nan, inf=self.inf,
                    const=False, sz=self.sz, booltype=self.name == "ok", lcnull=self.lcnull,
                    negzero=self.negzero, mag=self.mag, exact=self.exact)


def base_columns():
    kinds = {"int": "int", "float": "float", "str": "str", "time": "time", "time64": "time64",
             "bool": "bool", "array_str": "arr_str", "array_int": "arr_int", "map_str": "map_str",
             "map_int": "map_int", "json": "str"}
    return [Column(n, kinds[k], **COLUMN_FACTS[n]) for n, _, k in data.COLUMNS]


def neg_zero_key(x):
    """x as a GROUP BY / DISTINCT key or a uniq argument: -0 and 0 must be one value."""
    if x.negzero:
        x.own_tags = x.own_tags | {"neg_zero_key"}
    return x
