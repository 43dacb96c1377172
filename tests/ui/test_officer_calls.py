""" "Gọi cán bộ" through the real window: the call stored in `officer_calls` (what the station
console shows live) and audited before the citizen is told an officer is coming; with the
database unreachable the citizen is told to go to the counter, on screen and by voice."""

from __future__ import annotations

import os
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import make_engine
from db.models import OfficerCallRow
from devices.audio.chime import chime_wav
from kiosk import phrases
from tests.ui.conftest import shown_kiosk
from tests.ui.test_officer_mode import make_kiosk, tap
from tests.waits import WAIT_MS
from ui.app import KioskUi


def calls(ui: KioskUi) -> list[Any]:
    engine = make_engine(ui.app.config.database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(OfficerCallRow)))
    finally:
        engine.dispose()


def test_a_stored_call_shows_called(qtbot: Any, tmp_path: Path) -> None:
    ui = make_kiosk(qtbot, tmp_path, **{"station.kiosk_id": "quay-1"})
    try:
        tap(qtbot, ui.window.screens["idle"])
        qtbot.waitUntil(lambda: ui.app.journey.state().screen == "menu", timeout=WAIT_MS)
        tap(qtbot, ui.window.officer_button)
        assert ui.window.overlay.title.text() == phrases.OFFICER_CALLING.get("vi")  # not "coming" yet
        qtbot.waitUntil(lambda: ui.app.journey.state().officer_call_delivered is not None, timeout=WAIT_MS)
        assert ui.app.journey.state().officer_call_delivered is True
        called = phrases.OFFICER_CALLED.get("vi")
        assert ui.window.overlay.title.text() == called
        assert (called, "vi") in ui.window.voice.said  # type: ignore[attr-defined]
        (row,) = calls(ui)
        assert (row.kiosk_id, row.screen, row.answered_at) == ("quay-1", "menu", None)
        assert row.waited_seconds >= 0
        audit = ui.app.officer_desk().audit
        (logged,) = [r for r in audit.newest(10) if r.action == "officer_call"]
        assert logged.actor == "kiosk:quay-1" and logged.detail.startswith("screen menu, waited ")
        assert audit.verify().ok
        tap(qtbot, ui.window.officer_button)  # a second call is a second row
        qtbot.waitUntil(lambda: len(calls(ui)) == 2, timeout=WAIT_MS)
    finally:
        ui.close()


@pytest.fixture
def kiosk_without_database(qtbot: Any, tmp_path: Path) -> Iterator[KioskUi]:
    url = "postgresql+psycopg://kiosk:x@127.0.0.1:1/kiosk"  # nothing listens on port 1
    ui = shown_kiosk(qtbot, tmp_path, {"database.url": url})
    qtbot.waitExposed(ui.window)
    yield ui
    ui.close()


def test_database_unavailable_says_go_to_the_counter(qtbot: Any, kiosk_without_database: KioskUi) -> None:
    ui = kiosk_without_database
    tap(qtbot, ui.window.officer_button)  # from the idle screen too
    qtbot.waitUntil(lambda: ui.app.journey.state().officer_call_delivered is not None, timeout=20000)
    assert ui.app.journey.state().officer_call_delivered is False
    counter = phrases.OFFICER_CALL_FAILED.get("vi")
    assert ui.window.overlay.title.text() == counter
    assert (counter, "vi") in ui.window.voice.said  # type: ignore[attr-defined]
    assert (phrases.OFFICER_CALLED.get("vi"), "vi") not in ui.window.voice.said  # type: ignore[attr-defined]


def test_a_delivered_call_sounds_the_chime(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    heard = tmp_path / "heard.wav"
    aplay = bin_dir / "aplay"  # ALSA's player as the kiosk calls it, writing what it is given
    aplay.write_text(f'#!/bin/sh\n[ "$1 $2" = "-q -" ] && cat > {heard}\n', "utf-8")
    aplay.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    ui = make_kiosk(qtbot, tmp_path / "kiosk", **{"officer.chime": True})
    try:
        tap(qtbot, ui.window.officer_button)
        qtbot.waitUntil(lambda: heard.is_file() and heard.stat().st_size == len(chime_wav()), timeout=WAIT_MS)
        with wave.open(str(heard)) as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
            assert 0.4 < wav.getnframes() / wav.getframerate() < 0.6
        # the chime sounds on the worker thread, before the answer reaches the journey
        qtbot.waitUntil(lambda: ui.app.journey.state().officer_call_delivered is True, timeout=WAIT_MS)
    finally:
        ui.close()
