#!/usr/bin/env bash
# Install the DfE's own validators (SSDA903 and CIN census) into a venv of their own.
#
# They pin pandas 1.x and numpy 1.x, so they must never be careboard dependencies; the
# conformance tests (tests/conformance/) run them in this venv through small driver scripts.
# Idempotent: when the venv already holds exactly these versions it returns at once.
#
# Usage: scripts/validators.sh [VENV_DIR]   (default: $CAREBOARD_VALIDATORS_VENV or .venv-validators)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${1:-${CAREBOARD_VALIDATORS_VENV:-.venv-validators}}"
PYTHON="${VALIDATORS_PYTHON:-python3.11}"
# Pinned: a new validator release may change rules; move these deliberately.
PINS=(
    "csc-validator-be-903==0.1.17"
    "csc-validator-be-cin==0.1.13"
)
STAMP="$VENV/.careboard-pins"
WANT="$(printf '%s\n' "${PINS[@]}")"

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
    echo "validators already installed in $VENV"
    exit 0
fi

command -v "$PYTHON" >/dev/null || PYTHON=python3
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
# Import once so a broken install fails here, not in the middle of the tests.
"$VENV/bin/python" -c "import lac_validator.rules.lac2024_25, cin_validator.rules.cin2024_25" >/dev/null 2>&1
printf '%s\n' "$WANT" > "$STAMP"
echo "validators installed in $VENV"
