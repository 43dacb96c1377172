"""The clock port: the core never reads the wall clock itself, so every path runs with a fake one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def local_now() -> dt.datetime:
    """Station time, timezone-aware (stored as UTC, shown as local)."""
    return dt.datetime.now().astimezone()
