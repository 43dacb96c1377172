"""Anonymous session statistics: one row per citizen session at the kiosk, nothing personal.

The journey summarises each session as it ends (`kiosk.flow.journey`); `db/sessions.py` stores
it in `kiosk_sessions`, which the console's statistics count (abandoned sessions and at which step).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol


class SessionOutcome(enum.StrEnum):
    SUBMITTED = "submitted"  # a dossier was stored
    ABANDONED = "abandoned"  # left by the home button, Back from the menu, refused consent, card taken
    TIMED_OUT = "timed_out"  # wiped by the idle reset


@dataclass(frozen=True)
class SessionSummary:
    started_at: dt.datetime
    ended_at: dt.datetime
    service_code: str  # "" when no service was chosen
    last_step: str  # the step id (or screen) the citizen was on last
    outcome: SessionOutcome
    assisted: bool  # an officer took over at some point


class SessionLog(Protocol):
    def record(self, kiosk_id: str, summary: SessionSummary) -> None: ...
