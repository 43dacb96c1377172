"""A kiosk app dropped unclosed (tests, the tour) is closed by its finalizer, which the garbage
collector runs on whatever thread it interrupts: a thread inside the channel's own lock, or the
channel's serving thread. Closing there directly waits on that very thread for ever."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from kiosk.app.channel import StationLink, StationServer, answers
from kiosk.app.root import _close_later, _start_closer


def test_the_finalizer_returns_inside_the_links_lock_and_the_server_still_stops(tmp_path: Path) -> None:
    path = tmp_path / "station.sock"
    server = StationServer(path, {"ping": lambda: "pong"}).start()
    link = StationLink(path)
    assert link.call("ping") == "pong"

    def close() -> None:  # what serve_in_thread hands the app
        link.close()
        server.close()

    _start_closer()  # as build_app does, before any finalizer can run

    def interrupted_thread() -> None:
        with link._lock:  # where an allocation may set off a collection
            _close_later([close])

    finalizing = threading.Thread(target=interrupted_thread, daemon=True)
    finalizing.start()
    finalizing.join(timeout=30)
    assert not finalizing.is_alive(), "the finalizer waited on the thread it ran on"
    deadline = time.monotonic() + 30
    while path.exists() and time.monotonic() < deadline:  # closed on a thread of its own
        time.sleep(0.05)
    assert not path.exists()
    assert not answers(path, timeout_s=1.0)


def test_the_finalizer_starts_no_thread() -> None:
    """Starting a thread from inside a garbage collection hung a suite (Thread.start waits for the
    new thread); the finalizer only queues the closing for the one closer thread."""
    _start_closer()
    closed = threading.Event()
    before = threading.active_count()
    _close_later([closed.set])
    assert threading.active_count() == before
    assert closed.wait(timeout=30)
