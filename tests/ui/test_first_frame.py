"""`kiosk run` paints the idle screen from Qt and the phrases before the core is imported, then the
kiosk's own window takes its place (issue 8: launch close to a bare window)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk import phrases

# What the first frame must not wait for: the catalog, the journey, the screens, the database,
# the chip crypto and the receipt renderer.
CORE = (
    "kiosk.catalog",
    "kiosk.flow",
    "kiosk.app.root",
    "kiosk.app.cli_",
    "ui.app",
    "ui.window",
    "ui.screens",
    "devices",
    "db",
)
HEAVY = ("sqlalchemy", "reportlab", "cryptography", "asn1crypto", "ecdsa")

FIRST_FRAME = f"""
import sys
from PySide6.QtWidgets import QApplication
from kiosk.app.cli import build_parser
build_parser(only_run=True).parse_args(["run", "--demo"])  # what `kiosk run` parses with
app = QApplication([])
import ui.launch
from ui.first_frame import FirstFrame
from ui.theme import Metrics
frame = FirstFrame("normal", Metrics.of(1366, 768), "vi")
frame.resize(1366, 768)
frame.show()
app.processEvents()
assert frame.grab().width() == 1366
print(sorted(m for m in sys.modules if m.startswith({CORE + HEAVY!r})))
"""


def test_the_first_frame_needs_neither_the_core_nor_the_database() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


RUN = """
import gc, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from kiosk.config import load_config
from ui.launch import run
from ui.first_frame import FirstFrame
from ui.window import KioskWindow

seen, first_texts, kiosk_texts, collecting = [], set(), set(), []

def texts(widget):
    return {label.text() for label in widget.findChildren(QLabel) if label.text()}

def look():
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    seen.append(sorted(type(w).__name__ for w in shown))
    for widget in shown:
        (first_texts if isinstance(widget, FirstFrame) else kiosk_texts).update(texts(widget))
    if seen[-1] == ["KioskWindow"] or len(seen) > 3000:  # the first frame has gone (or never will)
        from ui.ui_thread_gc import collector_active

        collecting.append(gc.isenabled() or collector_active())
        QApplication.instance().quit()
    else:
        QTimer.singleShot(20, look)

app = QApplication([])
QTimer.singleShot(0, look)
config = load_config(overrides={"paths.data_dir": sys.argv[1]}, demo=True, environ={})
gc.disable()  # as `kiosk run` does (kiosk/app/cli.py) until the kiosk is built
code = run(config, windowed=True)
print(json.dumps({"code": code, "seen": seen, "first": sorted(first_texts), "kiosk": sorted(kiosk_texts),
                  "collecting": collecting}))
"""


def test_run_shows_the_first_frame_then_the_kiosk_in_its_place(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    seen = result["seen"]
    assert result["code"] == 0
    # Garbage collection on again once the kiosk was built: on the UI thread (ui/ui_thread_gc.py).
    assert result["collecting"] == [True]
    assert seen[0] == ["FirstFrame"]  # before the kiosk was built
    assert seen[-1] == ["KioskWindow"]
    since = next(i for i, shown in enumerate(seen) if "KioskWindow" in shown)
    assert all("KioskWindow" in shown for shown in seen[since:])  # never back to the first frame alone
    idle = {phrases.IDLE_TITLE.get("vi"), phrases.IDLE_TOUCH.get("vi")}
    assert idle <= set(result["first"]) and idle <= set(result["kiosk"])
