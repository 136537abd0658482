#!/usr/bin/env python3
"""Differential test of ClickHouse's binary formats against ClickHouse itself (chDB).

One table of every type tally has, filled from the same TabSeparated text on both sides
(chDB reads it with the format() table function, tally with INSERT ... FORMAT TSV), then:

  (a) tally's output bytes equal chDB's for Native, RowBinaryWithNamesAndTypes and
      JSONCompactEachRowWithNamesAndTypes (also a LowCardinality of 300 distinct values,
      which needs UInt16 indexes, and an empty result);
  (b) chDB's Native, RowBinary, RowBinaryWithNamesAndTypes and
      JSONCompactEachRowWithNamesAndTypes bytes, fed to `tally local` INSERT on stdin, store
      the same values (compared as tally's TabSeparated of the table);
  (c) tally's Native and RowBinary bytes, read by chDB (file(..., 'Native')), give chDB's
      own TabSeparated of the data.

Any difference fails the run, printing both sides.

Usage: clickhouse_formats.py TALLY_BINARY  (run by clickhouse_run.sh in the pinned venv)
Exit status 1 on a difference, 2 on a setup failure.
"""
import os
import shutil
import subprocess
import sys
import tempfile

os.environ["TZ"] = "UTC"
import chdb  # noqa: E402  (after TZ, which chDB reads when it starts)

# (name, type, TSV values of rows 1..4)
COLUMNS = [
    ("u8", "UInt8", ["0", "255", "7", "1"]),
    ("u16", "UInt16", ["0", "65535", "300", "1"]),
    ("u32", "UInt32", ["0", "4294967295", "70000", "1"]),
    ("u64", "UInt64", ["0", "18446744073709551615", "9007199254740993", "1"]),
    ("i8", "Int8", ["-128", "127", "0", "-1"]),
    ("i16", "Int16", ["-32768", "32767", "0", "-1"]),
    ("i32", "Int32", ["-2147483648", "2147483647", "0", "-1"]),
    ("i64", "Int64", ["-9223372036854775808", "9223372036854775807", "0", "-1"]),
    ("f32", "Float32", ["0.1", "-3.4028235e38", "1e-7", "inf"]),
    ("f64", "Float64", ["0.30000000000000004", "1e300", "-1.5e-10", "nan"]),
    ("b", "Bool", ["true", "false", "true", "false"]),
    ("d", "Date", ["1970-01-01", "2026-10-01", "2149-06-06", "2000-02-29"]),
    ("dt", "DateTime", ["1970-01-01 00:00:00", "2026-10-01 12:34:56", "2106-02-07 06:28:15", "2000-01-01 00:00:01"]),
    ("dtz", "DateTime('Europe/Berlin')",
     ["2026-10-01 00:00:00", "2026-03-29 03:30:00", "1970-01-01 01:00:01", "2026-10-25 04:30:00"]),
    ("dt64", "DateTime64(3)",
     ["1969-12-31 23:59:59.999", "2026-10-01 00:00:00.123", "1970-01-01 00:00:00.000", "2100-01-01 00:00:00.001"]),
    ("dt64z", "DateTime64(6, 'Asia/Kolkata')",
     ["2026-10-01 05:30:00.000001", "1970-01-01 05:30:00.000000", "2000-01-01 00:00:00.500000",
      "2026-01-01 00:00:00.000000"]),
    ("uuid", "UUID", ["00112233-4455-6677-8899-aabbccddeeff", "00000000-0000-0000-0000-000000000000",
                      "ffffffff-ffff-ffff-ffff-ffffffffffff", "61f0c404-5cb3-11e7-907b-a6006ad3dba0"]),
    ("s", "String", ["", "tab\\there nl\\nthere quote' dq\" bs\\\\", "é ü \\xff", "plain"]),
    ("ns", "Nullable(String)", ["\\N", "", "x", "\\N"]),
    ("ni", "Nullable(Int32)", ["\\N", "0", "-7", "2147483647"]),
    ("nf", "Nullable(Float64)", ["2.5", "\\N", "-0.125", "\\N"]),
    ("lc", "LowCardinality(String)", ["a", "", "a", "b"]),
    ("lcn", "LowCardinality(Nullable(String))", ["\\N", "b", "", "b"]),
    ("arr", "Array(String)", ["[]", "['','its','[x]']", "['a,b']", "['a','a']"]),
    ("arrn", "Array(Nullable(String))", ["[NULL,'x']", "[]", "['',NULL]", "[NULL]"]),
    ("arrlc", "Array(LowCardinality(String))", ["['k','k']", "[]", "['','z']", "['z']"]),
    ("arri", "Array(Array(Int32))", ["[[]]", "[[1],[2,-3]]", "[]", "[[4]]"]),
    ("arrd", "Array(DateTime)", ["['2026-10-01 00:00:00']", "[]", "['1970-01-01 00:00:00']", "[]"]),
    ("m", "Map(String, UInt64)", ["{}", "{'k':1,'k2':18446744073709551615}", "{'a b':0}", "{'k':2}"]),
    ("mlc", "Map(LowCardinality(String), Array(Nullable(Float64)))",
     ["{'x':[1.5,NULL]}", "{}", "{'':[]}", "{'x':[]}"]),
    ("mu", "Map(UInt32, String)", ["{1:'x'}", "{}", "{4294967295:''}", "{}"]),
    ("sa", "SimpleAggregateFunction(sum, UInt64)", ["1", "2", "3", "4"]),
]
ROWS = 4


def structure(columns):
    return ", ".join(f"{name} {type_}" for name, type_, _ in columns)


def quote(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def tsv(columns, rows):
    return "".join("\t".join([str(r + 1)] + [c[2][r] for c in columns]) + "\n" for r in range(rows))


class Tally:
    def __init__(self, binary, data_dir):
        self.binary = binary
        self.data_dir = data_dir

    def run(self, query, stdin=b"", fmt=None):
        args = [self.binary, "local", "--data", self.data_dir, "--query", query]
        if fmt:
            args += ["--format", fmt]
        p = subprocess.run(args, input=stdin, capture_output=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"tally failed ({p.returncode}) on {query!r}: {p.stderr.decode(errors='replace')}")
        return p.stdout


class Run:
    def __init__(self):
        self.failures = 0
        self.checks = 0

    def expect_equal(self, what, want, got):
        self.checks += 1
        if want == got:
            return
        self.failures += 1
        print(f"FAIL: {what}")
        start = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
        print(f"  ClickHouse ({len(want)} bytes): ...{want[max(0, start - 100):start + 300]!r}")
        print(f"  tally      ({len(got)} bytes): ...{got[max(0, start - 100):start + 300]!r}")
        print(f"  first difference at byte {start}")


def ch(query, fmt):
    return chdb.query(query, fmt).bytes()


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    tally_binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="tally-formats-")
    try:
        return check(Tally(tally_binary, os.path.join(work, "data")), work)
    finally:
        if not os.environ.get("TALLY_CH_DIFF_KEEP"):
            shutil.rmtree(work, ignore_errors=True)


def check(tally, work):
    run = Run()
    cols = COLUMNS
    names = ", ".join(c[0] for c in cols)
    table_cols = "rn UInt32, " + structure(cols)
    text = tsv(cols, ROWS)
    source = f"format(TSV, {quote(table_cols)}, $${text}$$)"

    # A second table: a LowCardinality column of 300 distinct values, and its empty result.
    wide_rows = 300
    wide_text = "".join(f"{r + 1}\tv{r % 300}\t{r % 7}\n" for r in range(wide_rows))
    wide_cols = "rn UInt32, w LowCardinality(String), n UInt8"
    wide_source = f"format(TSV, {quote(wide_cols)}, $${wide_text}$$)"

    for table, columns, data in (("t", table_cols, text), ("w", wide_cols, wide_text)):
        tally.run(f"CREATE TABLE {table} ({columns}) ENGINE = MergeTree ORDER BY rn")
        tally.run(f"INSERT INTO {table} FORMAT TSV", data.encode())

    queries = [
        (f"SELECT {names} FROM {{src}} ORDER BY rn", "t", source),
        (f"SELECT {names} FROM {{src}} WHERE rn IN (2, 4) ORDER BY rn", "t", source),
        ("SELECT w, n FROM {src} ORDER BY rn", "w", wide_source),
        ("SELECT w FROM {src} WHERE rn > 1000 ORDER BY rn", "w", wide_source),
    ]
    json_settings = " SETTINGS output_format_json_quote_64bit_integers = 1"
    # (a) output bytes.
    for query, table, src in queries:
        for fmt in ("Native", "RowBinaryWithNamesAndTypes", "JSONCompactEachRowWithNamesAndTypes"):
            extra = json_settings if fmt.startswith("JSON") else ""
            want = ch(query.format(src=src) + extra, fmt)
            got = tally.run(query.format(src=table) + f" FORMAT {fmt}")
            run.expect_equal(f"(a) {fmt}: {query.format(src=table)}", want, got)
    # Per column too, so that a difference names its type.
    for name, type_, _ in cols:
        for fmt in ("Native", "RowBinaryWithNamesAndTypes"):
            want = ch(f"SELECT {name} FROM {source} ORDER BY rn", fmt)
            got = tally.run(f"SELECT {name} FROM t ORDER BY rn FORMAT {fmt}")
            run.expect_equal(f"(a) {fmt} of {type_}", want, got)

    # (b) chDB's bytes into tally.
    want_tsv = tally.run("SELECT * FROM t ORDER BY rn FORMAT TSV")
    for fmt in ("Native", "RowBinary", "RowBinaryWithNamesAndTypes", "JSONCompactEachRowWithNamesAndTypes"):
        # JSON writes inf and nan as null unless quoted, and null reads as the default.
        extra = " SETTINGS output_format_json_quote_denormals = 1" if fmt.startswith("JSON") else ""
        body = ch(f"SELECT rn, {names} FROM {source} ORDER BY rn{extra}", fmt)
        tally.run("DROP TABLE IF EXISTS t2")
        tally.run(f"CREATE TABLE t2 ({table_cols}) ENGINE = MergeTree ORDER BY rn")
        tally.run(f"INSERT INTO t2 FORMAT {fmt}", body)
        got = tally.run("SELECT * FROM t2 ORDER BY rn FORMAT TSV")
        run.expect_equal(f"(b) chDB's {fmt} inserted into tally", want_tsv, got)
    body = ch(f"SELECT w, rn, n FROM {wide_source} ORDER BY rn", "Native")  # columns by name
    tally.run("DROP TABLE IF EXISTS w2")
    tally.run(f"CREATE TABLE w2 ({wide_cols}) ENGINE = MergeTree ORDER BY rn")
    tally.run("INSERT INTO w2 FORMAT Native", body)
    run.expect_equal("(b) chDB's Native with 300 LowCardinality keys, columns in another order",
                     tally.run("SELECT * FROM w ORDER BY rn FORMAT TSV"),
                     tally.run("SELECT * FROM w2 ORDER BY rn FORMAT TSV"))

    # (c) tally's bytes into chDB.
    ch_tsv = ch(f"SELECT rn, {names} FROM {source} ORDER BY rn", "TSV")
    for fmt in ("Native", "RowBinary", "RowBinaryWithNamesAndTypes"):
        path = os.path.join(work, f"tally.{fmt}")
        with open(path, "wb") as f:
            f.write(tally.run("SELECT * FROM t ORDER BY rn FORMAT " + fmt))
        got = ch(f"SELECT * FROM file('{path}', '{fmt}', {quote(table_cols)})", "TSV")
        run.expect_equal(f"(c) tally's {fmt} read by chDB", ch_tsv, got)
    path = os.path.join(work, "wide.Native")
    with open(path, "wb") as f:
        f.write(tally.run("SELECT * FROM w ORDER BY rn FORMAT Native"))
    run.expect_equal("(c) tally's Native with 300 LowCardinality keys read by chDB",
                     ch(f"SELECT * FROM {wide_source} ORDER BY rn", "TSV"),
                     ch(f"SELECT * FROM file('{path}', 'Native', {quote(wide_cols)})", "TSV"))

    print(f"clickhouse formats: {run.checks} checks, {run.failures} differences")
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
