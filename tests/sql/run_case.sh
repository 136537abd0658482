#!/usr/bin/env bash
# Runs one SQL-level case: tests/sql/<name>.sql through `tally local` on a fresh data
# directory, and compares stdout with <name>.reference. Statements that must fail are
# written with a trailing comment `-- error: <text>` on their own line group: the runner
# executes the file as one script, so a case that checks errors uses <name>.sh instead.
set -euo pipefail
TALLY="$1"
CASE="$2"
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
expected="${CASE%.sql}.reference"
actual="$DIR/actual"
if ! "$TALLY" local --data "$DIR/data" --format TabSeparated < "$CASE" > "$actual" 2> "$DIR/stderr"; then
  echo "FAIL: $CASE exited non-zero" >&2
  cat "$DIR/stderr" >&2
  exit 1
fi
if ! diff -u "$expected" "$actual"; then
  echo "FAIL: $CASE output differs from $expected" >&2
  exit 1
fi
