"""The station worker: what happens without a citizen, on one thread, without Qt.

The work is a list of `Task`s, each one pass of something periodic: deliver the outbox to the
configured target, retry the receipt of a citizen still at the kiosk, purge what is past the
retention period (`kiosk.retention`), back the database up (`kiosk.backup`); a heartbeat will be
one more. Tasks run one after another on the worker's thread (they share the
database, so nothing is gained by running them side by side), each at its own interval. A task
that raises is logged and reported as an `Outcome`, and the worker carries on with the next.

The kiosk runs a worker as a thread of its own process (`ui/app.py`); `kiosk worker` runs one as
a process of its own (a systemd unit). The composition root (`kiosk.app.root.build_worker`)
decides which tasks each gets.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    name: str
    every_s: float  # seconds from the end of one pass to the start of the next
    run: Callable[[], Any]  # one pass; what it returns is reported as the outcome


@dataclass(frozen=True)
class Outcome:
    task: str
    result: Any = None
    error: BaseException | None = None

    @property
    def eventful(self) -> bool:
        """Worth a line in a log: the pass failed, or its report says it did something (reports
        with an `idle` property, such as `DeliveryReport` and `PrintReport`)."""
        return self.error is not None or getattr(self.result, "idle", True) is False


class StationWorker:
    """Runs `tasks` until stopped: every task at start, then each whenever its interval is up.

    `on_outcome` hears about every pass (on the worker's thread), failures included.
    """

    def __init__(
        self,
        tasks: Sequence[Task],
        on_outcome: Callable[[Outcome], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        names = [task.name for task in tasks]
        if len(set(names)) != len(names):
            raise ValueError(f"task names must be unique: {names}")
        self.tasks = tuple(tasks)
        self._on_outcome = on_outcome
        self._monotonic = monotonic
        self._stopping = threading.Event()
        self._nudge = threading.Event()  # set to wake the loop early: stop, or run everything now
        self._run_all = False
        self._thread: threading.Thread | None = None

    # --- as a thread of this process ------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the station worker is already running")
        self._stopping.clear()
        self._thread = threading.Thread(target=self.run, name="station-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Ask the loop to stop after the pass in progress and wait for it; False if it is still
        busy after `timeout_s` (a print that hangs, say)."""
        self._stopping.set()
        self._nudge.set()
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        thread.join(timeout_s)
        return not thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """Run every task now, whatever its interval says (e.g. right after a submission)."""
        self._run_all = True
        self._nudge.set()

    # --- the loop -------------------------------------------------------------------------

    def run(self) -> None:
        """The loop itself, on the calling thread, until `stop` is asked."""
        due = {task.name: self._monotonic() for task in self.tasks}
        while not self._stopping.is_set():
            if self._run_all:
                self._run_all = False
                due = dict.fromkeys(due, self._monotonic())
            for task in self.tasks:
                if self._stopping.is_set():
                    break
                if due[task.name] <= self._monotonic():
                    self.run_task(task)
                    due[task.name] = self._monotonic() + task.every_s
            wait = min(due.values(), default=self._monotonic() + 60) - self._monotonic()
            if wait > 0:
                self._nudge.wait(wait)
            self._nudge.clear()

    def run_task(self, task: Task) -> Outcome:
        """One pass of `task`; never raises."""
        try:
            outcome = Outcome(task.name, result=task.run())
        except Exception as exc:
            log.exception("station worker: %s failed", task.name)
            outcome = Outcome(task.name, error=exc)
        if self._on_outcome is not None:
            try:
                self._on_outcome(outcome)
            except Exception:
                log.exception("station worker: reporting %s failed", task.name)
        return outcome
