"""Giving a finished session's memory back to the system (issue 8: after a journey and its reset
the kiosk's UI process stays within 5 MB of its idle memory).

A journey builds screens, reads a chip on a pool thread, decodes the face image and renders the
review. After the reset Python frees those objects, but glibc's malloc keeps the freed pages in
its arenas (one per thread that allocated: the card read and the channel calls run on pool
threads) and gives back only what lies at the top of each heap. `malloc_trim(0)` hands every whole
free page back (madvise), in any arena. Measured with `bench/journey_memory.py` (see
bench/README_startup.md): without it ~5 MB of the UI process's growth after a journey was such
pages.

It runs once the kiosk is idle again and has stayed idle for `RELEASE_AFTER_MS` (a citizen who
comes back at once is not made to wait for it), and once after the warm-up, so that idle and
after-the-reset are the same kind of figure; while the window is still building screens ahead
(`busy`) it waits for that to end, so that the garbage of the building goes back too. Where the
C library has no `malloc_trim` (not glibc) only the garbage collection runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from kiosk.flow.state import FlowState, Phase

log = logging.getLogger(__name__)

RELEASE_AFTER_MS = 3000  # after the reset's own work (deferred deletes, the idle screen's paint)


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError, TypeError):  # musl, another C library: nothing to trim
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_heap() -> None:
    """Collect Python's cycles, then give the C heap's free pages back to the system."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class Delay:
    """A single shot on the UI thread that can be stopped and restarted (the subset of QTimer that
    `HeapRelease` uses), without a QObject timer of its own. A QTimer child of a Python-owned
    object is destroyed on whichever thread the garbage collector frees its owner; when that was a
    station thread while the timer was active (a kiosk closed before its warm-up ended, which then
    scheduled the heap pass), Qt aborted the process: "Timers cannot be stopped from another
    thread" (tests/ui, once in a few runs)."""

    def __init__(self, interval_ms: int, action: Callable[[], None]) -> None:
        self._interval = interval_ms
        self._action = action
        self._shot = 0  # the shot that may still fire; any other is stale
        self._active = False

    def start(self) -> None:
        self._shot += 1
        self._active = True
        shot = self._shot
        QTimer.singleShot(self._interval, lambda: self._fire(shot))

    def stop(self) -> None:
        self._shot += 1
        self._active = False

    def isActive(self) -> bool:  # QTimer's name
        return self._active

    def interval(self) -> int:
        return self._interval

    def setInterval(self, interval_ms: int) -> None:  # QTimer's name
        """As QTimer's: an active shot starts again with the new interval."""
        self._interval = interval_ms
        if self._active:
            self.start()

    def _fire(self, shot: int) -> None:
        if shot == self._shot and self._active:
            self._active = False
            self._action()


class HeapRelease(QObject):
    """Runs `release_heap` on the UI thread when the kiosk has been idle `delay_ms` after a session
    (or after `schedule`); `releases` counts the passes (the bench waits for them)."""

    def __init__(
        self,
        is_idle: Callable[[], bool],
        delay_ms: int = RELEASE_AFTER_MS,
        release: Callable[[], None] = release_heap,
        busy: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__()
        self._is_idle = is_idle
        self._busy = busy
        self._release = release
        self._was_idle = True
        self.releases = 0
        self.timer = Delay(delay_ms, self._run)

    def heard(self, state: FlowState) -> None:
        """A journey listener: a session ended (back to idle) → release later; one began → not."""
        idle = state.phase is Phase.IDLE
        if idle and not self._was_idle:
            self.timer.start()
        elif not idle:
            self.timer.stop()
        self._was_idle = idle

    def schedule(self) -> None:
        self.timer.start()

    def _run(self) -> None:
        if not self._is_idle():  # a citizen came in the meantime: after their session
            return
        if self._busy():  # screens being built ahead: once they are
            self.timer.start()
            return
        self._release()
        self.releases += 1
