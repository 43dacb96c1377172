#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest (Qt offscreen; fixtures start pcscd/cupsd themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export QT_QPA_PLATFORM=offscreen
"$VENV/bin/ruff" check kiosk ui devices db console hub tests bench
"$VENV/bin/mypy"
# Two workers (KIOSK_TEST_WORKERS=0: one process); tests/conftest.py groups what must not run at once.
WORKERS=${KIOSK_TEST_WORKERS:-2}
if [ "$WORKERS" = 0 ]; then
  "$VENV/bin/python" -m pytest "$@"
else
  "$VENV/bin/python" -m pytest -n "$WORKERS" --dist loadgroup "$@"
fi
