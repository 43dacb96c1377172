"""Who is using the station's data: a lock file that `kiosk run` and `kiosk worker` hold while they
run, so that `kiosk restore` can refuse to replace a database under their feet.

Running programs hold a shared `flock` on the file (a kiosk and its worker unit run side by side);
a restore takes it exclusively, without waiting. The kernel drops a lock when its process dies,
SIGKILL and power cuts included, so a crash never leaves the station "in use". A program that
starts while a restore holds the lock waits for the restore to finish instead of opening a
half-copied database.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


class StationInUse(Exception):
    """Another program holds the lock; the message says which kind and what to do (one line)."""


class StationLock:
    """The lock file `path`, held shared (`kiosk run`, `kiosk worker`) or exclusive (`kiosk restore`).

    A context manager; `release` (or leaving the `with`) lets go. The file is left in place: removing
    it while another process waits on it would let two programs lock two different files.
    """

    def __init__(self, path: Path, *, exclusive: bool) -> None:
        self.path = path
        self.exclusive = exclusive
        self._fd: int | None = None

    def acquire(self) -> StationLock:
        """Shared: waits while a restore runs. Exclusive: raises `StationInUse` at once if a kiosk or
        worker holds it (a restore must not wait for a kiosk that runs for weeks)."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            if self.exclusive:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                fcntl.flock(fd, fcntl.LOCK_SH)
        except BlockingIOError:
            os.close(fd)
            raise StationInUse(
                f"the station's data is in use by a running kiosk or worker ({self.path} is locked): "
                "stop them first (systemctl stop kiosk kiosk-worker)"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the last descriptor of the open file drops the flock

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> StationLock:
        return self.acquire()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
