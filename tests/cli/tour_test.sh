#!/usr/bin/env bash
# End-to-end test of `tally local` as a user runs it: build a table, look at it, verify
# it, and see clear errors for what it does not do.
set -euo pipefail
TALLY="$1"
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The README's tour, run as printed (readme_tour.py says how it reads it).
python3 "$(dirname "$0")/readme_tour.py" "$(dirname "$0")/../../README.md" "$TALLY"

out=$("$TALLY" local --data "$DIR" --query ".demo events 30000; .tables; .parts events")
grep -q "inserted 30000 rows into events" <<<"$out" || fail "demo insert: $out"
grep -qx "events" <<<"$out" || fail ".tables: $out"
grep -q "30000 rows" <<<"$out" || fail ".parts total: $out"

# Data survives the process: a second invocation sees it.
out=$("$TALLY" local --data "$DIR" --query ".head events 2")
[ "$(wc -l <<<"$out")" -eq 3 ] || fail ".head 2 should print a header and 2 rows: $out"
head -1 <<<"$out" | grep -q "^time	tenant	metric" || fail "header: $out"
sed -n 2p <<<"$out" | grep -Eq "^2026-1[01]-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}	tenant_" || fail "row format: $out"

out=$("$TALLY" local --data "$DIR" --query ".schema events")
grep -q "PARTITION BY toYYYYMM(time)" <<<"$out" || fail ".schema: $out"
grep -q "\`tenant\` LowCardinality(String)" <<<"$out" || fail ".schema column: $out"

# Commands from stdin, as in a script.
out=$(printf '.check events\n' | "$TALLY" local --data "$DIR")
grep -q "all checksums verified" <<<"$out" || fail ".check: $out"

# A piped script mixes SQL and dot-commands line by line: a line that starts with '.' where
# a statement would start is a command, SQL runs at each ';' (not one inside a string),
# VALUES may span lines, and the lines after INSERT ... FORMAT are its data.
out=$(printf 'SELECT 1;\n.demo piped 1000 7\n-- a comment\n.tables\nSELECT count()\n  FROM piped;\n' |
      "$TALLY" local --data "$DIR/piped")
[ "$(sed -n 1p <<<"$out")" = "1" ] || fail "piped SQL before a command: $out"
sed -n 2p <<<"$out" | grep -q "^inserted 1000 rows into piped in" || fail "piped .demo: $out"
[ "$(sed -n '3,$p' <<<"$out")" = "$(printf 'piped\n1000')" ] || fail "piped .tables and SQL: $out"
out=$("$TALLY" local --data "$DIR/piped" <<'EOF'
CREATE TABLE v (x UInt64, s String) ENGINE = MergeTree ORDER BY x;
INSERT INTO v VALUES
  (1, 'a;'),
  (2, 'b');
.parts v
SELECT 'two
.lines;' AS s;
INSERT INTO v FORMAT JSONEachRow
{"x":3,"s":"c"}
{"x":4,"s":".d"}
EOF
)
grep -q -- "-- 1 part, 2 rows" <<<"$out" || fail "piped .parts after a VALUES insert: $out"
grep -qxF 'two\n.lines;' <<<"$out" || fail "piped string with a line break: $out"
[ "$("$TALLY" local --data "$DIR/piped" --query "SELECT x, s FROM v ORDER BY x")" = "$(printf '1\ta;\n2\tb\n3\tc\n4\t.d')" ] ||
  fail "piped inserts: $("$TALLY" local --data "$DIR/piped" --query "SELECT x, s FROM v ORDER BY x")"
# The first error stops the script with exit code 1, as in clickhouse-local.
for bad in 'SELECT nope;' '.nope'; do
  if out=$(printf 'SELECT 1;\n%s\nSELECT 2;\n' "$bad" | "$TALLY" local --data "$DIR/piped" 2>/dev/null); then
    fail "'$bad' in a piped script should fail it"
  fi
  [ "$out" = "1" ] || fail "the piped script went on after '$bad': $out"
done

# SQL: a query, a parameter, and a syntax error reported with its position.
out=$("$TALLY" local --data "$DIR" --query "SELECT count() FROM events")
[ "$out" = "30000" ] || fail "count(): $out"
out=$("$TALLY" local --data "$DIR" --param_t=tenant_0 --query "SELECT count() > 0 FROM events WHERE tenant = {t:String}")
[ "$out" = "1" ] || fail "parameter: $out"
if err=$("$TALLY" local --data "$DIR" --query "SELECT count( FROM events" 2>&1); then fail "bad SQL should fail"; fi
grep -q "line 1, column" <<<"$err" || fail "syntax error position: $err"
if err=$("$TALLY" local --data "$DIR" --query ".nope" 2>&1); then fail "unknown command should fail"; fi
grep -q "unknown command '.nope'" <<<"$err" || fail "unknown command text: $err"

# INSERT ... FORMAT with the data on stdin.
printf '{"time":"2026-10-05 10:00:00","tenant":"cli","metric":"m","path":"/x","method":"GET","status":200,"region":"r","country":"DE","user_id":1,"value":7,"id":"00000000-0000-0000-0000-000000000001"}\n' |
  "$TALLY" local --data "$DIR" --query "INSERT INTO events FORMAT JSONEachRow"
out=$("$TALLY" local --data "$DIR" --query "SELECT sum(value) FROM events WHERE tenant = 'cli'")
[ "$out" = "7" ] || fail "insert from stdin: $out"

# OPTIMIZE merges the demo's part and the inserted one; the answers stay.
before=$("$TALLY" local --data "$DIR" --query "SELECT count(), sum(value), uniqExact(id) FROM events")
"$TALLY" local --data "$DIR" --query "OPTIMIZE TABLE events FINAL"
out=$("$TALLY" local --data "$DIR" --query ".parts events")
grep -q -- "-- 1 part, 30001 rows" <<<"$out" || fail "OPTIMIZE should leave one part: $out"
[ "$("$TALLY" local --data "$DIR" --query "SELECT count(), sum(value), uniqExact(id) FROM events")" = "$before" ] ||
  fail "OPTIMIZE changed the answers"

# The interactive shell (stdin a terminal: `script` gives it one) merges parts in the
# background: six single-row inserts do not stay six parts. Scripted runs never do.
if command -v script > /dev/null && script -qc true /dev/null > /dev/null 2>&1 < /dev/null; then
  "$TALLY" local --data "$DIR/shell" --query "CREATE TABLE t (x UInt64) ENGINE = MergeTree ORDER BY x"
  out=$( (for i in 1 2 3 4 5 6; do echo "INSERT INTO t VALUES ($i);"; done
          echo "SELECT sum(number) FROM numbers(300000000);"; echo ".quit") |
        script -qc "$TALLY local --data $DIR/shell" /dev/null 2>&1)
  parts=$("$TALLY" local --data "$DIR/shell" --query "SELECT count(), sum(rows) FROM system.parts")
  [ "$(cut -f2 <<<"$parts")" = "6" ] || fail "interactive inserts: $parts / $out"
  [ "$(cut -f1 <<<"$parts")" -lt 6 ] || fail "the interactive shell did not merge: $parts"
else
  echo "skipped the interactive merge check: no 'script' command or no pseudo-terminal to give the shell"
fi

# --time: one line of seconds per statement on stderr; the results stay on stdout.
out=$("$TALLY" local --data "$DIR" --time --query "SELECT 1; SELECT count() >= 30000 FROM events" 2>"$DIR/time.err")
[ "$out" = "$(printf '1\n1')" ] || fail "--time stdout: $out"
[ "$(wc -l < "$DIR/time.err")" -eq 2 ] || fail "--time should print two lines: $(cat "$DIR/time.err")"
grep -Eqvx '[0-9]+\.[0-9]{6}' "$DIR/time.err" && fail "--time lines are seconds: $(cat "$DIR/time.err")"

# INSERT data on stdin, streamed: a bad row is reported by number and stores nothing.
"$TALLY" local --data "$DIR" --query "CREATE TABLE s (id UInt32, v String) ENGINE = MergeTree ORDER BY id"
printf '{"id":1,"v":"a"}\n{"id":2,"v":"b"}\n' | "$TALLY" local --data "$DIR" --query "INSERT INTO s FORMAT JSONEachRow"
if err=$(printf '{"id":3}\n{"id":"x"}\n' | "$TALLY" local --data "$DIR" --query "INSERT INTO s FORMAT JSONEachRow" 2>&1); then
  fail "a bad row should fail the insert"
fi
grep -q "row 2, column 'id'" <<<"$err" || fail "bad row error: $err"
[ "$("$TALLY" local --data "$DIR" --query "SELECT count() FROM s")" = "2" ] || fail "a failed insert stored rows"

# A flipped byte in a column file is found by .check, with the part and file named.
bin=$(find "$DIR/tables" -name 'value.bin' | head -1)
size=$(stat -c %s "$bin")
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(int(sys.argv[2])); b=f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0]^0xff]))' "$bin" $((size / 2))
if err=$("$TALLY" local --data "$DIR" --query ".check events" 2>&1); then fail ".check should fail on a flipped byte"; fi
grep -q "Code: 246. .*(CORRUPTED_DATA)" <<<"$err" || fail "corruption error: $err"
grep -q "value.bin" <<<"$err" || fail "corruption error names the file: $err"

# Truncating it makes the next open move the part aside, and say so.
truncate -s $((size / 2)) "$bin"
err=$("$TALLY" local --data "$DIR" --query ".recovery" 2>&1) || fail "open after truncation: $err"
grep -q "set aside broken part" <<<"$err" || fail "recovery report: $err"
ls "$(dirname "$(dirname "$bin")")/detached/" | grep -q '\.reason$' || fail "no .reason file"
echo "1 passed, 0 failed"
