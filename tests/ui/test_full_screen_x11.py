"""`kiosk run` on a real X server with no window manager (what `./kiosk.sh run` gives on a machine
without a display: xvfb-run) covers the whole screen. Offscreen Qt sizes a full-screen window by
itself; a bare X server does not, and the kiosk once painted 676 × 512 of a 1366 × 768 screen."""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SCREEN = (1366, 768)

# Grabs the X screen with Qt (no X tools needed) and prints the share of its pixels that are
# the server's black background, that is, not painted by any window.
GRAB = """
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
image = app.primaryScreen().grabWindow(0).toImage()
w, h = image.width(), image.height()
step = 8
points = [(x, y) for x in range(0, w, step) for y in range(0, h, step)]
black = sum(1 for x, y in points if image.pixel(x, y) & 0xFFFFFF == 0)
print(w, h, black / len(points))
"""


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "xvfb.log").open("wb"),
    )
    os.close(write)
    with os.fdopen(read) as chosen:
        number = chosen.readline().strip()  # written once the server accepts connections
    if not number:
        server.kill()
        pytest.fail(f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text(errors='replace')}")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _grab(display: str) -> tuple[int, int, float]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    out = subprocess.run(
        [sys.executable, "-c", GRAB], capture_output=True, text=True, env=env, timeout=60, check=True
    ).stdout.split()
    return int(out[0]), int(out[1]), float(out[2])


def _ready_from(notify: socket.socket, pid: int, within_s: float) -> bool:
    """Whether process `pid` itself (not its station worker child) says READY=1 (sd_notify(3)):
    the kiosk does once its own window, not the first frame, has painted."""
    creds = struct.calcsize("3i")
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        notify.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data, ancillary, _, _ = notify.recvmsg(4096, socket.CMSG_SPACE(creds))
        except TimeoutError:
            return False
        sender = next(
            (
                struct.unpack("3i", d[:creds])[0]
                for level, kind, d in ancillary
                if kind == socket.SCM_CREDENTIALS
            ),
            None,
        )
        if sender == pid and b"READY=1" in data.split(b"\n"):
            return True
    return False


def test_the_kiosk_covers_the_whole_screen_without_a_window_manager(tmp_path: Path, x_display: str) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n\n[voice]\nengine = "off"\n', "utf-8")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    notify.bind(str(tmp_path / "notify"))
    env = {
        **os.environ,
        "DISPLAY": x_display,
        "QT_QPA_PLATFORM": "xcb",
        "NOTIFY_SOCKET": str(tmp_path / "notify"),
    }
    log = (tmp_path / "kiosk.log").open("wb")
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "kiosk.app.cli", "--config", str(config), "run", "--demo"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        ready = _ready_from(notify, kiosk.pid, within_s=90)
        assert kiosk.poll() is None, (tmp_path / "kiosk.log").read_text(errors="replace")
        assert ready, "the kiosk's window never painted"
        width, height, unpainted = _grab(x_display)
        assert (width, height) == SCREEN
        assert unpainted < 0.01, f"{unpainted:.0%} of the screen is not the kiosk's"
    finally:
        notify.close()
        os.killpg(kiosk.pid, signal.SIGTERM)
        try:
            kiosk.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(kiosk.pid, signal.SIGKILL)
            kiosk.wait(timeout=30)
