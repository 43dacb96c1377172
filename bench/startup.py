"""Launch → idle screen painted, and memory at idle (PSS), beside a bare PySide6 window.

Each figure is the median of several cold process launches (warm OS caches: one launch is
discarded first). The bare window is six QLabel pages in a QStackedWidget, measured in the same
run, so results compare across noisy machines. Run: .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import os, sys, time
T0 = float(sys.argv[2])
mode = sys.argv[1]
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget

def pss_mb():
    for line in open("/proc/self/smaps_rollup"):
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")

class FirstPaint(QObject):
    def __init__(self, on_paint):
        super().__init__()
        self.on_paint = on_paint
        self.done = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            self.on_paint()
        return False

app = QApplication(sys.argv[:1])
painted = {}
def report_later():
    painted["t"] = time.time() - T0
    # Let background warm-up (database, reportlab) finish, then measure memory at idle.
    QTimer.singleShot(2500, lambda: (print(f"{painted['t']:.4f} {pss_mb():.1f}", flush=True), app.quit()))

if mode == "bare":
    stack = QStackedWidget()
    for i in range(6):
        stack.addWidget(QLabel(f"Screen {i}"))
    watcher = FirstPaint(report_later)
    stack.currentWidget().installEventFilter(watcher)
    stack.resize(1366, 768)
    stack.show()
else:
    from kiosk.config import load_config
    from ui.app import KioskUi
    config = load_config(overrides={"paths.data_dir": sys.argv[3]}, demo=True, environ={})
    ui = KioskUi(config, windowed=True)
    watcher = FirstPaint(report_later)
    ui.window.screens["idle"].installEventFilter(watcher)
    ui.show()
app.exec()
"""


def launch(mode: str, data_dir: str) -> tuple[float, float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, repr(t0), data_dir],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main(runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        results: dict[str, list[tuple[float, float]]] = {"bare": [], "kiosk": []}
        for mode in results:
            launch(mode, data_dir)  # warm caches, create the database
        for _ in range(runs):
            for mode in results:  # interleaved: both see the same machine load
                results[mode].append(launch(mode, data_dir))
    for mode, rows in results.items():
        paint = statistics.median(r[0] for r in rows)
        pss = statistics.median(r[1] for r in rows)
        print(
            f"{mode:6s} launch→idle painted {paint * 1000:6.0f} ms   "
            f"PSS at idle {pss:6.1f} MB   (median of {runs})"
        )


if __name__ == "__main__":
    main()
