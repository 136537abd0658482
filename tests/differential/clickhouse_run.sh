#!/usr/bin/env bash
# Runs the ClickHouse differential test (clickhouse_difftest.py) in a virtualenv with the
# pinned chDB (clickhouse_requirements.txt), made in VENV on first use and remade when the
# pins change (tests/venv_run.sh). Usage: clickhouse_run.sh VENV TALLY [SCRIPT]: SCRIPT (a
# file in this directory, default clickhouse_difftest.py) runs with TALLY as its argument.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
exec "$HERE/../venv_run.sh" "$1" "$HERE/clickhouse_requirements.txt" "$HERE/${3:-clickhouse_difftest.py}" "$2"
