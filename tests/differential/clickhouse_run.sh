#!/usr/bin/env bash
# Runs the ClickHouse differential test (clickhouse_difftest.py) in a virtualenv with the
# pinned chDB (clickhouse_requirements.txt), made in VENV on first use and remade when the
# pins change. Usage: clickhouse_run.sh VENV TALLY [SCRIPT]: SCRIPT (a file in this
# directory, default clickhouse_difftest.py) runs with TALLY as its argument. Fails, saying
# why, if the virtualenv or the packages cannot be installed: the test never passes without
# having run.
set -euo pipefail
VENV="$1"
TALLY="$2"
SCRIPT="${3:-clickhouse_difftest.py}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REQUIREMENTS="$HERE/clickhouse_requirements.txt"
STAMP="$VENV/.clickhouse_requirements.txt"

if ! { [ -x "$VENV/bin/python" ] && cmp -s "$REQUIREMENTS" "$STAMP"; }; then
  echo "clickhouse differential test: installing $(grep -E '^chdb' "$REQUIREMENTS" | tr '\n' ' ')into $VENV"
  if ! { [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"; }; then
    echo "FAIL: cannot create a virtualenv at $VENV (python3 -m venv; Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"; then
    echo "FAIL: pip could not install the pinned packages of $REQUIREMENTS into $VENV" >&2
    exit 1
  fi
  cp "$REQUIREMENTS" "$STAMP"
fi
exec "$VENV/bin/python" "$HERE/$SCRIPT" "$TALLY"
