"""How the core gets work done off the UI thread without knowing about Qt.

The Qt UI implements `Runner` with a thread pool and queued signals; tests and the command line
use `InlineRunner`, which runs everything at once on the calling thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Runner(Protocol):
    # Everything at once on the calling thread: device events are then fetched by the thread
    # that caused them rather than handed in by a thread of their own (`RemoteCardReader`).
    synchronous: bool

    def run(
        self,
        job: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Run `job` in the background; call `done(result)` or `failed(exc)` on the main thread."""

    def post(self, fn: Callable[[], None]) -> None:
        """Call `fn` on the main thread (device events arrive on foreign threads)."""


class InlineRunner:
    synchronous = True

    def run(
        self,
        job: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        try:
            result = job()
        except Exception as exc:
            failed(exc)
            return
        done(result)

    def post(self, fn: Callable[[], None]) -> None:
        fn()
