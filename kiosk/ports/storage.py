"""The storage ports: what the core needs from the station database, defined by the core.

The core seals personal data before it reaches a repository (`kiosk.sealing`), so a repository
only ever sees sealed bytes and the few clear columns officers and the status lookup need. `db/`
implements these Protocols over SQLAlchemy; a test or a hub may bring its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

MAX_ERROR_CHARS = 2000  # how much of a delivery or print error the core keeps on a row


@dataclass(frozen=True)
class SealedDossier:
    """A dossier row: clear columns plus `payload`, the sealed fields, holder and consent."""

    tracking_code: str
    service_code: str
    service_version: int
    station_id: str
    status: str
    submitted_at: dt.datetime
    updated_at: dt.datetime
    fee_amount: int
    payment_status: str
    payload: bytes
    row_id: int = 0  # assigned by the repository; 0 for a dossier not stored yet
    # The keyed blind index of the holder's name and ID number (`kiosk.blind_index`), never plain.
    name_index: str = ""
    id_index: str = ""
    note_for_citizen: str = ""  # what an officer wrote for the citizen with the status
    photo: bytes | None = None  # the sealed face (`kiosk.dossier_photo`), written with the dossier


@dataclass(frozen=True)
class OutboxItem:
    outbox_id: int
    tracking_code: str
    target: str
    idempotency_key: str  # stable across retries: the receiver drops duplicates by it
    attempts: int


@dataclass(frozen=True)
class NewPrintJob:
    """A receipt to queue: its tracking code in the clear, the `Receipt` sealed."""

    tracking_code: str
    created_at: dt.datetime
    payload: bytes


@dataclass(frozen=True)
class StoredPrintJob:
    job_id: int
    tracking_code: str
    payload: bytes
    printed_at: dt.datetime | None


@dataclass(frozen=True)
class PendingPrint:
    """A queued receipt, as an officer's screen or `kiosk doctor` lists it (nothing decrypted)."""

    job_id: int
    tracking_code: str
    created_at: dt.datetime
    attempts: int
    last_error: str | None


class DossierRepository(Protocol):
    """Dossiers and their outbox rows."""

    def add(
        self,
        dossier: SealedDossier,
        targets: Sequence[str],
        now: dt.datetime,
        *,
        check_same: Callable[[SealedDossier], None],
        print_job: NewPrintJob | None = None,
    ) -> int | None:
        """Store `dossier`, an outbox row per target and `print_job`, in one transaction.

        If the tracking code is taken, `check_same(existing)` raises
        `kiosk.dossier.TrackingCodeConflict` unless it is this very dossier (a retry), and the
        error leaves nothing stored; on a retry only what is missing is added (outbox rows for new
        targets, the print job if none was queued for the code). Returns the print job's id (on a
        retry, the one already queued), or None without a print job.
        """
        ...

    def get(self, tracking_code: str) -> SealedDossier | None: ...

    def photo(self, tracking_code: str) -> bytes | None:
        """The dossier's sealed card photo (`kiosk.dossier_photo`), None when it has none."""
        ...

    def set_session_marks(
        self,
        tracking_code: str,
        *,
        assisted_by: str | None,
        identity_check: str,
        identity_sealed: bytes | None,
        session_seconds: int,
    ) -> None:
        """Store the kiosk's marks on a stored dossier (`assisted_by`, `identity_check` (the way
        only), `identity_sealed` (the officer's note, `kiosk.identity_note`), `session_seconds`)."""
        ...

    def seal_pending_identity_notes(self, seal: Callable[[str, str], bytes]) -> int:
        """Seal the identity notes migration 0013 moved out of the dossiers' clear column
        (`seal(tracking_code, value)`), deleting their clear copies in the same transaction;
        returns how many. Nothing to do (one indexed read) once they are sealed."""
        ...

    def status(self, tracking_code: str) -> str | None:
        """The dossier's status by the unique index on tracking codes."""
        ...

    def due(self, limit: int, now: dt.datetime) -> list[OutboxItem]:
        """Undelivered outbox rows due at `now`, oldest due first."""
        ...

    def backlog(self) -> int:
        """Undelivered outbox rows, due or not."""
        ...

    def mark_sent(self, outbox_id: int, now: dt.datetime) -> None: ...

    def mark_failed(self, outbox_id: int, error: str, retry_at: dt.datetime) -> None:
        """Count a failed attempt, keep `error`, and hold the row back until `retry_at`."""
        ...


class PrintJobRepository(Protocol):
    """Receipts waiting for a kiosk's printer, kept until printed.

    A repository belongs to one kiosk (several may share a database): it queues, lists and claims
    that kiosk's jobs only. A job is printed by the print pass holding its claim: `claim` and
    `claim_next` take it atomically (one pass wins, on any kiosk or process) until `lease_until`,
    after which another pass may take it over (its pass died while printing).
    """

    def add(self, job: NewPrintJob) -> int:
        """Queue `job` for this kiosk's printer."""
        ...

    def get(self, job_id: int) -> StoredPrintJob | None: ...

    def latest(self, tracking_code: str) -> StoredPrintJob | None:
        """The newest job for a code on any kiosk, printed or not (what an officer's reprint copies)."""
        ...

    def claim(self, job_id: int, owner: str, now: dt.datetime, lease_until: dt.datetime) -> bool:
        """Claim this kiosk's unprinted job `job_id` for `owner` (again, if its claim is `owner`'s
        already); False if it is printed, another kiosk's, or claimed by another pass whose lease
        has not expired."""
        ...

    def claim_next(
        self, after_id: int, owner: str, now: dt.datetime, lease_until: dt.datetime
    ) -> StoredPrintJob | None:
        """Claim the oldest claimable unprinted job of this kiosk with an id above `after_id`."""
        ...

    def pending(self, limit: int) -> list[PendingPrint]:
        """This kiosk's unprinted jobs, oldest first."""
        ...

    def mark_printed(self, job_id: int, owner: str, now: dt.datetime) -> None:
        """Record the print and drop `owner`'s claim."""
        ...

    def mark_failed(self, job_id: int, owner: str, error: str) -> None:
        """Count a failed attempt, keep `error`, and drop `owner`'s claim (the job stays queued)."""
        ...


@dataclass(frozen=True)
class SealedRow:
    """A row holding sealed bytes, as a key rotation re-seals it."""

    # "dossiers", "print_jobs", "dossier_photos", "identity_checks" (a dossier's sealed
    # identity-check note) or "officers" (an officer's card)
    table: str
    row_id: int
    tracking_code: str
    payload: bytes


class KeyLedger(Protocol):
    """Which keys this database was used with (`kiosk.keys`): ids only, never the keys."""

    def current_key(self, purpose: str) -> str | None:
        """The id of the key last recorded for `purpose` ("data", "slip", "audit"), None if none was."""
        ...

    def record_key(self, purpose: str, key_id: str, *, previous: str = "retired") -> None:
        """Make `key_id` the current key for `purpose`; the one before it becomes `previous`
        ("retired": still held, "lost": gone)."""
        ...

    def sealed_rows(self, *, dossiers_only: bool = False) -> int:
        """Dossiers and print jobs stored: what a lost data key would leave unreadable (the
        dossiers alone: how many slips were issued)."""
        ...

    def audit_rows(self) -> int:
        """Rows of the audit log: what a new audit key could no longer verify."""
        ...

    def newest_sealed(self) -> list[SealedRow]:
        """The newest dossier and the newest print job, to check a key against."""
        ...

    def reseal_all(self, reseal: Callable[[SealedRow], bytes], purpose: str, key_id: str) -> int:
        """Replace every sealed payload by `reseal(row)` and record `key_id` as current, in one
        transaction (nothing changes if `reseal` raises); returns the number of rows."""
        ...


@dataclass(frozen=True)
class PurgedRows:
    dossiers: int
    print_jobs: int
    kept_unsent: int  # old dossiers kept because an outbox row of theirs is not delivered yet


class RetentionRepository(Protocol):
    def purge_before(self, cutoff: dt.datetime, day_of: Callable[[dt.datetime], str]) -> PurgedRows:
        """In one transaction: count every dossier submitted before `cutoff` into the daily counts
        (day `day_of(submitted_at)`, service, status), then delete it with its outbox rows and
        print jobs; print jobs created before `cutoff` go too. A dossier with an undelivered outbox
        row is kept, with its print jobs."""
        ...
