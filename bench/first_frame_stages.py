"""Where `kiosk run`'s time to its first frame goes, stage by stage, beside a bare PySide6 window.

Each launch is a fresh interpreter under an Xvfb this script starts, timing from its exec to the
stages of `kiosk run --demo --windowed` as `kiosk.app.cli` and `ui.launch` run them (CLI modules
and config, PySide6.QtWidgets, `ui.launch`, QApplication, the first frame's modules, `FirstFrame()`,
shown, painted), up to the frame's paint as the process sees it. The bare window
(bench/bare_window.py's) is timed the same way, its stages in the same rows. Launches of the
variants are interleaved; medians. bench/startup.py gives the figure seen from outside (X damage);
this one says where it goes.

    .venv/bin/python bench/first_frame_stages.py --kiosk main=/tmp/main --kiosk this=. [--rounds 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from startup import xvfb  # bench/ is on sys.path when run as a script

STAGES = ("cli+config", "QtWidgets", "ui.launch", "QApplication", "modules", "FirstFrame", "shown", "painted")

PRELUDE = """
import time, sys
T = [time.monotonic()]
def mark():
    T.append(time.monotonic())
def done():
    mark()
    print(" ".join(f"{(t - T[0]) * 1000:.2f}" for t in T[1:]), f"{T[0]:.6f}", flush=True)
    QApplication.instance().quit()
"""

BARE = (
    PRELUDE
    + """
mark()
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
mark(); mark()
app = QApplication(sys.argv[:1])
mark(); mark()
from PySide6.QtCore import QTimer
class Window(QWidget):
    def paintEvent(self, event):
        super().paintEvent(event)
        QTimer.singleShot(0, done)
window = Window()
window.setWindowTitle("Kiosk")
QVBoxLayout(window).addWidget(QLabel("Chạm vào màn hình để bắt đầu"))
mark()
window.resize(1366, 768)
window.show()
mark()
app.exec()
"""
)

KIOSK = (
    PRELUDE
    + """
if {gc_off}:
    import gc; gc.disable()  # as this tree's `cmd_run` does
import argparse, logging
from kiosk.config import load_config
from kiosk.station_lock import StationLock
config = load_config(None, demo=True)
mark()
from PySide6.QtWidgets import QApplication
mark()
import ui.launch as launch
mark()
app = QApplication(sys.argv[:1])
mark()
try:
    from ui.first_frame import FirstFrame
except ImportError:  # an older tree: the first frame lived in ui.compose
    from ui.compose import FirstFrame
from ui.theme import Metrics
mark()
metrics = Metrics.of(*launch.screen_size(True), config.ui.screen_diagonal_inch, QApplication.primaryScreen())
if hasattr(FirstFrame, "when_painted"):
    first = FirstFrame(config.ui.theme, metrics, config.ui.language, config.cache_dir / "pictograms")
    first.when_painted(done)
else:
    first = FirstFrame(config.ui.theme, metrics, config.ui.language)
    probe = launch.FirstPaint(done)
    first.installEventFilter(probe)
mark()
getattr(launch, "present_first", launch.present)(first, windowed=True)
mark()
app.exec()
"""
)


def launch_once(code: str, env: dict[str, str], cwd: Path) -> list[float]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    fields = done.stdout.split()
    if done.returncode != 0 or len(fields) != len(STAGES) + 1:
        raise RuntimeError(done.stderr[-2000:])
    exec_ms = (float(fields[-1]) - start) * 1000
    return [exec_ms, *(float(f) for f in fields[:-1])]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--kiosk", action="append", metavar="LABEL=TREE")
    args = parser.parse_args()
    trees = [(s.split("=", 1)[0], Path(s.split("=", 1)[1]).resolve()) for s in args.kiosk or ["this=."]]
    print(f"load before: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    with tempfile.TemporaryDirectory() as tmp, xvfb() as display:
        base = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        runs: list[tuple[str, str, dict[str, str], Path]] = [
            ("bare", BARE, {**base, "DISPLAY": display}, Path(tmp))
        ]
        for label, tree in trees:
            gc_off = "gc.disable()" in (tree / "kiosk/app/cli.py").read_text("utf-8")
            env = {
                **base,
                "DISPLAY": display,
                "PYTHONPATH": str(tree),
                "KIOSK_PATHS_DATA_DIR": f"{tmp}/{label}",
            }
            runs.append((label, KIOSK.replace("{gc_off}", str(gc_off)), env, tree))
        for _, code, env, cwd in runs:
            launch_once(code, env, cwd)  # warm-up: OS caches, the kiosk's cache (pictograms)
        rows: dict[str, list[list[float]]] = {label: [] for label, *_ in runs}
        for _ in range(args.rounds):
            for label, code, env, cwd in runs:
                rows[label].append(launch_once(code, env, cwd))
    print(f"load after:  {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    medians = {label: [statistics.median(col) for col in zip(*r, strict=True)] for label, r in rows.items()}
    print(f"{'ms (median of ' + str(args.rounds) + ')':24s}" + "".join(f"{label:>12s}" for label in medians))
    print(f"{'exec → first line':24s}" + "".join(f"{m[0]:12.1f}" for m in medians.values()))
    for i, stage in enumerate(STAGES, start=1):
        cells = "".join(f"{m[i] - (m[i - 1] if i > 1 else 0.0):12.1f}" for m in medians.values())
        print(f"{stage:24s}{cells}")
    print(f"{'total from exec':24s}" + "".join(f"{m[0] + m[-1]:12.1f}" for m in medians.values()))


if __name__ == "__main__":
    main()
