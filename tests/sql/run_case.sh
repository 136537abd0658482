#!/usr/bin/env bash
# Runs one SQL-level case on a fresh data directory and compares its stdout with
# <name>.reference. Usage: run_case.sh TALLY CASE, where CASE is
#
#   <name>.sql  statements for `tally local`, fed on stdin, output TabSeparated unless a
#               statement says FORMAT. A statement ends on a line whose last character is
#               ';'. A statement that must fail ends with `; -- error: <text>` on its last
#               line: it runs alone and must exit non-zero with <text> in its error message
#               (it adds nothing to the output). The statements between two such ones run as
#               one script, so SET and USE last until the next failing statement.
#               <name>.args, if present, holds extra `tally local` arguments, one per line
#               (`--param_x=5`, `--format=JSON`), used for every run of the case.
#   <name>.sh   a bash script, for data on stdin (INSERT ... FORMAT) and command-line flags;
#               it sources case_lib.sh (see there) and prints what it wants compared.
#
# In JSON output the "statistics" values (elapsed time, rows and bytes read) are replaced
# by 0 before comparing: they depend on the machine and the storage layout.
set -euo pipefail
TALLY="$1"
CASE="$2"
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
expected="${CASE%.*}.reference"
actual="$DIR/actual"
: > "$actual"

fail() {
  echo "FAIL: $CASE: $*" >&2
  exit 1
}

normalize() {
  sed -E 's/^(\t\t"(elapsed|rows_read|bytes_read)": )[0-9.eE+-]+/\10/'
}

if [[ "$CASE" == *.sh ]]; then
  TALLY="$TALLY" DATA="$DIR/data" CASE_LIB="$(dirname "$0")/case_lib.sh" \
    bash "$CASE" 2> "$DIR/stderr" | normalize > "$actual" || fail "script failed: $(cat "$DIR/stderr")"
  [ -s "$DIR/stderr" ] && cat "$DIR/stderr" >&2
else
  args=()
  if [ -f "${CASE%.sql}.args" ]; then
    while IFS= read -r a; do [ -n "$a" ] && args+=("$a"); done < "${CASE%.sql}.args"
  fi
  # Runs the statements gathered so far (if any) as one script that must succeed.
  group="$DIR/group.sql"
  : > "$group"
  run_group() {
    if grep -q '[^[:space:]]' "$group"; then
      "$TALLY" local --data "$DIR/data" --format TabSeparated "${args[@]}" < "$group" 2> "$DIR/stderr" |
        normalize >> "$actual" || fail "exited non-zero: $(cat "$DIR/stderr")"
    fi
    : > "$group"
  }
  statement=""
  while IFS= read -r line || [ -n "$line" ]; do
    statement+="$line"$'\n'
    if [[ "$line" =~ \;[[:space:]]*--[[:space:]]*error:[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]]; then
      want="${BASH_REMATCH[1]}"
      run_group
      if "$TALLY" local --data "$DIR/data" --format TabSeparated "${args[@]}" <<< "$statement" \
          >> "$actual" 2> "$DIR/stderr"; then
        fail "should have failed with '$want': $statement"
      fi
      grep -qF -- "$want" "$DIR/stderr" || fail "error should contain '$want', got: $(cat "$DIR/stderr")"
      statement=""
    elif [[ "$line" =~ \;[[:space:]]*$ ]]; then
      printf '%s' "$statement" >> "$group"
      statement=""
    fi
  done < "$CASE"
  printf '%s' "$statement" >> "$group"
  run_group
fi

if ! diff -u "$expected" "$actual"; then
  fail "output differs from $expected"
fi
