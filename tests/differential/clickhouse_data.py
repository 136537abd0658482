"""The metering-events table of the ClickHouse differential test (clickhouse_difftest.py).

A deterministic function of (seed, rows): the same TSV file is inserted into tally and into
ClickHouse (chDB), so both engines hold byte-identical data. The columns cover what the
generator queries: LowCardinality and Nullable strings (UTF-8 included, and the characters
LIKE treats specially), integers of several widths with their extreme values, Float64 and
Float32 with NaN, +-inf and -0, Date-crossing DateTime and DateTime64 values around the 2026
DST changes, arrays, maps and JSON text.

Floats are dyadic rationals (k / 16) small enough that every sum of them is exact: a float
sum then does not depend on the order in which threads add it up, so both engines must
print the very same digits.
"""
import datetime
import random

TABLE = "events"

# (name, type, how the generator sees it). Kinds: int, float, str, time, time64, bool,
# array_str, array_int, map_str, map_int, json.
COLUMNS = [
    ("id", "UInt64", "int"),
    ("time", "DateTime", "time"),
    ("time64", "DateTime64(3)", "time64"),
    ("tenant", "LowCardinality(String)", "str"),
    ("metric", "LowCardinality(String)", "str"),
    ("region", "LowCardinality(Nullable(String))", "str"),
    ("path", "String", "str"),
    ("label", "Nullable(String)", "str"),
    ("status", "UInt16", "int"),
    ("value", "UInt64", "int"),
    ("delta", "Int32", "int"),
    ("small", "Int8", "int"),
    ("user_id", "UInt32", "int"),
    ("qty", "Nullable(Int64)", "int"),
    ("ms", "Float64", "float"),
    ("cost", "Nullable(Float64)", "float"),
    ("ratio", "Float32", "float"),
    ("ok", "Bool", "bool"),
    ("tags", "Array(String)", "array_str"),
    ("sizes", "Array(UInt32)", "array_int"),
    ("attrs", "Map(String, String)", "map_str"),
    ("counters", "Map(String, UInt64)", "map_int"),
    ("props", "String", "json"),
]

DDL = ("CREATE TABLE " + TABLE + " (\n  "
       + ",\n  ".join(f"{n} {t}" for n, t, _ in COLUMNS)
       + "\n) ENGINE = MergeTree PARTITION BY toYYYYMM(time) ORDER BY (tenant, metric, time)")

# Value pools, also used by the generator for literals that match something.
TENANTS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka",
           "tyrell", "cyberdyne", "soylent", "massive", "café", "straße", "ÉCOLE", "tenant_1",
           "tenant%2", "a_b", "back\\slash", "MiXeD"]
METRICS = ["api_calls", "tokens", "storage_bytes", "seats", "egress_gb"]
REGIONS = ["eu-west", "us-east", "ap-south", "sa-east"]
PATHS = ["/v1/users", "/v1/orders", "/v2/users", "/health", "/admin", "/v1/100%", "/a_b/c",
         "/back\\slash", "/ünï/cödé", "/ÉCOLE/straße", "", "/v1/USERS", "/v1/users/",
         "/search?q=a%20b", "/Ἀθῆναι"]
LABELS = ["straße", "STRASSE", "ÉCOLE", "école", "Ἀθῆναι", "İstanbul", "ǅemal", "日本語",
          "emoji 🎉", "MiXeD Case", "", "plain", "a\tb", "x'y", "ﬁ ligature", "ß"]
STATUSES = [200, 200, 200, 200, 201, 204, 301, 400, 401, 404, 429, 500, 502, 503]
TAGS = ["prod", "beta", "free", "paid", "eu", "ü", ""]
ATTR_KEYS = ["plan", "sdk", "os", "env"]
ATTR_VALUES = {"plan": ["free", "pro", "enterprise"], "sdk": ["go", "py", "js", "rust"],
               "os": ["linux", "macos", "windows"], "env": ["prod", "staging", ""]}
COUNTER_KEYS = ["reads", "writes", "errors"]
PLANS = ["free", "pro", "enterprise", "Pro", "café"]

START = datetime.datetime(2026, 9, 20)  # 2026-10-25 (Europe) and 2026-11-01 (US) change DST
SPAN_S = 50 * 86400
EPOCH = datetime.datetime(1970, 1, 1)


def _quoted(s):
    """A string in ClickHouse's quoted form (array and map elements)."""
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _tsv(s):
    return (s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _float_text(x):
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def _ri(r, lo, hi):
    """r.randrange(lo, hi), three times faster (the table has many rows)."""
    return lo + int(r.random() * (hi - lo))


def _pick(r, seq):
    return seq[int(r.random() * len(seq))]


def _sample(r, seq, k):
    lst = list(seq)
    for i in range(k):
        j = i + int(r.random() * (len(lst) - i))
        lst[i], lst[j] = lst[j], lst[i]
    return lst[:k]


def _props(r):
    """JSON text: mostly objects with optional keys, some odd and some invalid."""
    k = r.random()
    if k < 0.03:
        return ""
    if k < 0.05:
        return "{not json"
    if k < 0.07:
        return "[1, 2, 3]"
    parts = []
    if r.random() < 0.9:
        parts.append(f'"plan": "{_pick(r, PLANS)}"')
    if r.random() < 0.8:
        parts.append(f'"seats": {_ri(r, 0, 200)}')
    if r.random() < 0.6:
        parts.append(f'"price": {_ri(r, -400, 4000) / 8}')
    if r.random() < 0.5:
        parts.append(f'"trial": {_pick(r, ["true", "false"])}')
    if r.random() < 0.4:
        parts.append('"tags": [' + ", ".join(f'"{t}"' for t in _sample(r, TAGS[:5], _ri(r, 0, 4))) + "]")
    if r.random() < 0.3:
        parts.append(f'"nested": {{"k": "{_pick(r, ["v", "w"])}", "n": {_ri(r, 0, 10)}}}')
    if r.random() < 0.1:
        parts.append('"esc": "a\\"b\\u00e9\\n"')
    if r.random() < 0.05:
        parts.append('"big": 18446744073709551615')
    r.shuffle(parts)
    return "{" + ", ".join(parts) + "}"


def _ms(r):
    k = r.random()
    if k < 0.005:
        return float("nan")
    if k < 0.007:
        return float("inf")
    if k < 0.009:
        return float("-inf")
    if k < 0.01:
        return -0.0
    return _ri(r, 0, 16 * 5000) / 16


def _row(r, i):
    t = START + datetime.timedelta(seconds=_ri(r, 0, SPAN_S))
    ms_tick = _ri(r, 0, 1000)
    ts = t.strftime("%Y-%m-%d %H:%M:%S")
    delta = _ri(r, -1000, 1001)
    if r.random() < 0.002:
        delta = _pick(r, [-2147483648, 2147483647, 0])
    value = _ri(r, 0, 1001) if r.random() < 0.98 else _pick(r, [0, 10 ** 12, 2 ** 40 + 1])
    attrs = {k: _pick(r, ATTR_VALUES[k]) for k in _sample(r, ATTR_KEYS, _ri(r, 0, 4))}
    counters = {k: _ri(r, 0, 100) for k in _sample(r, COUNTER_KEYS, _ri(r, 0, 3))}
    return [
        str(i + 1),
        ts,
        f"{ts}.{ms_tick:03d}",
        _tsv(_pick(r, TENANTS[:12]) if r.random() < 0.9 else _pick(r, TENANTS)),
        _pick(r, METRICS),
        "\\N" if r.random() < 0.15 else _pick(r, REGIONS),
        _tsv(_pick(r, PATHS) if r.random() < 0.7 else f"/v1/users/{_ri(r, 0, 5000)}"),
        "\\N" if r.random() < 0.2 else _tsv(_pick(r, LABELS)),
        str(_pick(r, STATUSES)),
        str(value),
        str(delta),
        str(_ri(r, -128, 128)),
        str(_ri(r, 1, 20001)),
        "\\N" if r.random() < 0.2 else str(_ri(r, -50, 51)),
        _float_text(_ms(r)),
        "\\N" if r.random() < 0.1 else _float_text(_ri(r, -4000, 40000) / 4),
        _float_text(_ri(r, -800, 801) / 8),
        _pick(r, ["true", "false"]),
        _tsv("[" + ",".join(_quoted(x) for x in _sample(r, TAGS, _ri(r, 0, 4))) + "]"),
        "[" + ",".join(str(_ri(r, 0, 101)) for _ in range(_ri(r, 0, 5))) + "]",
        _tsv("{" + ",".join(f"{_quoted(k)}:{_quoted(v)}" for k, v in attrs.items()) + "}"),
        "{" + ",".join(f"{_quoted(k)}:{v}" for k, v in counters.items()) + "}",
        _tsv(_props(r)),
    ]


def write_tsv(path, seed, rows):
    """Writes the table's rows as TabSeparated to `path`."""
    r = random.Random(f"clickhouse-difftest-data-{seed}")
    with open(path, "w", encoding="utf-8") as f:
        for i in range(rows):
            f.write("\t".join(_row(r, i)) + "\n")
