"""A closed kiosk leaves nothing behind in the application: the next one (tests, a restart in the
same process) gets every key and touch itself."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

from kiosk.config import load_config
from tests.waits import WAIT_MS
from ui.app import UI_SWITCH_INTERVAL_S, KioskUi


def test_closed_kiosk_no_longer_filters_keys(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ui = KioskUi(
        load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={}), windowed=True
    )
    qtbot.addWidget(ui.window)
    ui.show()
    qtbot.waitUntil(lambda: ui.scan_filter is not None, timeout=WAIT_MS)  # warmed up after the first paint
    ui.close()
    touches = []
    ui.touch_watcher._on_touch = lambda: touches.append(1)  # what it calls if still installed
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.keyClicks(edit, "Thon 3")
    assert edit.text() == "Thon 3"  # no scanner filter holding the keys back
    assert touches == []  # nor a touch watcher counting them for the closed kiosk


def test_the_short_wait_for_the_interpreter_lock_ends_with_the_kiosk(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = sys.getswitchinterval()
    ui = KioskUi(
        load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={}), windowed=True
    )
    qtbot.addWidget(ui.window)
    ui.show()
    assert sys.getswitchinterval() == pytest.approx(UI_SWITCH_INTERVAL_S)  # a read's thread yields often
    ui.close()
    assert sys.getswitchinterval() == pytest.approx(before)
