"""A kiosk with no worker process serves the station's services on a thread of its own
(`kiosk.app.root.serve_in_thread`) and runs the station worker on another: started after the
first paint, delivering the outbox without the UI thread, stopped with the window."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from kiosk.config import load_config
from kiosk.dossier import Dossier
from kiosk.trackcode import new_code
from tests.waits import WAIT_MS
from ui.app import KioskUi


def test_the_worker_thread_delivers_and_stops_with_the_kiosk(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    ui = KioskUi(config, windowed=True)
    qtbot.addWidget(ui.window)
    ui.show()
    try:
        assert ui.app.side is not None
        station = ui.app.side.worker
        qtbot.waitUntil(lambda: ui.app.worker.running and station.running, timeout=WAIT_MS)  # after paint
        assert "station-worker" in {t.name for t in threading.enumerate()}
        store = ui.app.side.store()
        when = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
        store.submit(
            Dossier(new_code(), "1.003677", 1, "demo-station", when, holder={"full_name": "Vàng A Dính"})
        )
        assert store.backlog() == 1
        assert ui.app.store().backlog() == 1  # and the kiosk sees it over the channel
        station.wake()
        qtbot.waitUntil(lambda: store.backlog() == 0, timeout=WAIT_MS)
    finally:
        ui.close()
    assert not ui.app.worker.running and not station.running
    assert "station-worker" not in {t.name for t in threading.enumerate()}
