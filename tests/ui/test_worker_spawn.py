"""`kiosk run` starts its `kiosk worker` child only once its own window has painted (issue 8: the
first frame close to a bare window; a second interpreter importing the database would compete
with it for the cores), and a citizen who taps before that worker answers is not turned away: what
the kiosk asks of the station meanwhile waits for it (`StationLink.call`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

RUN = """
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
import kiosk.app.worker_child as worker_child
import ui.app
from kiosk.app.channel import answers
from kiosk.app.scripted import journey_steps
from kiosk.config import load_config
from ui.first_frame import FirstFrame
from ui.launch import run
from ui.window import KioskWindow

events, kiosks, result = [], [], {}


class Paints(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            name = type(watched).__name__
            if name in ("FirstFrame", "KioskWindow") and f"{name} painted" not in events:
                events.append(f"{name} painted")
        return False


made = ui.app.KioskUi.__init__
def keep(self, *args, **kwargs):
    made(self, *args, **kwargs)
    kiosks.append(self)
ui.app.KioskUi.__init__ = keep

start = worker_child.ChildProcess.start
def spawn(child):
    if child.command != "worker":  # the card service starts as it does
        return start(child)
    # The kiosk's own first-paint work has run by now (warm-up, first frame closed).
    events.append("worker spawned")
    result["first frame gone"] = kiosks[0].first_frame_gone._then is None
    QTimer.singleShot(0, lambda: early_citizen(child))
worker_child.ChildProcess.start = spawn


def settle(until, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if until():
            return
        time.sleep(0.01)
    raise SystemExit(f"timed out: {kiosks[0].app.journey.state()}")


def early_citizen(child):
    # A citizen at the kiosk before its worker answers: the whole journey, the submission sent
    # while no worker runs at all; the worker starts only then.
    kiosk = kiosks[0]
    journey = kiosk.app.journey
    result["worker answered before the taps"] = answers(worker_child.socket_path(config.data_dir), 0.2)
    for name, step in journey_steps(kiosk.app):
        step()
        if name == "read card":
            settle(lambda: journey.state().screen != "card")
    events.append("submission sent")
    start(child)
    settle(lambda: journey.state().review.print_state == "printed")
    result["code"] = journey.state().review.tracking_code
    QApplication.instance().quit()


app = QApplication([])
paints = Paints()
app.installEventFilter(paints)
config = load_config(overrides={"paths.data_dir": sys.argv[1]}, demo=True, environ={})
result["exit"] = run(config, windowed=True)
result["events"] = events
print(json.dumps(result))
"""


def test_the_worker_starts_after_the_window_painted_and_an_early_citizen_is_served(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(tmp_path)], capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["exit"] == 0
    assert result["events"] == [
        "FirstFrame painted",
        "KioskWindow painted",
        "worker spawned",
        "submission sent",
    ]
    assert result["first frame gone"] is True
    assert result["worker answered before the taps"] is False
    assert len(result["code"]) == 10  # the early citizen was given a code and the receipt printed
    # Stored by the worker that started after the submission was sent.
    from kiosk.app.root import make_store
    from kiosk.config import load_config

    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    stored = make_store(config).get(result["code"])
    assert stored is not None and stored.dossier is not None
