"""The citizen's application as the core hands it to storage and printing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Dossier:
    """A submitted application.

    `fields` holds the form answers by field id (JSON-safe values: str, int, bool, lists of them);
    `holder` the identity read from the card (same keys as `devices.card.Holder`). Both are
    personal data and are stored encrypted.
    """

    tracking_code: str
    service_code: str
    service_version: int
    station_id: str
    submitted_at: dt.datetime
    fields: dict[str, Any] = field(default_factory=dict)
    holder: dict[str, str] = field(default_factory=dict)
    consented_at: dt.datetime | None = None  # Law 91/2025/QH15 Art. 9: when the citizen agreed, kept as proof
    fee_amount: int = 0  # đồng, from the catalog's fee rules for these answers
    # The applicant's face from the chip (JPEG or PNG), sealed apart (`kiosk.dossier_photo`).
    photo: bytes | None = field(default=None, repr=False)


class TrackingCodeConflict(Exception):
    """A different dossier already holds this tracking code: draw a new code and submit again."""


@dataclass(frozen=True)
class StoredDossier:
    """A dossier as stored. `dossier` is None when its sealed data cannot be opened; the row is
    kept untouched and `problem` says why, so nothing is lost and an officer can be told."""

    tracking_code: str
    status: str
    submitted_at: dt.datetime
    updated_at: dt.datetime
    dossier: Dossier | None
    problem: str | None = None
    fee_amount: int = 0
    payment_status: str = "not_required"
    note_for_citizen: str = ""  # the officer's note shown with the status (slip, status screen)

    @property
    def readable(self) -> bool:
        return self.dossier is not None
