"""`Runner` for Qt: jobs on a thread pool, results and device events back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Mailbox(QObject):
    """A queued signal carries callables from any thread to the GUI thread."""

    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._call)

    @Slot(object)
    def _call(self, fn: Callable[[], None]) -> None:
        fn()


class _Job(QRunnable):
    def __init__(
        self,
        job: Callable[[], Any],
        finish: Callable[[Callable[[], None]], None],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self._job, self._finish, self._done, self._failed = job, finish, done, failed

    def run(self) -> None:
        try:
            result = self._job()
        except Exception as exc:
            error = exc
            self._finish(lambda: self._failed(error))
            return
        self._finish(lambda: self._done(result))


class QtRunner:
    synchronous = False  # jobs on the pool, their ends and device events posted to the UI thread

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self._pool = pool or QThreadPool()
        self._pool.setMaxThreadCount(max(2, self._pool.maxThreadCount()))
        self._mailbox = _Mailbox()

    def run(
        self, job: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]
    ) -> None:
        self._pool.start(_Job(job, self.post, done, failed))

    def post(self, fn: Callable[[], None]) -> None:
        self._mailbox.deliver.emit(fn)

    def wait(self, msecs: int = 10000) -> bool:
        """Wait for background jobs (shutdown and tests)."""
        return self._pool.waitForDone(msecs)
