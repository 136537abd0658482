#!/usr/bin/env bash
# Runs tests/server/js_client/client_test.mjs with the pinned @clickhouse/client: `npm ci`
# installs package-lock.json's exact versions into WORK on first use and again when the
# lock file changes. Usage: js_client_run.sh WORK TALLY. Fails, saying why, when node or
# npm is missing or the install fails: the test never passes without having run.
set -euo pipefail
WORK="$1"
TALLY="$2"
HERE="$(cd "$(dirname "$0")" && pwd)/js_client"
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (Debian: apt-get install nodejs npm; make deps does)" >&2; exit 1; }
done
mkdir -p "$WORK"
if ! cmp -s "$HERE/package-lock.json" "$WORK/.package-lock.json"; then
  echo "js client test: installing $(grep -o '"@clickhouse/client": "[^"]*"' "$HERE/package.json") into $WORK"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK/"
  if ! (cd "$WORK" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "FAIL: npm could not install the pinned packages of $HERE/package-lock.json into $WORK" >&2
    exit 1
  fi
  cp "$HERE/package-lock.json" "$WORK/.package-lock.json"
fi
cp "$HERE/client_test.mjs" "$WORK/"
exec node "$WORK/client_test.mjs" "$TALLY"
