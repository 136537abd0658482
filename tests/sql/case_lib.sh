# Helpers for tests/sql/<name>.sh cases (sourced: `source "$CASE_LIB"`). run_case.sh sets
# TALLY (the binary) and DATA (a fresh data directory for this case).
set -euo pipefail

# `tally local` on the case's data directory, TabSeparated unless --format follows.
tally_local() {
  "$TALLY" local --data "$DATA" --format TabSeparated "$@"
}

# expect_error TEXT COMMAND...: COMMAND must exit non-zero with TEXT in its stderr. Prints
# nothing, so the reference holds only what succeeded; stops the case otherwise.
expect_error() {
  local want="$1" err
  shift
  if err=$("$@" 2>&1 >/dev/null); then
    echo "FAIL: should have failed with '$want': $*" >&2
    exit 1
  fi
  if ! grep -qF -- "$want" <<<"$err"; then
    echo "FAIL: error should contain '$want', got: $err" >&2
    exit 1
  fi
}

# expect_output TEXT COMMAND...: COMMAND must succeed with TEXT in its stdout. Prints
# nothing: for output that is tally's own (EXPLAIN details), not part of the reference.
expect_output() {
  local want="$1" out
  shift
  out=$("$@") || { echo "FAIL: failed: $*" >&2; exit 1; }
  if ! grep -qF -- "$want" <<<"$out"; then
    echo "FAIL: output should contain '$want', got: $out" >&2
    exit 1
  fi
}
