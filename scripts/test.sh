#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest (Qt offscreen; fixtures start pcscd/cupsd themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export QT_QPA_PLATFORM=offscreen
"$VENV/bin/ruff" check kiosk ui devices db console hub tests bench
"$VENV/bin/mypy"
# Two workers (KIOSK_TEST_WORKERS=0: one process), each test file whole on one of them; the files
# that drive the machine's one pcscd take turns (a lock in tests/devices/card/conftest.py).
# The whole run is bounded too (a process that never exits at the end is no test's fault).
WORKERS=${KIOSK_TEST_WORKERS:-2}
BOUND=(timeout --kill-after=60 "${KIOSK_TEST_LIMIT:-45m}")
if [ "$WORKERS" = 0 ]; then
  "${BOUND[@]}" "$VENV/bin/python" -m pytest "$@"
else
  "${BOUND[@]}" "$VENV/bin/python" -m pytest -n "$WORKERS" --dist loadfile "$@"
fi
