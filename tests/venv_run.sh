#!/usr/bin/env bash
# Runs a Python script in a virtualenv holding pinned packages: the virtualenv is made in
# VENV on first use and remade when REQUIREMENTS changes. Usage:
#   venv_run.sh VENV REQUIREMENTS SCRIPT [ARGS...]
# Fails, saying why, if the virtualenv or the packages cannot be installed: a test run
# this way never passes without having run.
set -euo pipefail
VENV="$1"
REQUIREMENTS="$2"
SCRIPT="$3"
shift 3
STAMP="$VENV/.requirements.txt"

if ! { [ -x "$VENV/bin/python" ] && cmp -s "$REQUIREMENTS" "$STAMP"; }; then
  echo "$(basename "$SCRIPT"): installing $(grep -vE '^\s*(#|$)' "$REQUIREMENTS" | tr '\n' ' ')into $VENV"
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
exec "$VENV/bin/python" "$SCRIPT" "$@"
