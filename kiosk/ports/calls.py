"""The "Gọi cán bộ" port: a citizen's call for an officer, delivered to the station console.

`db/calls.py` stores it in `officer_calls`, which the console shows live. The citizen is told an
officer is coming only when `call` returned True (the row is stored); otherwise, or when it
raises, the kiosk says to go to the counter.
"""

from __future__ import annotations

from typing import Protocol


class CallDesk(Protocol):
    def call(self, kiosk_id: str, screen: str, waited_seconds: int) -> bool:
        """Deliver one call: the kiosk, the screen the citizen is on, how long their session has
        lasted. True once it is stored where officers see it."""
        ...
