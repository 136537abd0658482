#!/usr/bin/env python3
"""Writes a SQL case's expected output from ClickHouse itself: runs CASE.sql statement by
statement in chDB (one session, so tables carry over) and prints the TabSeparated output
that run_case.sh compares tally's with. A statement that must fail (`; -- error: <text>`)
prints nothing; this script says so on stderr if ClickHouse accepts it.

Usage (chDB pinned as in tests/differential/clickhouse_requirements.txt):
    python3 -m venv /tmp/chdb && /tmp/chdb/bin/pip install -r tests/differential/clickhouse_requirements.txt
    /tmp/chdb/bin/python tests/sql/clickhouse_reference.py tests/sql/NAME.sql > tests/sql/NAME.reference
"""
import re
import sys
import tempfile

from chdb import session

ERROR = re.compile(r";\s*--\s*error:\s*(.*\S)\s*$")
STATISTICS = re.compile(rb'"(elapsed|rows_read|bytes_read)": [0-9.e+-]+')


def statements(path):
    """(text, must_fail) for each statement, split as run_case.sh splits them."""
    text = ""
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            text += line + "\n"
            if ERROR.search(line):
                yield ERROR.sub(";", text), True
                text = ""
            elif re.search(r";\s*$", line):
                yield text, False
                text = ""
    if text.strip():
        yield text, False


def main():
    s = session.Session(tempfile.mkdtemp())
    out = sys.stdout.buffer
    for text, must_fail in statements(sys.argv[1]):
        body = "\n".join(l for l in text.split("\n") if not l.strip().startswith("--")).strip()
        if not body.rstrip(";").strip():
            continue
        try:
            result = s.query(body.rstrip(";"), "TabSeparated")
        except Exception as e:  # noqa: BLE001 - chDB raises its own error type
            if not must_fail:
                sys.exit(f"ClickHouse failed on: {body}\n{e}")
            continue
        if must_fail:
            print(f"warning: ClickHouse accepts a statement the case expects to fail: {body}",
                  file=sys.stderr)
            continue
        # As run_case.sh does with tally's output: JSON statistics depend on the machine.
        out.write(STATISTICS.sub(rb'"\1": 0', result.bytes()))


if __name__ == "__main__":
    main()
