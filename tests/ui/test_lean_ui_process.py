"""`kiosk run --demo`'s UI process keeps SQLAlchemy, reportlab and the sealing crypto out of it,
through a whole journey to the printed receipt and the reset (issue 8: idle memory): the station's
services are in its child `kiosk worker`, reached over the channel (`kiosk.app.channel`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# What the UI process must never import (the sealing uses AES-GCM: `kiosk.sealing`).
KEPT_OUT = ("sqlalchemy", "reportlab", "cryptography.hazmat.primitives.ciphers.aead", "db", "alembic")

JOURNEY = f"""
import json, sys, time
from PySide6.QtWidgets import QApplication
from kiosk.app.scripted import journey_steps
from kiosk.app.worker_child import station_for_run
from kiosk.config import load_config
from kiosk.ports.voice import Silent
from ui.app import KioskUi

app = QApplication([])
config = load_config(overrides={{"paths.data_dir": sys.argv[1]}}, demo=True, environ={{}})
link, child = station_for_run(config)  # as `kiosk run` does: no worker answers, so its own child
ui = KioskUi(config, windowed=True, voice=Silent(), link=link)
ui.show()

def settle(until=lambda: True, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if until() and ui.runner._pool.activeThreadCount() == 0:
            return
        time.sleep(0.01)
    raise SystemExit(f"timed out: {{ui.app.journey.state()}}")

settle(lambda: ui.app.worker.running)
journey = ui.app.journey
for name, step in journey_steps(ui.app):
    step()
    if name == "read card":
        settle(lambda: journey.state().screen != "card")
    settle()
settle(lambda: journey.state().review.print_state == "printed")
code = journey.state().review.tracking_code
journey.reset()
settle()
loaded = sorted(m for m in sys.modules if m.startswith({KEPT_OUT!r}))
worker = child.pid if child is not None else None
ui.close()
stopped = child.stop() if child is not None else None
print(json.dumps({{"code": code, "loaded": loaded, "worker": worker, "stopped": stopped}}))
"""


def test_the_ui_process_of_kiosk_run_holds_no_database_no_pdf_no_sealing(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", JOURNEY, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["code"]) == 10  # the citizen was shown a code, and the receipt printed
    assert result["loaded"] == []
    assert result["worker"] is not None and result["stopped"] is True  # a child, stopped with the kiosk
    # What the citizen was told is stored, by the worker: read here, in the test's own process.
    from kiosk.app.root import make_store
    from kiosk.config import load_config

    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    stored = make_store(config).get(result["code"])
    assert stored is not None and stored.dossier is not None
    assert list(config.receipts_dir.glob("*.pdf"))
