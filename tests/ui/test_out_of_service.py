"""The real kiosk with unusable storage or keys: the idle screen says "out of service — please see
the officer" (pictogram and voice) and starts no service; fixed, the invitation comes back by
itself at the next health pass (`worker.wake()` runs it now instead of in three minutes)."""

from __future__ import annotations

import datetime as dt
import os
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from kiosk import phrases
from kiosk.app import health
from kiosk.app.root import make_signer, make_storage, make_store
from kiosk.config import load_config
from kiosk.dossier import Dossier
from kiosk.flow.state import Phase
from tests.ui.conftest import RecordingVoice
from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.screens.idle import IdleScreen


def config_for(data: Path):  # type: ignore[no-untyped-def]
    return load_config(overrides={"paths.data_dir": str(data)}, demo=True, environ={})


def station_with_a_dossier(data: Path) -> None:
    config = config_for(data)
    storage = make_storage(config)
    make_signer(config, storage)
    when = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    make_store(config, storage).submit(
        Dossier("7K3QXM9T2B", "1.003677", 1, "demo-station", when, holder={"full_name": "Vàng A Dính"})
    )
    storage.dossiers._engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def start_kiosk(qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    started: list[KioskUi] = []

    def start(data: Path) -> KioskUi:
        ui = KioskUi(config_for(data), windowed=True, voice=RecordingVoice())
        qtbot.addWidget(ui.window)
        ui.window.resize(1366, 768)
        ui.show()
        started.append(ui)
        return ui

    yield start
    for ui in started:
        ui.close()


def idle_screen(ui: KioskUi) -> IdleScreen:
    screen = ui.window.screens["idle"]
    assert isinstance(screen, IdleScreen)
    return screen


def touch_idle(qtbot, ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(idle_screen(ui), Qt.MouseButton.LeftButton, pos=QPoint(40, 40))


def assert_out_of_service(qtbot, ui: KioskUi, *, lookup: bool) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: ui.app.journey.state().out_of_service, timeout=20000)
    screen = idle_screen(ui)
    qtbot.waitUntil(lambda: screen.title.text() == phrases.OUT_OF_SERVICE.get("vi"), timeout=WAIT_MS)
    assert screen.prompt.text() == "Ông/Bà vui lòng gặp cán bộ"
    assert screen.officer.isVisible() and not screen.invitation.isVisible()
    assert screen.status_button.isVisible() is lookup
    assert ui.window.overflow() == 0  # fits 1366×768 like every screen
    voice = ui.window.voice
    assert isinstance(voice, RecordingVoice)
    assert ("Tạm ngừng phục vụ. Ông/Bà vui lòng gặp cán bộ", "vi") in voice.said
    touch_idle(qtbot, ui)
    assert ui.app.journey.state().phase is Phase.IDLE  # no service starts
    ui.app.journey.choose_service("1.003677")
    assert ui.app.journey.state().phase is Phase.IDLE


def assert_back_in_service(qtbot, ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    ui.app.worker.wake()
    qtbot.waitUntil(lambda: not ui.app.journey.state().out_of_service, timeout=20000)
    screen = idle_screen(ui)
    assert screen.title.text() == phrases.IDLE_TITLE.get("vi")
    assert screen.invitation.isVisible() and not screen.officer.isVisible()
    assert screen.status_button.isVisible()
    touch_idle(qtbot, ui)
    assert ui.app.journey.state().phase is Phase.MENU


def test_missing_data_key_closes_the_kiosk_until_it_is_back(qtbot, tmp_path: Path, start_kiosk) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    station_with_a_dossier(data)
    key = data / "data.key"
    kept = key.read_bytes()
    key.unlink()
    ui = start_kiosk(data)
    assert_out_of_service(qtbot, ui, lookup=False)  # the kiosk has no store to look up with
    assert not key.exists()  # and made no key over the sealed dossiers
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, kept)
    os.close(fd)
    assert_back_in_service(qtbot, ui)


def test_broken_database_closes_the_kiosk_until_it_is_replaced(qtbot, tmp_path: Path, start_kiosk) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    database = data / "kiosk.sqlite3"
    database.write_bytes(b"this is not a database " * 400)
    ui = start_kiosk(data)
    assert_out_of_service(qtbot, ui, lookup=False)
    database.unlink()  # the officer moves the broken file away: a new database is made
    assert_back_in_service(qtbot, ui)


def test_full_disk_closes_applications_but_not_lookups(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, start_kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = namedtuple("usage", "total used free")
    full = usage(10**9, 10**9 - 2**20, 2**20)
    real = health.shutil.disk_usage
    monkeypatch.setattr(health.shutil, "disk_usage", lambda _path: full)
    ui = start_kiosk(tmp_path / "data")
    assert_out_of_service(qtbot, ui, lookup=True)
    idle_screen(ui).status_button.click()  # "check my application" still opens
    assert ui.app.journey.state().phase is Phase.STATUS
    ui.app.journey.back()
    monkeypatch.setattr(health.shutil, "disk_usage", real)  # room made on the disk
    assert_back_in_service(qtbot, ui)
