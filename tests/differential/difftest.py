#!/usr/bin/env python3
"""Differential test: random queries through `tally local` and through DuckDB.

Generates a table of a few thousand rows (NULLs, LowCardinality strings, integers, floats,
DateTimes), loads it into both engines, then runs seeded random queries (filters, GROUP BY
with aggregates and HAVING, ORDER BY + LIMIT/OFFSET, DISTINCT, subqueries in FROM,
arithmetic, string and time functions, CASE/if) rendered in each engine's dialect, and
compares the results: unordered results are sorted, floats compared with a relative
tolerance. Only semantics both engines share are generated (no integer
`/`, no division by zero, no ties under LIMIT, no aggregates over empty sets of
non-Nullable columns without a translation).

Usage: difftest.py TALLY_BINARY
Environment: TALLY_DIFF_SEED (default 1), TALLY_DIFF_QUERIES (default 400),
TALLY_DIFF_ROWS (default 3000), TALLY_DIFF_VERBOSE=1 prints every query,
TALLY_DIFF_KEEP=1 keeps tally's data directory (and a TSV of the rows) for reproducing,
TALLY_DIFF_ALL=1 also generates the shapes of KNOWN_BUGS below.
Exit status 1 on any mismatch or error, with the query and both results printed.
"""
import datetime
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

import duckdb

# Shapes left out until tally's bugs there are fixed (TALLY_DIFF_ALL=1 includes them):
#  - x IN (...) with a NULL x gives 0 where it must give NULL (so NOT (x IN ...) keeps
#    the row): IN lists over the Nullable column `region`.
#  - DISTINCT and LIMIT BY tell rows apart by a printed key with 6 significant digits for
#    floats (and the first 64 bytes of strings): DISTINCT over float expressions.
KNOWN_BUGS = os.environ.get("TALLY_DIFF_ALL") != "1"

EPOCH = datetime.datetime(2026, 10, 1)
TENANTS = [f"tenant_{i}" for i in range(8)]
REGIONS = ["eu", "us", "ap", "sa"]
PATHS = ["/v1/users", "/v1/orders", "/v2/users", "/health", "/v1/users/42", "/admin"]
STATUSES = [200, 200, 200, 201, 204, 301, 404, 429, 500, 503]


# --- data -------------------------------------------------------------------------------

def make_rows(rng, n):
    rows = []
    for i in range(n):
        ts = EPOCH + datetime.timedelta(seconds=rng.randrange(0, 30 * 86400))
        rows.append({
            "id": i + 1,
            "tenant": rng.choice(TENANTS),
            "region": None if rng.random() < 0.15 else rng.choice(REGIONS),
            "path": rng.choice(PATHS),
            "status": rng.choice(STATUSES),
            "flag": rng.randrange(0, 3),
            "value": rng.randrange(-1000, 1001),
            "amount": None if rng.random() < 0.1 else round(rng.uniform(0, 1000), 2),
            "ts": ts,
        })
    return rows


TALLY_DDL = """CREATE TABLE t (
  id UInt32, tenant LowCardinality(String), region Nullable(String), path String,
  status UInt16, flag UInt8, value Int64, amount Nullable(Float64), ts DateTime
) ENGINE = MergeTree PARTITION BY toYYYYMMDD(ts) ORDER BY (tenant, ts)"""

DUCK_DDL = """CREATE TABLE t (
  id BIGINT, tenant VARCHAR, region VARCHAR, path VARCHAR, status INTEGER, flag INTEGER,
  value BIGINT, amount DOUBLE, ts TIMESTAMP)"""

COLUMNS = ["id", "tenant", "region", "path", "status", "flag", "value", "amount", "ts"]


def tsv_field(v):
    if v is None:
        return "\\N"
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    return str(v)


# --- expressions: each is (tally_sql, duckdb_sql, type, nullable) ---------------------------

class E:
    def __init__(self, ch, dk, typ, nullable=False):
        self.ch, self.dk, self.typ, self.nullable = ch, dk, typ, nullable


def col(name):
    typ = {"id": "int", "status": "int", "flag": "int", "value": "int", "amount": "float",
           "tenant": "str", "region": "str", "path": "str", "ts": "time"}[name]
    return E(name, name, typ, name in ("region", "amount"))


def lit_str(s):
    return E(f"'{s}'", f"'{s}'", "str")


def lit_int(v):
    return E(str(v), str(v), "int")


class Gen:
    def __init__(self, rng):
        self.r = rng

    def int_expr(self, depth=0):
        r = self.r
        k = r.randrange(9 if depth < 2 else 2)
        if k == 0:
            return col(r.choice(["id", "status", "flag", "value"]))
        if k == 1:
            return lit_int(r.randrange(-50, 100))
        a, b = self.int_expr(depth + 1), self.int_expr(depth + 1)
        if k in (2, 3):
            op = "+" if k == 2 else "-"
            return E(f"({a.ch} {op} {b.ch})", f"({a.dk} {op} {b.dk})", "int", a.nullable or b.nullable)
        if k == 4:
            m = r.randrange(2, 6)
            return E(f"({a.ch} * {m})", f"({a.dk} * {m})", "int", a.nullable)
        if k == 5:
            m = r.randrange(2, 11)
            return E(f"({a.ch} % {m})", f"({a.dk} % {m})", "int", a.nullable)
        if k == 6:
            return E(f"abs({a.ch})", f"abs({a.dk})", "int", a.nullable)
        if k == 7:
            s = self.str_expr(depth + 1)
            return E(f"length({s.ch})", f"length({s.dk})", "int", s.nullable)
        c = self.cond(depth + 1)
        # toInt64: UInt64 and Int64 branches have no common type.
        return E(f"if({c.ch}, toInt64({a.ch}), toInt64({b.ch}))", f"(CASE WHEN {c.dk} THEN {a.dk} ELSE {b.dk} END)", "int",
                 a.nullable or b.nullable)

    def float_expr(self, depth=0):
        r = self.r
        k = r.randrange(4 if depth < 2 else 1)
        if k == 0:
            return col("amount")
        if k == 1:
            a = self.int_expr(depth + 1)
            d = r.choice([2, 4, 8, 10])
            return E(f"(toFloat64({a.ch}) / {d})", f"(CAST({a.dk} AS DOUBLE) / {d})", "float", a.nullable)
        a, b = self.float_expr(depth + 1), self.float_expr(depth + 1)
        if k == 2:
            return E(f"({a.ch} + {b.ch})", f"({a.dk} + {b.dk})", "float", a.nullable or b.nullable)
        return E(f"({a.ch} * 0.5)", f"({a.dk} * 0.5)", "float", a.nullable)

    def str_expr(self, depth=0):
        r = self.r
        k = r.randrange(6 if depth < 2 else 1)
        if k == 0:
            return col(r.choice(["tenant", "region", "path"]))
        a = self.str_expr(depth + 1)
        if k == 1:
            return E(f"lower({a.ch})", f"lower({a.dk})", "str", a.nullable)
        if k == 2:
            return E(f"upper({a.ch})", f"upper({a.dk})", "str", a.nullable)
        if k == 3:
            b = self.str_expr(depth + 1)
            return E(f"concat({a.ch}, '-', {b.ch})", f"({a.dk} || '-' || {b.dk})", "str", a.nullable or b.nullable)
        if k == 4:
            return E(f"ifNull({a.ch}, 'none')", f"coalesce({a.dk}, 'none')", "str")
        c = self.cond(depth + 1)
        b = self.str_expr(depth + 1)
        return E(f"multiIf({c.ch}, {a.ch}, {b.ch})", f"(CASE WHEN {c.dk} THEN {a.dk} ELSE {b.dk} END)", "str",
                 a.nullable or b.nullable)

    def time_expr(self):
        k = self.r.randrange(4)
        if k == 0:
            return col("ts")
        if k == 1:
            return E("toStartOfHour(ts)", "date_trunc('hour', ts)", "time")
        if k == 2:
            return E("toStartOfDay(ts)", "date_trunc('day', ts)", "time")
        return E("toDate(ts)", "CAST(ts AS DATE)", "date")

    def cond(self, depth=0):
        r = self.r
        k = r.randrange(12 if depth < 2 else 8)
        if k == 0:
            a = self.int_expr(depth + 1)
            op = r.choice(["=", "!=", "<", "<=", ">", ">="])
            v = r.randrange(-100, 600)
            return E(f"({a.ch} {op} {v})", f"({a.dk} {op} {v})", "bool", a.nullable)
        if k == 1:
            a = col(r.choice(["tenant", "region", "path"]))
            pool = {"tenant": TENANTS, "region": REGIONS, "path": PATHS}[a.ch]
            op = r.choice(["=", "!="])
            v = r.choice(pool)
            return E(f"({a.ch} {op} '{v}')", f"({a.dk} {op} '{v}')", "bool", a.nullable)
        if k == 2:
            a = col(r.choice(["tenant"] if KNOWN_BUGS else ["tenant", "region"]))
            pool = TENANTS if a.ch == "tenant" else REGIONS
            vals = ", ".join(f"'{v}'" for v in r.sample(pool, r.randrange(1, 4)))
            neg = r.choice(["", "NOT "])
            return E(f"({a.ch} {neg}IN ({vals}))", f"({a.dk} {neg}IN ({vals}))", "bool", a.nullable)
        if k == 3:
            vals = ", ".join(str(v) for v in r.sample(sorted(set(STATUSES)), r.randrange(1, 4)))
            return E(f"(status IN ({vals}))", f"(status IN ({vals}))", "bool")
        if k == 4:
            a = self.str_expr(depth + 1)
            pat = r.choice(["%users%", "/v1%", "tenant_1%", "%_%", "%4_", "/h%h", "e%", "%U%"])
            op = r.choice(["LIKE", "NOT LIKE", "ILIKE"])
            return E(f"({a.ch} {op} '{pat}')", f"({a.dk} {op} '{pat}')", "bool", a.nullable)
        if k == 5:
            c = r.choice(["region", "amount"])
            op = r.choice(["IS NULL", "IS NOT NULL"])
            return E(f"({c} {op})", f"({c} {op})", "bool")
        if k == 6:
            lo = EPOCH + datetime.timedelta(hours=r.randrange(0, 30 * 24))
            s = lo.strftime("%Y-%m-%d %H:%M:%S")
            op = r.choice(["<", ">="])
            return E(f"(ts {op} toDateTime('{s}'))", f"(ts {op} TIMESTAMP '{s}')", "bool")
        if k == 7:
            a = self.float_expr(depth + 1)
            v = round(r.uniform(0, 1000), 1)
            op = r.choice(["<", ">", "<=", ">="])
            return E(f"({a.ch} {op} {v})", f"({a.dk} {op} {v})", "bool", a.nullable)
        if k == 8:
            lo = r.randrange(-500, 500)
            hi = lo + r.randrange(0, 600)
            return E(f"(value BETWEEN {lo} AND {hi})", f"(value BETWEEN {lo} AND {hi})", "bool")
        a, b = self.cond(depth + 1), self.cond(depth + 1)
        if k == 9:
            return E(f"({a.ch} AND {b.ch})", f"({a.dk} AND {b.dk})", "bool", a.nullable or b.nullable)
        if k == 10:
            return E(f"({a.ch} OR {b.ch})", f"({a.dk} OR {b.dk})", "bool", a.nullable or b.nullable)
        return E(f"(NOT {a.ch})", f"(NOT {a.dk})", "bool", a.nullable)

    def scalar(self):
        k = self.r.randrange(5)
        return [self.int_expr, self.float_expr, self.str_expr, self.time_expr, self.cond][k]()

    def where(self):
        if self.r.random() < 0.25:
            return "", ""
        c = self.cond()
        return f" WHERE {c.ch}", f" WHERE {c.dk}"

    def group_key(self):
        k = self.r.randrange(7)
        if k == 0:
            return col("tenant")
        if k == 1:
            return col("region")
        if k == 2:
            return col("status")
        if k == 3:
            return E("toStartOfDay(ts)", "date_trunc('day', ts)", "time")
        if k == 4:
            return E("(value % 5)", "(value % 5)", "int")
        if k == 5:
            return col("flag")
        return self.str_expr(1)

    def aggregate(self, global_agg):
        """An aggregate; in a query without GROUP BY the set may be empty, where tally
        (as ClickHouse) returns the type's default (0, '', nan for avg) for non-Nullable
        arguments and DuckDB NULL: translate."""
        r = self.r
        k = r.randrange(9)
        if k == 0:
            return E("count()", "count(*)", "int")
        if k == 1:
            c = r.choice(["region", "amount", "tenant"])
            return E(f"count({c})", f"count({c})", "int")
        if k == 2:
            c = r.choice(["tenant", "region", "status", "path"])
            return E(f"count(DISTINCT {c})", f"count(DISTINCT {c})", "int")
        if k == 3:
            c = r.choice(["tenant", "status", "value"])
            return E(f"uniqExact({c})", f"count(DISTINCT {c})", "int")
        if k == 7:  # id is unique: no ties
            fn = r.choice(["argMin", "argMax"])
            arg = col(r.choice(["status", "value", "tenant", "ts", "path"]))
            ch, dk = f"{fn}({arg.ch}, id)", f"{'arg_min' if fn == 'argMin' else 'arg_max'}({arg.dk}, id)"
        else:
            fn = {4: "sum", 5: "min", 6: "max", 8: "avg"}[k]
            arg = self.int_expr(1) if r.random() < 0.5 else self.float_expr(1)
            if fn in ("min", "max") and r.random() < 0.3:
                arg = col(r.choice(["tenant", "path", "ts", "region"]))
            ch, dk = f"{fn}({arg.ch})", f"{fn}({arg.dk})"
        if global_agg and not arg.nullable:
            default = {"sum": "0", "avg": "'nan'::DOUBLE"}.get(fn)
            if default is None:
                default = {"int": "0", "float": "0", "str": "''", "time": "TIMESTAMP '1970-01-01 00:00:00'"}[arg.typ]
            dk = f"(CASE WHEN count(*) = 0 THEN {default} ELSE {dk} END)"
        return E(ch, dk, "float" if fn == "avg" else arg.typ, arg.nullable)


def order_items(exprs, rng):
    ch, dk = [], []
    for e in exprs:
        d = rng.choice(["ASC", "DESC"])
        n = rng.choice(["NULLS FIRST", "NULLS LAST"])
        ch.append(f"{e[0]} {d} {n}")
        dk.append(f"{e[1]} {d} {n}")
    return ", ".join(ch), ", ".join(dk)


def make_query(g):
    """Returns (tally_sql, duckdb_sql, ordered)."""
    r = g.r
    shape = r.randrange(7)
    wch, wdk = g.where()
    if shape == 6:  # a subquery in FROM, filtered and aggregated outside
        k, v = g.group_key(), g.int_expr(1)
        lim = r.randrange(-200, 200)
        inner_ch = f"SELECT {k.ch} AS k0, {v.ch} AS v FROM t{wch}"
        inner_dk = f"SELECT {k.dk} AS k0, {v.dk} AS v FROM t{wdk}"
        return (f"SELECT k0, count() AS c, sum(v) AS s, max(v) AS m FROM ({inner_ch}) WHERE v > {lim} GROUP BY k0",
                f"SELECT k0, count(*) AS c, sum(v) AS s, max(v) AS m FROM ({inner_dk}) WHERE v > {lim} GROUP BY k0",
                False)
    if shape in (0, 1):  # filter + projection, ordered by all columns and id
        exprs = [g.scalar() for _ in range(r.randrange(1, 4))]
        sel_ch = ", ".join(f"{e.ch} AS c{i}" for i, e in enumerate(exprs))
        sel_dk = ", ".join(f"{e.dk} AS c{i}" for i, e in enumerate(exprs))
        keys = [(f"c{i}", f"c{i}") for i in range(len(exprs))]
        r.shuffle(keys)
        och, odk = order_items(keys + [("id", "id")], r)
        limit = f" LIMIT {r.randrange(1, 40)}" + (f" OFFSET {r.randrange(0, 20)}" if r.random() < 0.3 else "")
        return (f"SELECT id, {sel_ch} FROM t{wch} ORDER BY {och}{limit}",
                f"SELECT id, {sel_dk} FROM t{wdk} ORDER BY {odk}{limit}", True)
    if shape == 2:  # DISTINCT
        exprs = [g.scalar() if r.random() < 0.4 else g.group_key() for _ in range(r.randrange(1, 3))]
        if KNOWN_BUGS:
            exprs = [e if e.typ != "float" else g.group_key() for e in exprs]
        sel_ch = ", ".join(f"{e.ch} AS c{i}" for i, e in enumerate(exprs))
        sel_dk = ", ".join(f"{e.dk} AS c{i}" for i, e in enumerate(exprs))
        return f"SELECT DISTINCT {sel_ch} FROM t{wch}", f"SELECT DISTINCT {sel_dk} FROM t{wdk}", False
    if shape == 3:  # global aggregates
        aggs = [g.aggregate(True) for _ in range(r.randrange(1, 4))]
        return (f"SELECT {', '.join(a.ch for a in aggs)} FROM t{wch}",
                f"SELECT {', '.join(a.dk for a in aggs)} FROM t{wdk}", False)
    # GROUP BY, sometimes HAVING, sometimes ORDER BY + LIMIT over the keys
    keys = [g.group_key() for _ in range(r.randrange(1, 3))]
    aggs = [g.aggregate(False) for _ in range(r.randrange(1, 4))]
    sel_ch = ", ".join([f"{k.ch} AS k{i}" for i, k in enumerate(keys)] + [f"{a.ch} AS a{i}" for i, a in enumerate(aggs)])
    sel_dk = ", ".join([f"{k.dk} AS k{i}" for i, k in enumerate(keys)] + [f"{a.dk} AS a{i}" for i, a in enumerate(aggs)])
    gb = ", ".join(f"k{i}" for i in range(len(keys)))
    hch = hdk = ""
    if r.random() < 0.3:
        v = r.randrange(1, 200)
        hch, hdk = f" HAVING count() > {v}", f" HAVING count(*) > {v}"
    if shape == 5:
        och, odk = order_items([(f"k{i}", f"k{i}") for i in range(len(keys))], r)
        limit = f" LIMIT {r.randrange(1, 10)}"
        return (f"SELECT {sel_ch} FROM t{wch} GROUP BY {gb}{hch} ORDER BY {och}{limit}",
                f"SELECT {sel_dk} FROM t{wdk} GROUP BY {gb}{hdk} ORDER BY {odk}{limit}", True)
    return f"SELECT {sel_ch} FROM t{wch} GROUP BY {gb}{hch}", f"SELECT {sel_dk} FROM t{wdk} GROUP BY {gb}{hdk}", False


# --- running and comparing ----------------------------------------------------------------

NUMBER = re.compile(r"^-?(\d+\.?\d*([eE][-+]?\d+)?|inf|nan)$")


def canon(text):
    """A cell as text -> a comparable value: None, a float, or the string."""
    if text is None:
        return None
    if NUMBER.match(text):
        return float(text)
    return text


def unescape_tsv(s):
    if s == "\\N":
        return None
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "\\": "\\", "0": "\0", "'": "'"}.get(m.group(1), m.group(1)), s)


def duck_text(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    return str(v)


def same_cell(a, b):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def sort_key(row):
    return tuple((0, "") if c is None else (1, f"{c:.6g}") if isinstance(c, float) else (2, c) for c in row)


def run_tally(tally, data_dir, sql):
    p = subprocess.run([tally, "local", "--data", data_dir, "--format", "TabSeparated", "--query", sql],
                       capture_output=True)
    if p.returncode != 0:
        return None, p.stderr.decode(errors="replace").strip()
    text = p.stdout.decode(errors="replace")
    rows = [tuple(canon(unescape_tsv(c)) for c in line.split("\t")) for line in text.split("\n")[:-1]]
    return rows, None


def show(rows, limit=15):
    lines = [" | ".join("NULL" if c is None else str(c) for c in row) for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"... {len(rows) - limit} more rows")
    return "\n      ".join(lines) if lines else "(no rows)"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    tally = sys.argv[1]
    seed = int(os.environ.get("TALLY_DIFF_SEED", "1"))
    n_queries = int(os.environ.get("TALLY_DIFF_QUERIES", "400"))
    n_rows = int(os.environ.get("TALLY_DIFF_ROWS", "3000"))
    verbose = os.environ.get("TALLY_DIFF_VERBOSE") == "1"
    rng = random.Random(seed)
    started = time.monotonic()

    rows = make_rows(rng, n_rows)
    tsv = ""
    work = tempfile.mkdtemp(prefix="tally-difftest-")
    try:
        data_dir = os.path.join(work, "data")
        subprocess.run([tally, "local", "--data", data_dir, "--query", TALLY_DDL], check=True)
        tsv = "".join("\t".join(tsv_field(r[c]) for c in COLUMNS) + "\n" for r in rows)
        subprocess.run([tally, "local", "--data", data_dir, "--query", "INSERT INTO t FORMAT TabSeparated"],
                       input=tsv.encode(), check=True)
        duck = duckdb.connect()
        duck.execute(DUCK_DDL)
        duck.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [[r[c] for c in COLUMNS] for r in rows])

        gen = Gen(rng)
        failures = 0
        for qn in range(n_queries):
            ch_sql, dk_sql, ordered = make_query(gen)
            if verbose:
                print(f"[{qn}] {ch_sql}")
            got, err = run_tally(tally, data_dir, ch_sql)
            try:
                want = [tuple(canon(duck_text(v)) for v in row) for row in duck.execute(dk_sql).fetchall()]
                duck_err = None
            except duckdb.Error as e:
                want, duck_err = None, str(e)
            problem = None
            if duck_err is not None:
                problem = f"the reference failed (a generator bug): {duck_err}"
            elif err is not None:
                problem = f"tally failed: {err}"
            else:
                a, b = (got, want) if ordered else (sorted(got, key=sort_key), sorted(want, key=sort_key))
                if len(a) != len(b):
                    problem = f"row counts differ: tally {len(a)}, reference {len(b)}"
                else:
                    for i, (ra, rb) in enumerate(zip(a, b)):
                        if len(ra) != len(rb) or not all(same_cell(x, y) for x, y in zip(ra, rb)):
                            problem = f"row {i + 1} differs"
                            break
            if problem:
                failures += 1
                print(f"MISMATCH in query {qn} (seed {seed}): {problem}\n"
                      f"  tally:     {ch_sql}\n  reference: {dk_sql}\n"
                      f"  tally rows:\n      {show(got or [])}\n  reference rows:\n      {show(want or [])}\n",
                      flush=True)
                if failures >= 20:
                    print("stopping after 20 mismatches")
                    break
        elapsed = time.monotonic() - started
        print(f"differential test: seed {seed}, {n_rows} rows, {qn + 1} queries, {elapsed:.1f} s")
        print(f"{qn + 1 - failures} passed, {failures} failed")
        return 1 if failures else 0
    finally:
        if os.environ.get("TALLY_DIFF_KEEP") == "1":
            with open(os.path.join(work, "rows.tsv"), "w") as f:
                f.write(tsv)
            print(f"kept {data_dir} and {work}/rows.tsv")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
