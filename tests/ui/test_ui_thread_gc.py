"""Garbage is collected on the UI thread while a kiosk is shown (ui/ui_thread_gc.py): a station
thread that collected Qt objects deadlocked against the UI thread on Qt's connection lock."""

from __future__ import annotations

import gc
import threading
from typing import Any, ClassVar

from ui.app import KioskUi


class Cycle:
    freed_on: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self  # only the cyclic collector frees it

    def __del__(self) -> None:
        Cycle.freed_on.append(threading.current_thread().name)


def test_garbage_is_freed_on_the_ui_thread_while_the_kiosk_is_shown(qtbot: Any, kiosk_ui: KioskUi) -> None:
    assert not gc.isenabled()  # no collection on whichever thread allocates
    Cycle.freed_on.clear()
    for _ in range(5):
        Cycle()

    kept: list[list[list[int]]] = []

    def allocate_elsewhere() -> None:  # a station thread, past the automatic collector's threshold
        kept.append([[] for _ in range(5_000)])

    worker = threading.Thread(target=allocate_elsewhere, name="station")
    worker.start()
    worker.join()
    assert not Cycle.freed_on  # the station thread collected nothing
    kept.append([[] for _ in range(5_000)])
    qtbot.waitUntil(lambda: len(Cycle.freed_on) == 5, timeout=5000)
    assert set(Cycle.freed_on) == {threading.main_thread().name}


def test_collection_is_automatic_again_once_the_kiosk_is_closed(qtbot: Any, kiosk_ui: KioskUi) -> None:
    assert not gc.isenabled()
    kiosk_ui.close()
    assert gc.isenabled()
