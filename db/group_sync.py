"""Group commit for SQLite: one fsync of the WAL for every commit made before it began.

A commit with `PRAGMA synchronous=NORMAL` writes its WAL frames to the operating system (they
survive the process dying) but does not wait for the disk, and so holds the write lock only for
the write. `wait()` then returns once an fsync of the WAL file that began after the call has
ended: every frame written before it is on disk. Threads that wait at the same time share one
fsync, and none holds the database's write lock meanwhile (bench/README_console.md: with an fsync
per audit row under the lock, about half of the console's pages queued for it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path


def fsync_file(path: Path) -> Callable[[], None]:
    """An fdatasync of `path` (Linux syncs the file, whichever descriptor asks)."""

    def sync() -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(fd)  # the data and the size it needs, as SQLite syncs
        finally:
            os.close(fd)

    return sync


class GroupSync:
    def __init__(self, sync: Callable[[], None]) -> None:
        self._sync = sync
        self._changed = threading.Condition()
        self._started = 0  # fsyncs begun
        self._ended = 0  # the number of the last one ended
        self._running = False
        self.syncs = 0  # fsyncs done (for tests and benches)

    def wait(self) -> None:
        """Returns once an fsync begun after this call has ended (raises what the fsync raised)."""
        with self._changed:
            needed = self._started + 1
            while self._ended < needed:
                if self._running:
                    self._changed.wait()
                    continue
                self._running = True
                self._started += 1
                number = self._started
                self._changed.release()
                synced = False
                try:
                    self._sync()
                    synced = True
                finally:
                    self._changed.acquire()
                    self._running = False
                    if synced:  # after a failure the next waiter tries again
                        self._ended = number
                        self.syncs += 1
                    self._changed.notify_all()
