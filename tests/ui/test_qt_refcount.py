"""The Qt binding must not lose references to Python objects: PySide6 6.12.0 dropped one reference
to None at every Qt call returning nothing (setText, show, …), and after ~20,000 of them the
interpreter aborts with "none_dealloc" — a kiosk dies within a day. pyproject.toml excludes it."""

from __future__ import annotations

import subprocess
import sys

CALLS = 50_000  # more than None's references at start-up (~20,000): the bug ends the process

PROGRAM = f"""
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QPushButton
app = QApplication([])
button = QPushButton()
before = sys.getrefcount(None)
for _ in range({CALLS}):
    button.setText("Gọi cán bộ")
print(sys.getrefcount(None) - before)
"""


def test_void_qt_calls_keep_their_references() -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the interpreter died: {done.stderr[-300:]}"
    assert abs(int(done.stdout.strip())) < 100  # no steady loss per call
