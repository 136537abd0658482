#!/usr/bin/env bash
# The layers of CMakeLists.txt, checked on every #include: a file may include its own
# layer and the layers below it, never one above; with the build directory, also every
# symbol: no library uses one that only a library above it defines.
# Usage: layering_test.sh REPO_ROOT [BUILD_DIR].
#
#   format/                      bytes only
#   engine/exec, engine/sql      bound expressions and the SQL front end (tally_expr);
#                                engine/block.h, the column-block type, and
#                                engine/error_code.h (header-only) are theirs too
#   engine/*.{h,cc}              the storage core (tally_engine)
#   engine/query                 statements run on a Database (tally_query)
#   server/, tools/              the front ends
set -euo pipefail
cd "$1"
status=0

# check DIR_GLOB FORBIDDEN_REGEX WHY: every include in the files matching DIR_GLOB that
# matches FORBIDDEN_REGEX is a violation.
check() {
  local files=$1 forbidden=$2 why=$3
  local hits
  # shellcheck disable=SC2086
  hits=$(grep -Hn -E "^#include \"($forbidden)" $files 2>/dev/null || true)
  if [ -n "$hits" ]; then
    echo "FAIL: $why:"
    echo "$hits"
    status=1
  fi
}

check "format/*.h format/*.cc" "engine/|server/|tools/" "format/ includes a higher layer"
# grep -E has no look-ahead: list the core headers tally_expr may not use instead.
core_headers=$(cd engine && ls *.h | grep -v -E '^(block|error_code)\.h$' | sed 's/\./\\./' | paste -sd'|' -)
check "engine/exec/* engine/sql/*" "engine/($core_headers)" "tally_expr includes the storage core"
check "engine/exec/* engine/sql/*" "engine/query/|server/|tools/" "tally_expr includes a higher layer"
check "engine/*.h engine/*.cc engine/merge_rules/*" "engine/query/|server/|tools/" "the storage core includes a higher layer"
check "engine/query/*" "server/|tools/" "engine/query includes a front end"
# SELECT execution hands its sources and UNION ALL a runner (SelectRunner) instead.
check "engine/query/select_source.* engine/query/select_union.*" "engine/query/select\.h" \
  "a piece below SELECT execution includes select.h"

# server/ drives the engine through its public headers only: engine/database.h,
# engine/query/session.h and engine/error_code.h (the embedding API), and the format/ value
# and status helpers their signatures use.
hits=$(grep -Hn -E '^#include "(engine|format)/' server/*.h server/*.cc 2>/dev/null |
       grep -v -E '#include "(engine/database\.h|engine/query/session\.h|engine/error_code\.h|format/value\.h|format/status_macros\.h)"' || true)
if [ -n "$hits" ]; then
  echo "FAIL: server/ includes an engine header that is not public:"
  echo "$hits"
  status=1
fi

# check_symbols LOWER HIGHER: LOWER's undefined symbols that HIGHER defines.
check_symbols() {
  local lower=$1 higher=$2 hits
  hits=$(comm -12 <(nm -u "$lower" | awk '{print $NF}' | sort -u) \
                  <(nm --defined-only "$higher" | awk '$2 ~ /[TWDBR]/ {print $3}' | sort -u))
  if [ -n "$hits" ]; then
    echo "FAIL: $(basename "$lower") uses symbols of $(basename "$higher"):"
    echo "$hits" | head -20 | c++filt
    status=1
  fi
}
if [ $# -ge 2 ]; then
  b=$2
  check_symbols "$b/libtally_format.a" "$b/libtally_expr.a"
  check_symbols "$b/libtally_format.a" "$b/libtally_engine.a"
  check_symbols "$b/libtally_expr.a" "$b/libtally_engine.a"
  check_symbols "$b/libtally_expr.a" "$b/libtally_query.a"
  check_symbols "$b/libtally_engine.a" "$b/libtally_query.a"
  check_symbols "$b/libtally_query.a" "$b/libtally_server.a"
fi

if [ $status -eq 0 ]; then echo "layering: every include goes down"; fi
exit $status
