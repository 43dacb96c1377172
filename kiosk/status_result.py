"""What a status look-up found (`kiosk.status`): a module of its own, so the flow's state can hold
one without importing the look-up, which itself reads the flow's state."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any


class LookupOutcome(enum.Enum):
    FOUND = "found"
    UNKNOWN = "unknown"  # well-formed and genuine, but no such dossier here
    FORGED = "forged"  # a slip whose signature does not verify (altered, or another station's key)
    MISTYPED = "mistyped"  # not a tracking code (check character wrong, wrong length)
    ID_CARD = "id_card"  # an ID card's QR, not a slip: not a status query (route it to the card step)
    UNAVAILABLE = "unavailable"  # the lookup itself failed (database unreachable): try again later


@dataclass(frozen=True)
class StatusResult:
    outcome: LookupOutcome
    tracking_code: str = ""
    status: str = ""  # when found: received / processing / needs_info / done / rejected
    service_code: str = ""
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    note: str = ""  # the officer's note for the citizen, with the status (`kiosk.desk`)
    # Minutes since the station's last sync with the province hub, when the answer is the
    # station's own copy because the hub could not be asked (None: the hub's answer, or no hub).
    stale_minutes: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "tracking_code": self.tracking_code,
            "status": self.status,
            "service_code": self.service_code,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "note": self.note,
            "stale_minutes": self.stale_minutes,
        }
