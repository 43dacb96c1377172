"""The submission-target port: where a stored dossier is delivered after the outbox.

The composition root builds the target named by `submission.target`; the station worker hands
each due outbox row to it (`kiosk.outbox.deliver_pending`). Today the only target is the station
database itself (`kiosk.outbox.LocalTarget`); a province hub will be another.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from kiosk.dossier import StoredDossier
from kiosk.dossier_photo import Photo
from kiosk.ports.storage import OutboxItem


class DossierSource(Protocol):
    def get(self, tracking_code: str) -> StoredDossier | None:
        """The opened dossier (a remote target sends its content)."""
        ...

    def photo(self, tracking_code: str) -> Photo | None:
        """The dossier's card photo, opened; None when it has none or it cannot be opened."""
        ...


class SubmissionTarget(Protocol):
    def deliver(self, item: OutboxItem, source: DossierSource) -> None:
        """Hand the dossier over, idempotently by `item.idempotency_key`; raise on failure (the
        row is retried later with backoff)."""
        ...


class DeliveryRejected(Exception):
    """The target refused this dossier (an HTTP 4xx): the row keeps the reason for the officer and
    is retried only rarely (`kiosk.outbox.REJECTED_RETRY`), never holding up the rest."""


class DeliveryDeferred(Exception):
    """The target cannot take it now (network, 5xx, 429); `retry_after` is the target's own hint
    (Retry-After), honoured when longer than the backoff."""

    def __init__(self, message: str, retry_after: dt.timedelta | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
