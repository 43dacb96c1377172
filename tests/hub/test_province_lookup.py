"""The kiosk's status screen asks the province hub first: a slip of another station of the province
is answered there; with the hub cut off, the station's own copy answers and says how old it is.
Driven through the real kiosk window (`ui.app.KioskUi`, the app's own lookup wiring from
`kiosk.app.root.build_app`) against the real hub over PostgreSQL and a fault proxy."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from hub.client import pull_statuses
from kiosk.app.root import make_hub_client, make_hub_link, make_signer, make_storage
from kiosk.status import LookupOutcome
from tests.hub.conftest import FaultProxy, HubServer, enrol, make_station
from tests.hub.test_hub import _deliver
from tests.hub.test_province_hub import _submit
from tests.ui.conftest import RecordingVoice
from tests.waits import WAIT_MS
from ui.screens.status import StatusScreen, as_of

SHOTS = Path(os.environ.get("PROVINCE_SCREENSHOTS", "/tmp/province_console"))


def test_as_of_words() -> None:
    assert as_of(None, "vi") == ""
    assert as_of(7, "vi") == "Cập nhật 7 phút trước"
    assert as_of(185, "vi") == "Cập nhật 3 giờ trước"
    assert as_of(3 * 24 * 60 + 5, "vi") == "Cập nhật 3 ngày trước"


def test_the_status_screen_asks_the_hub_then_falls_back_to_its_copy(
    qtbot,  # type: ignore[no-untyped-def]
    hub: HubServer,
    proxy: FaultProxy,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ui.app import KioskUi

    folder = tmp_path_factory.mktemp("lookup")
    a = make_station(folder / "a", "LOOKA", hub.url)
    b = make_station(folder / "b", "LOOKB", proxy.url)  # the kiosk whose link will be cut
    # The kiosk's own worker thread would pull the hub's statuses behind the test's back.
    with b.config_file.open("a", encoding="utf-8") as config:
        config.write('[worker]\nin_kiosk = false\n[card]\nbackend = "emulated"\n')
    for station in (a, b):
        enrol(hub, station, capsys)
    from_a, own = _submit(a), _submit(b)
    assert _deliver(a).sent == 1 and _deliver(b).sent == 1
    slip_a = make_signer(a.config, make_storage(a.config)).sign(from_a)
    # B syncs: it learns A's slip key, and its sync time is what its own copy is "as of".
    synced = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=25)
    pull_statuses(make_hub_client(b.config), make_hub_link(b.config), synced)
    assert hub.cli("set-status", from_a, "processing", "--note", "Đang xác minh", "--by", "tinh") == 0
    assert hub.cli("set-status", own, "processing", "--by", "tinh") == 0  # B has not pulled this

    ui = KioskUi(b.config, windowed=True, voice=RecordingVoice())
    qtbot.addWidget(ui.window)
    ui.window.resize(1366, 768)
    ui.show()
    try:

        def look_up(text: str, typed: bool) -> StatusScreen:
            ui.app.journey.open_status()
            screen = ui.window.current_screen()
            assert isinstance(screen, StatusScreen)
            if typed:  # on the screen's own keys, then its primary button
                for ch in text:
                    qtbot.mouseClick(screen.keypad.keys[ch], Qt.MouseButton.LeftButton)
                qtbot.mouseClick(ui.window.primary_button, Qt.MouseButton.LeftButton)
            else:  # what a scanner hands over
                ui.app.journey.lookup_submit(text)
            qtbot.waitUntil(lambda: ui.app.journey.state().lookup.result is not None, timeout=WAIT_MS)
            return screen

        # Online: A's slip scanned at B is answered by the hub, with the hub's newest status.
        screen = look_up(slip_a, typed=False)
        result = ui.app.journey.state().lookup.result
        assert result is not None and result.outcome is LookupOutcome.FOUND
        assert (result.status, result.stale_minutes) == ("processing", None)
        assert screen.result_title.text() == "Đang xử lý" and "Đang xác minh" in screen.result_detail.text()
        assert "trước" not in screen.result_when.text()
        # B's own dossier: the hub's status, newer than B's copy (received).
        look_up(own, typed=True)
        result = ui.app.journey.state().lookup.result
        assert result is not None and (result.status, result.stale_minutes) == ("processing", None)

        proxy.mode = "refuse"  # cut off: B's own copy answers, as of its last sync
        screen = look_up(own, typed=True)
        result = ui.app.journey.state().lookup.result
        assert result is not None and result.outcome is LookupOutcome.FOUND and result.status == "received"
        assert result.stale_minutes is not None and 25 <= result.stale_minutes < 40
        assert f"Cập nhật {result.stale_minutes} phút trước" in screen.result_when.text()
        assert screen.spoken(ui.app.journey.state()).endswith(f"Cập nhật {result.stale_minutes} phút trước.")
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert ui.window.grab().save(str(SHOTS / "kiosk-status-offline.png"))
        # A's dossier is not in B's copy: offline, B cannot say.
        look_up(slip_a, typed=False)
        result = ui.app.journey.state().lookup.result
        assert result is not None and result.outcome is LookupOutcome.UNKNOWN
    finally:
        ui.close()
