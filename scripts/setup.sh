#!/usr/bin/env bash
# Installs what the kiosk needs on a fresh Debian 12 machine (as root) and a venv in .venv.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3 python3-venv python3-dev build-essential swig libpcsclite-dev pcscd vsmartcard-vpcd pcsc-tools postgresql
  cups printer-driver-cups-pdf libcups2-dev libusb-1.0-0
  cage xvfb xauth fonts-noto-core poppler-utils zbar-tools libzbar0 espeak-ng pulseaudio pulseaudio-utils strace
  chromium chromium-driver
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0
  libxcb-xinerama0 libxcb-image0
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -e ".[test]"
  touch "$stamp"
fi
# Byte-code for our own packages: the station runs them as an unprivileged user that cannot write
# __pycache__ (and shells with PYTHONDONTWRITEBYTECODE never do), so without this every start
# compiles ~100 modules from source (≈0.4 s of the kiosk's launch, measured: bench/README_startup.md).
"$VENV/bin/python" -m compileall -q -j 0 kiosk ui devices db console hub >/dev/null
