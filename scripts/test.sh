#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest (Qt offscreen; fixtures start pcscd/cupsd themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export QT_QPA_PLATFORM=offscreen
"$VENV/bin/ruff" check kiosk ui devices db console hub tests bench
"$VENV/bin/mypy"
"$VENV/bin/python" -m pytest "$@"
