"""The officers' ports: their accounts and the audit log, as the core needs them from storage.

`db/officers.py` and `db/audit.py` implement them over SQLAlchemy. Hashes only: a PIN or a
password never reaches a repository.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from kiosk.permissions import Role


@dataclass(frozen=True)
class Officer:
    officer_id: str
    name: str
    role: Role
    active: bool
    pin_hash: str
    password_hash: str | None  # the console's password; None: PIN only
    failed_pins: int  # wrong PINs in a row since the last right one or lock
    locked_until: dt.datetime | None
    created_at: dt.datetime
    has_card: bool = False  # the officer's own chip card is registered (`kiosk.officer_cards`)
    # At a province hub: the one station whose dossiers the account may see (None: every one in
    # the database: at a station its own, at the hub the province's). See `kiosk.permissions`.
    station_id: str | None = None


class OfficerExists(Exception):
    """`OfficerRepository.add` of an officer id that is taken."""


class OfficerRepository(Protocol):
    def add(self, officer: Officer) -> None:
        """Store a new account; `OfficerExists` if the id is taken."""
        ...

    def get(self, officer_id: str) -> Officer | None: ...

    def all(self) -> list[Officer]:
        """Every account, disabled ones too, by officer id."""
        ...

    def set_active(self, officer_id: str, active: bool) -> None: ...

    def set_pin(self, officer_id: str, pin_hash: str) -> None:
        """A new PIN hash; clears wrong PINs and any lock."""
        ...

    def set_password(self, officer_id: str, password_hash: str | None) -> None: ...

    def count_failure(self, officer_id: str) -> int:
        """Add one wrong PIN, atomically (two terminals at once both count); the new count."""
        ...

    def lock(self, officer_id: str, until: dt.datetime) -> None:
        """Refuse the officer's PIN until `until`; the count of wrong PINs starts again."""
        ...

    def clear_failures(self, officer_id: str) -> None: ...

    def set_card(self, officer_id: str, card_index: str | None, card_sealed: bytes | None) -> None:
        """The officer's own card (its ID number's blind-index token and the number sealed), or
        None for both: no card. `CardTaken` if another officer holds that card."""
        ...

    def cards(self) -> list[OfficerCard]:
        """Every registered card, with its officer's state (disabled ones too)."""
        ...

    def by_card(self, card_index: str) -> Officer | None: ...


@dataclass(frozen=True)
class OfficerCard:
    officer_id: str
    active: bool
    card_sealed: bytes


class CardTaken(Exception):
    """`OfficerRepository.set_card` of a card another officer holds."""


@dataclass(frozen=True)
class AuditRecord:
    """One link of the audit chain: `seq` counts from 1 without gaps; `link` is the hex HMAC over
    the previous link and this row's content (`kiosk.audit`)."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    detail: str
    link: str


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    detail: str


class AuditRepository(Protocol):
    def append(
        self, entry: AuditEntry, link: Callable[[int, str | None], str], grouped: bool = False
    ) -> AuditRecord:
        """Store `entry` after the newest row, in one transaction: `link(seq, previous link)` (None
        for the first row) gives the new row's link. Concurrent appends are serialised: each row
        links to the one before it. On disk when this returns, either way; `grouped` (a read,
        `kiosk.audit.READS`): its flush to disk may be shared with other rows written meanwhile."""
        ...

    def records(self, after_seq: int = 0, limit: int | None = None) -> list[AuditRecord]:
        """Rows with `seq` above `after_seq`, oldest first."""
        ...

    def newest(self, limit: int) -> list[AuditRecord]:
        """The newest `limit` rows, newest first."""
        ...

    def stored_rows(self, after_seq: int, upto: int) -> Iterator[list[tuple[object, ...]]]:
        """Rows `after_seq` < seq <= `upto`, oldest first, in batches, every column as the
        database driver returns it (no conversion: the cheapest full read), for the digest of a
        checkpoint (`kiosk.audit.AuditLog.verify_for_report`)."""
        ...

    def checkpoint(self) -> str | None:
        """The stored checkpoint (`kiosk.audit.Checkpoint` as text), None if none was stored."""
        ...

    def save_checkpoint(self, text: str) -> None: ...

    def count(self) -> int: ...
