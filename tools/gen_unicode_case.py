#!/usr/bin/env python3
"""Writes engine/exec/unicode_case_tables.cc: ClickHouse's Unicode case rules, read off
ClickHouse itself (chDB) one code point at a time, so that tally's lowerUTF8, upperUTF8,
positionCaseInsensitiveUTF8 and ILIKE give its answers whatever Unicode version its
libraries carry.

ClickHouse takes them from three libraries, and they disagree:
  - lowerUTF8/upperUTF8: ICU's full case mapping in the root locale (ß -> SS, İ -> i̇, final
    sigma); read as lowerUTF8/upperUTF8 of each code point alone, plus which code points
    are cased or case-ignorable for the final sigma rule (from lowerUTF8 of 'xΣ', 'AxΣ').
  - positionCaseInsensitiveUTF8 and [I]LIKE '%needle%': Poco's simple lower case of each
    code point (older Unicode tables: no Cherokee, no Georgian Mtavruli; ǅ, ς and ſ are
    their own); read as positionCaseInsensitiveUTF8('a' || x, 'a' || y) over the pairs that
    ICU relates.
  - other ILIKE patterns: re2's case folding (ǅ ~ ǆ, ς ~ σ, ſ ~ s, K ~ k); read as
    (x || 'xabcdefg') ILIKE (y || '_abcdefg'), the long ASCII run keeping ClickHouse's
    substring prefilter off the pair.

Usage: python3 -m venv /tmp/chdb && /tmp/chdb/bin/pip install chdb==4.4.0 &&
       /tmp/chdb/bin/python tools/gen_unicode_case.py > engine/exec/unicode_case_tables.cc
"""
import sys

import chdb
from chdb import session

S = session.Session()

# Every code point but the surrogates, as (cp, its UTF-8 string c).
CPS = """SELECT toUInt32(number) AS cp, multiIf(cp < 0x80, char(cp),
  cp < 0x800, char(0xC0 + intDiv(cp, 64), 0x80 + cp % 64),
  cp < 0x10000, char(0xE0 + intDiv(cp, 4096), 0x80 + intDiv(cp, 64) % 64, 0x80 + cp % 64),
  char(0xF0 + intDiv(cp, 262144), 0x80 + intDiv(cp, 4096) % 64, 0x80 + intDiv(cp, 64) % 64,
       0x80 + cp % 64)) AS c
FROM numbers(1114112) WHERE cp < 0xD800 OR cp > 0xDFFF"""


def rows(sql):
    out = S.query(sql, "TabSeparated").bytes().decode("ascii")
    return [line.split("\t") for line in out.split("\n") if line]


def cps_of(hex_text):
    return [ord(ch) for ch in bytes.fromhex(hex_text).decode("utf-8")]


def main():
    version = rows("SELECT version()")[0][0]
    sigma, final = "CEA3", ("CF82", "CF83")  # Σ, and ς / σ
    lower, upper = {}, {}
    ignorable, cased = set(), set()
    for cp, lo, up, before, between, after in rows(f"""
        SELECT cp, hex(lowerUTF8(c)), hex(upperUTF8(c)), hex(lowerUTF8(c || unhex('{sigma}'))),
               hex(lowerUTF8('A' || c || unhex('{sigma}'))), hex(lowerUTF8('A' || unhex('{sigma}') || c))
        FROM ({CPS})"""):
        cp = int(cp)
        if cp < 0x80:  # ASCII maps as ASCII, without the tables
            assert cps_of(lo) == [ord(chr(cp).lower())] and cps_of(up) == [ord(chr(cp).upper())]
        elif cps_of(lo) != [cp]:
            lower[cp] = cps_of(lo)
        if cp >= 0x80 and cps_of(up) != [cp]:
            upper[cp] = cps_of(up)
        # Σ at the end of a word: ς when a cased letter comes before it (skipping
        # case-ignorable ones) and none after.
        preceded = before[-4:] == final[0]
        skipped = between[-4:] == final[0]
        assert before[-4:] in final and between[-4:] in final, cp
        if preceded:
            cased.add(cp)
            assert after[2:6] == final[1], cp  # a cased letter after it keeps σ
        elif skipped:
            ignorable.add(cp)
            assert after[2:6] == final[0], cp

    # Candidate pairs for the simple foldings: code points ICU relates one to one.
    parent = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    def union(x, y):
        a, b = find(x), find(y)
        if a != b:
            parent[max(a, b)] = min(a, b)

    for cp in range(ord("A"), ord("Z") + 1):
        union(cp, cp + 32)
    for table in (lower, upper):
        for cp, to in table.items():
            if len(to) == 1:
                union(cp, to[0])
    orbits = {}
    for cp in parent:
        orbits.setdefault(find(cp), set()).add(cp)
    for root in list(orbits):
        orbits[root].add(root)
    pairs = [(a, b) for orbit in orbits.values() for a in orbit for b in orbit if a != b]
    values = ",".join(f"({a},{b})" for a, b in pairs)
    S.query("DROP TABLE IF EXISTS pairs")
    S.query("CREATE TABLE pairs (a UInt32, b UInt32) ENGINE = Memory")
    S.query(f"INSERT INTO pairs VALUES {values}")
    S.query(f"CREATE TABLE chars ENGINE = Memory AS {CPS}")
    search, like = set(), set()
    for a, b, pos, ilike in rows("""
        SELECT a, b, positionCaseInsensitiveUTF8('a' || x.c, 'a' || y.c),
               (x.c || 'xabcdefg') ILIKE (y.c || '_abcdefg')
        FROM pairs JOIN chars AS x ON x.cp = pairs.a JOIN chars AS y ON y.cp = pairs.b"""):
        if pos == "1":
            search.add((int(a), int(b)))
        if ilike == "1":
            like.add((int(a), int(b)))

    def classes(related):
        """Canonical member of each code point's class: its ASCII lower-case letter if it
        has one (ASCII folds as ASCII, without the table), else the smallest. Checks that
        the relation is one: symmetric and transitive."""
        canon = {}
        for orbit in orbits.values():
            for a in sorted(orbit):
                if a in canon:
                    continue
                members = {a} | {b for b in orbit if (a, b) in related}
                for x in members:
                    for y in members:
                        assert x == y or (x, y) in related, (hex(x), hex(y))
                ascii_lower = [m for m in members if ord("a") <= m <= ord("z")]
                for x in members:
                    canon[x] = ascii_lower[0] if ascii_lower else min(members)
        for cp in range(0x80):  # ASCII folds to ASCII lower case and nothing else to it
            c = chr(cp).lower()
            assert canon.get(cp, cp) == ord(c), hex(cp)
        return {cp: c for cp, c in canon.items() if cp != c and cp >= 0x80}

    write(version, lower, upper, ignorable, cased, classes(search), classes(like))


def ranges(points):
    out = []
    for cp in sorted(points):
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def write(version, lower, upper, ignorable, cased, search, like):
    w = sys.stdout.write
    w(f"""// Generated by tools/gen_unicode_case.py from ClickHouse {version} (chDB {chdb.__version__});
// do not edit. What each table is: engine/exec/unicode_case_tables.h.
#include "engine/exec/unicode_case_tables.h"

namespace tally::engine::exec::unicode_case {{
""")

    def mapping(name, table):
        w(f"\nconst FullMapping {name}[] = {{\n")
        for cp in sorted(table):
            to = table[cp] + [0] * (3 - len(table[cp]))
            w("    {0x%X, {0x%X, 0x%X, 0x%X}},\n" % (cp, *to))
        w(f"}};\nconst size_t {name}Size = {len(table)};\n")

    def simple(name, table):
        w(f"\nconst SimpleMapping {name}[] = {{\n")
        for cp in sorted(table):
            w("    {0x%X, 0x%X},\n" % (cp, table[cp]))
        w(f"}};\nconst size_t {name}Size = {len(table)};\n")

    def range_table(name, points):
        rs = ranges(points)
        w(f"\nconst Range {name}[] = {{\n")
        for lo, hi in rs:
            w("    {0x%X, 0x%X},\n" % (lo, hi))
        w(f"}};\nconst size_t {name}Size = {len(rs)};\n")

    mapping("kLower", lower)
    mapping("kUpper", upper)
    range_table("kCaseIgnorable", ignorable)
    range_table("kCased", cased)
    simple("kSearchFold", search)
    simple("kLikeFold", like)
    w("\n}  // namespace tally::engine::exec::unicode_case\n")


if __name__ == "__main__":
    main()
