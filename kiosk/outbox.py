"""The durable submission queue: dossiers stored sealed, each with outbox rows to deliver.

A citizen's submission is safe once `DossierStore.submit` returns: the dossier and its outbox row
are committed in one transaction, so the receipt printed next is never for something that was
not stored. Delivery to the configured target happens later (`deliver_pending`, run by the sync
worker) and retries with exponential backoff while the network is down.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import DossierRow, DossierStatus, OutboxRow
from kiosk.dossier import Dossier, TrackingCodeConflict
from kiosk.sealing import Sealer, SealError

log = logging.getLogger(__name__)

LOCAL_TARGET = "local"
_MAX_ERROR_CHARS = 2000


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

    @property
    def readable(self) -> bool:
        return self.dossier is not None


@dataclass(frozen=True)
class OutboxItem:
    outbox_id: int
    tracking_code: str
    target: str
    idempotency_key: str  # stable across retries: the receiver drops duplicates by it
    attempts: int


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _json_equal(a: Any, b: Any) -> bool:
    # Compare as stored: tuples become lists, and so on.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


class DossierStore:
    """Dossiers and their outbox on one database (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine, sealer: Sealer, clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self._engine = engine
        self._sealer = sealer
        self._clock = clock

    # --- dossiers -------------------------------------------------------------------------

    def submit(self, dossier: Dossier, target: str = LOCAL_TARGET) -> None:
        """Store `dossier` and queue it for `target`, atomically.

        Submitting the same dossier again (a retry after a crash or a double tap) changes nothing
        and is not an error; submitting it for another target queues it there too. A *different*
        dossier with the same tracking code raises `TrackingCodeConflict`.
        """
        now = self._clock()
        code = dossier.tracking_code
        consented = dossier.consented_at.isoformat() if dossier.consented_at else None
        payload = self._sealer.seal(
            {"fields": dossier.fields, "holder": dossier.holder, "consented_at": consented},
            context=code.encode(),
        )
        with Session(self._engine) as session, session.begin():
            try:
                # Insert first (no read before it): on SQLite the write lock is taken at once, so
                # a concurrent writer waits for busy_timeout instead of failing.
                with session.begin_nested():
                    row = DossierRow(
                        tracking_code=code,
                        service_code=dossier.service_code,
                        service_version=dossier.service_version,
                        station_id=dossier.station_id,
                        status=DossierStatus.RECEIVED.value,
                        submitted_at=dossier.submitted_at,
                        updated_at=now,
                        fee_amount=dossier.fee_amount,
                        payment_status="unpaid" if dossier.fee_amount else "not_required",
                        payload=payload,
                    )
                    session.add(row)
            except IntegrityError:
                existing = session.scalars(
                    select(DossierRow).where(DossierRow.tracking_code == code)
                ).one_or_none()
                if existing is None:
                    raise
                self._check_same(existing, dossier)
                row = existing
            try:
                with session.begin_nested():
                    session.add(
                        OutboxRow(
                            dossier_id=row.id,
                            target=target,
                            idempotency_key=f"{target}:{code}",
                            attempts=0,
                            next_attempt_at=now,
                            created_at=now,
                        )
                    )
            except IntegrityError:
                pass  # already queued for this target

    def _check_same(self, row: DossierRow, dossier: Dossier) -> None:
        stored = self._to_stored(row)
        if stored.dossier is None:
            raise TrackingCodeConflict(
                f"tracking code {row.tracking_code} is taken by a row that cannot be read"
            )
        old = stored.dossier
        same = (
            old.service_code == dossier.service_code
            and old.service_version == dossier.service_version
            and old.station_id == dossier.station_id
            and old.submitted_at == dossier.submitted_at
            and _json_equal(old.fields, dossier.fields)
            and _json_equal(old.holder, dossier.holder)
        )
        if not same:
            raise TrackingCodeConflict(
                f"tracking code {row.tracking_code} already belongs to another dossier"
            )

    def get(self, tracking_code: str) -> StoredDossier | None:
        """The stored dossier for a canonical tracking code (see `kiosk.trackcode.normalize`)."""
        with Session(self._engine) as session:
            row = session.scalars(
                select(DossierRow).where(DossierRow.tracking_code == tracking_code)
            ).one_or_none()
            return None if row is None else self._to_stored(row)

    def _to_stored(self, row: DossierRow) -> StoredDossier:
        dossier: Dossier | None = None
        problem: str | None = None
        try:
            data = self._sealer.open(row.payload, context=row.tracking_code.encode())
            dossier = Dossier(
                tracking_code=row.tracking_code,
                service_code=row.service_code,
                service_version=row.service_version,
                station_id=row.station_id,
                submitted_at=row.submitted_at,
                fields=dict(data["fields"]),
                holder=dict(data["holder"]),
                consented_at=(
                    dt.datetime.fromisoformat(data["consented_at"]) if data.get("consented_at") else None
                ),
                fee_amount=row.fee_amount,
            )
        except (SealError, KeyError, TypeError, ValueError) as exc:
            problem = (
                f"dossier {row.tracking_code} (row {row.id}) cannot be read: {exc}. The row is "
                "kept unchanged; check that this station uses its own key file."
            )
            log.error("%s", problem)
        return StoredDossier(
            tracking_code=row.tracking_code,
            status=row.status,
            submitted_at=row.submitted_at,
            updated_at=row.updated_at,
            dossier=dossier,
            problem=problem,
            fee_amount=row.fee_amount,
            payment_status=row.payment_status,
        )

    def status(self, tracking_code: str) -> str | None:
        """The dossier's status, by the unique index on tracking codes; no decryption."""
        with self._engine.connect() as conn:
            return conn.execute(
                select(DossierRow.status).where(DossierRow.tracking_code == tracking_code)
            ).scalar_one_or_none()

    # --- outbox ---------------------------------------------------------------------------

    def pending(self, limit: int = 100, now: dt.datetime | None = None) -> list[OutboxItem]:
        """Unsent outbox rows due at `now`, oldest due first."""
        now = now or self._clock()
        query = (
            select(
                OutboxRow.id,
                DossierRow.tracking_code,
                OutboxRow.target,
                OutboxRow.idempotency_key,
                OutboxRow.attempts,
            )
            .join(DossierRow, OutboxRow.dossier_id == DossierRow.id)
            .where(OutboxRow.sent_at.is_(None), OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [OutboxItem(*row) for row in conn.execute(query)]

    def backlog(self) -> int:
        """How many outbox rows are not delivered yet, due or not (for `kiosk doctor`)."""
        with self._engine.connect() as conn:
            count = conn.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))
            )
        return int(count or 0)

    def mark_sent(self, outbox_id: int, now: dt.datetime | None = None) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(OutboxRow)
                .where(OutboxRow.id == outbox_id, OutboxRow.sent_at.is_(None))
                .values(sent_at=now or self._clock(), last_error=None)
            )

    def mark_failed(self, outbox_id: int, error: str, retry_at: dt.datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(OutboxRow)
                .where(OutboxRow.id == outbox_id, OutboxRow.sent_at.is_(None))
                .values(
                    attempts=OutboxRow.attempts + 1,
                    last_error=error[:_MAX_ERROR_CHARS],
                    next_attempt_at=retry_at,
                )
            )


# --- delivery -----------------------------------------------------------------------------


class Target(Protocol):
    def deliver(self, item: OutboxItem, store: DossierStore) -> None:
        """Hand the dossier over; raise on failure (the row is retried later)."""


class LocalTarget:
    """The station database itself: officers process the dossier here, so it is delivered the
    moment it is stored."""

    def deliver(self, item: OutboxItem, store: DossierStore) -> None:
        return None


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def backoff_delay(
    attempts: int,
    base: dt.timedelta = dt.timedelta(seconds=30),
    cap: dt.timedelta = dt.timedelta(hours=1),
) -> dt.timedelta:
    """Wait after the (attempts+1)-th failure: base, 2*base, 4*base... at most `cap`."""
    return min(cap, base * 2 ** min(attempts, 30))


def deliver_pending(
    store: DossierStore,
    targets: Mapping[str, Target],
    now: dt.datetime,
    *,
    limit: int = 100,
    delay: Callable[[int], dt.timedelta] = backoff_delay,
) -> DeliveryReport:
    """One pass over the due outbox rows. Each failure is recorded on its row, never raised:
    one bad target or dossier must not hold up the others."""
    sent = failed = 0
    for item in store.pending(limit, now):
        target = targets.get(item.target)
        try:
            if target is None:
                raise LookupError(f"no submission target {item.target!r} is configured")
            target.deliver(item, store)
        except Exception as exc:
            log.warning("delivery of %s to %s failed: %s", item.tracking_code, item.target, exc)
            store.mark_failed(item.outbox_id, f"{type(exc).__name__}: {exc}", now + delay(item.attempts))
            failed += 1
        else:
            store.mark_sent(item.outbox_id, now)
            sent += 1
    return DeliveryReport(sent=sent, failed=failed)
