"""The submission-target port: where a stored dossier is delivered after the outbox.

The composition root builds the target named by `submission.target`; the station worker hands
each due outbox row to it (`kiosk.outbox.deliver_pending`). Today the only target is the station
database itself (`kiosk.outbox.LocalTarget`); a province hub will be another.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.dossier import StoredDossier
from kiosk.ports.storage import OutboxItem


class DossierSource(Protocol):
    def get(self, tracking_code: str) -> StoredDossier | None:
        """The opened dossier (a remote target sends its content)."""
        ...


class SubmissionTarget(Protocol):
    def deliver(self, item: OutboxItem, source: DossierSource) -> None:
        """Hand the dossier over, idempotently by `item.idempotency_key`; raise on failure (the
        row is retried later with backoff)."""
        ...
