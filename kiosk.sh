#!/usr/bin/env bash
# ./kiosk.sh run   — install what is needed (apt, venv) and start the kiosk in demo mode
# ./kiosk.sh test  — install the same and run the whole test suite (what CI runs)
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
case "${1:-run}" in
  run)
    shift || true
    # The voice's clips, made ahead (once: ~40 s on a station PC; then only new texts).
    .venv/bin/kiosk voice build || echo "kiosk: clips not built; each sentence is rendered at first use" >&2
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      echo "kiosk: no display found; running on a virtual screen (xvfb-run)" >&2
      exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/kiosk run --demo "$@"
    fi
    exec .venv/bin/kiosk run --demo "$@"
    ;;
  test)
    shift || true
    exec bash scripts/test.sh "$@"
    ;;
  *)
    echo "usage: ./kiosk.sh [run [--windowed] | test [pytest args]]" >&2
    exit 2
    ;;
esac
