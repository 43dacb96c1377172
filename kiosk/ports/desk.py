"""The officers' desk ports: the queue of dossiers, their history and payments, console sessions
and the calls for an officer, as the station console needs them from storage (`db/desk.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from kiosk.ports.storage import SealedDossier


@dataclass(frozen=True)
class QueueQuery:
    """Filters of the queue; every one given must hold. Search tokens are blind-index tokens."""

    service_code: str = ""
    status: str = ""
    since: dt.datetime | None = None  # submitted at or after
    until: dt.datetime | None = None  # submitted before
    assisted: bool | None = None
    tracking_code: str = ""
    id_token: str = ""
    name_tokens: tuple[str, ...] = ()
    station_id: str = ""  # one station's dossiers only (an account scoped to it, at a hub)
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class QueueRow:
    tracking_code: str
    service_code: str
    status: str
    submitted_at: dt.datetime
    updated_at: dt.datetime
    fee_amount: int
    payment_status: str
    assisted_by: str | None
    national_number: str | None


@dataclass(frozen=True)
class DeskDossier:
    """A dossier row with what officers added to it."""

    sealed: SealedDossier
    national_number: str | None
    assisted_by: str | None
    identity_check: str  # the way only (`kiosk.identity_note`)
    finished_at: dt.datetime | None
    has_photo: bool = False  # the chip's face is stored with it (`kiosk.dossier_photo`)
    identity_sealed: bytes | None = None  # the officer's entry with its note, sealed


@dataclass(frozen=True)
class DossierEvent:
    at: dt.datetime
    actor: str
    kind: str  # status / filed / payment
    status: str | None = None
    note_for_citizen: str = ""
    note_internal: str = ""
    seconds: int | None = None


@dataclass(frozen=True)
class PaymentRecord:
    method: str  # cash / vietqr
    amount: int
    receipt_number: str
    confirmed_by: str
    confirmed_at: dt.datetime


class ReceiptNumberTaken(Exception):
    """`DeskRepository.add_payment` with a receipt number already used."""


class DeskRepository(Protocol):
    def queue(self, query: QueueQuery) -> list[QueueRow]:
        """The station's dossiers matching `query`, newest first."""
        ...

    def get(self, tracking_code: str) -> DeskDossier | None: ...

    def events(self, tracking_code: str) -> list[DossierEvent]:
        """The dossier's history, oldest first."""
        ...

    def change_status(
        self, tracking_code: str, expected: str, event: DossierEvent, finished_at: dt.datetime | None
    ) -> bool:
        """Set the status to `event.status` (and the note for the citizen) only if it is still
        `expected`, and add `event`, in one transaction; False if another officer changed it first."""
        ...

    def file_national(self, tracking_code: str, number: str, event: DossierEvent) -> None:
        """Record the national system's dossier number and the filing event."""
        ...

    def payments(self, tracking_code: str) -> list[PaymentRecord]: ...

    def add_payment(self, tracking_code: str, payment: PaymentRecord, event: DossierEvent) -> None:
        """Store the payment, mark the dossier paid and add `event`; `ReceiptNumberTaken` if the
        receipt number is used (nothing stored)."""
        ...

    def photo(self, tracking_code: str) -> bytes | None:
        """The dossier's sealed photo, None when it has none."""
        ...

    def unindexed(self, after_id: int, limit: int) -> list[SealedDossier]:
        """Dossiers by row id above `after_id` (for `kiosk index rebuild`)."""
        ...

    def set_index(self, row_id: int, name_index: str, id_index: str) -> None: ...

    def repair_name_rows(self, rows: Sequence[tuple[int, str]]) -> int:
        """Make the searched token and pair rows of each (row id, stored name index) those the
        stored form gives, where they differ (rows deleted or added by hand); how many dossiers."""
        ...


@dataclass(frozen=True)
class ConsoleSession:
    token_hash: str
    officer_id: str
    csrf_token: str
    created_at: dt.datetime
    last_seen_at: dt.datetime


class ConsoleSessionRepository(Protocol):
    def add(self, session: ConsoleSession) -> None: ...

    def get(self, token_hash: str) -> ConsoleSession | None: ...

    def touch(self, token_hash: str, now: dt.datetime) -> None: ...

    def remove(self, token_hash: str) -> None: ...

    def remove_idle(self, before: dt.datetime) -> int:
        """End every session last seen before `before`; how many."""
        ...


@dataclass(frozen=True)
class OfficerCall:
    call_id: int
    kiosk_id: str
    screen: str
    waited_seconds: int
    called_at: dt.datetime
    answered_by: str | None = None
    answered_at: dt.datetime | None = None


class CallBoard(Protocol):
    """The console's side of "Gọi cán bộ": calls the kiosks made (`officer_calls`)."""

    def open_calls(self, limit: int = 50) -> list[OfficerCall]:
        """Calls not answered yet, oldest first."""
        ...

    def answer(self, call_id: int, officer_id: str, now: dt.datetime) -> bool:
        """Mark the call answered by `officer_id`; False if it was answered already."""
        ...


class SettingsRepository(Protocol):
    """Station settings the station head edits (`station_settings`): name, help text."""

    def get_all(self) -> dict[str, str]: ...

    def put(self, key: str, value: str) -> None: ...


@dataclass(frozen=True)
class Target:
    """A station head's target (chỉ tiêu): `period` YYYY-MM, a metric, its number."""

    period: str
    metric: str
    target: int
    service_code: str = ""  # "": every service


class TargetRepository(Protocol):
    def all(self) -> list[Target]:
        """Every target, newest period first."""
        ...

    def put(self, target: Target) -> None:
        """Add or replace the target of that period, metric and service."""
        ...
