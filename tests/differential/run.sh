#!/usr/bin/env bash
# Runs the differential test (difftest.py) in a virtualenv with the pinned DuckDB, made in
# VENV on first use. Usage: run.sh VENV TALLY. Fails, saying why, if the virtualenv or the
# package cannot be installed: the test never passes without having run.
set -euo pipefail
VENV="$1"
TALLY="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
REQUIREMENTS="$HERE/requirements.txt"
want=$(grep -E '^duckdb==' "$REQUIREMENTS" | cut -d= -f3)

have=""
if [ -x "$VENV/bin/python" ]; then
  have=$("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null || true)
fi
if [ "$have" != "$want" ]; then
  echo "differential test: installing duckdb==$want into $VENV"
  if ! { [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"; }; then
    echo "FAIL: cannot create a virtualenv at $VENV (python3 -m venv; Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"; then
    echo "FAIL: pip could not install the pinned duckdb==$want from $REQUIREMENTS into $VENV" >&2
    exit 1
  fi
fi
exec "$VENV/bin/python" "$HERE/difftest.py" "$TALLY"
