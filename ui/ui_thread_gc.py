"""Python's garbage collection on the UI thread only, while a kiosk window lives.

Left automatic, a collection runs on whichever thread happens to allocate: a channel thread, the
card reader's pool, the closer of a dropped app. When the garbage holds Qt objects (a screen's
widgets, their signal connections), their C++ side is then torn down on that thread. Qt takes its
connection lock there and calls back into Python for the GIL, while the UI thread, holding the GIL,
waits for that same lock in a `connect()`: both wait for ever. A CI run sat still this way (session
11: a station thread collecting in `QObject::disconnect`, the UI thread in `QAbstractButton`'s
`connect`). So the automatic collector is off while a kiosk is shown, and this timer on the UI
thread collects with the same thresholds the automatic one uses.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QTimer

INTERVAL_MS = 200


class UiThreadCollector:
    """One per process, made on the UI thread and kept: a QTimer must die on its own thread."""

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._users = 0

    @property
    def active(self) -> bool:
        return self._users > 0

    def acquire(self) -> None:
        self._users += 1
        gc.disable()
        self._timer.start()

    def release(self) -> None:
        self._users = max(0, self._users - 1)
        if not self._users:
            self._timer.stop()
            gc.enable()

    @staticmethod
    def collect_due() -> None:
        """The generation the automatic collector would collect now, if any."""
        count0, count1, count2 = gc.get_count()
        threshold0, threshold1, threshold2 = gc.get_threshold()
        if count0 <= threshold0:
            return
        gc.collect(2 if count1 >= threshold1 and count2 >= threshold2 else 1 if count1 >= threshold1 else 0)


_COLLECTOR: list[UiThreadCollector] = []


def collector() -> UiThreadCollector:
    """The process's collector, made at first use (on the UI thread: from the kiosk's `show`)."""
    if not _COLLECTOR:
        _COLLECTOR.append(UiThreadCollector())
    return _COLLECTOR[0]


def collector_active() -> bool:
    return bool(_COLLECTOR) and _COLLECTOR[0].active
