"""What the journey needs done outside itself; the controller drains and runs them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.catalog import Service
from kiosk.ports.card import AccessKey, Holder
from kiosk.ports.sessions import SessionSummary


@dataclass(frozen=True)
class ReadCard:
    """Effect: read the card with this key."""

    key: AccessKey


@dataclass(frozen=True)
class Submit:
    """Effect: store and send the dossier, then print the receipt."""

    service: Service
    values: Mapping[str, Any]
    holder: Holder
    consented_at: dt.datetime | None = None
    card_check: str = ""  # PassiveAuth value of the applicant's card: valid / chain_unknown / ...
    photo: bytes | None = None  # the applicant's face from the chip, stored sealed with the dossier


@dataclass(frozen=True)
class LookUp:
    """Effect: find the status for a scanned slip payload or a typed tracking code."""

    text: str


@dataclass(frozen=True)
class CallOfficer:
    """Effect: deliver "Gọi cán bộ" to the station console (`kiosk.ports.calls`)."""

    screen: str
    waited_seconds: int


@dataclass(frozen=True)
class RecordSession:
    """Effect: store the anonymous summary of a session that just ended (`kiosk.ports.sessions`)."""

    summary: SessionSummary


Effect = ReadCard | Submit | LookUp | CallOfficer | RecordSession
