"""Looking up where an application stands, from a scanned slip or a typed tracking code.

(Skeleton: the lookup itself is being written; the result type is fixed so the journey and the
status screen can be built against it.)
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.trackcode import normalize


class LookupOutcome(enum.Enum):
    FOUND = "found"
    UNKNOWN = "unknown"  # well-formed and genuine, but no such dossier here
    FORGED = "forged"  # a slip whose signature does not verify (altered, or another station's key)
    MISTYPED = "mistyped"  # not a tracking code (check character wrong, wrong length)


@dataclass(frozen=True)
class StatusResult:
    outcome: LookupOutcome
    tracking_code: str = ""
    status: str = ""  # DossierStatus value when found: received / processing / done / rejected
    service_code: str = ""
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


class DossierLookup(Protocol):
    def get(self, tracking_code: str) -> Any: ...


class StatusLookup:
    """Typed tracking codes only (signed slip payloads come with the slip signing)."""

    def __init__(self, store: DossierLookup) -> None:
        self._store = store

    def __call__(self, text: str) -> StatusResult:
        code = normalize(text)
        if code is None:
            return StatusResult(LookupOutcome.MISTYPED)
        stored = self._store.get(code)
        if stored is None:
            return StatusResult(LookupOutcome.UNKNOWN, tracking_code=code)
        return StatusResult(
            LookupOutcome.FOUND,
            tracking_code=code,
            status=stored.status,
            service_code=stored.dossier.service_code if stored.dossier is not None else "",
            submitted_at=stored.submitted_at,
            updated_at=stored.updated_at,
        )
