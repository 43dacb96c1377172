"""`PrintJobRepository` over SQLAlchemy: one kiosk's receipts waiting for its printer.

A pass claims a job with a single UPDATE whose WHERE holds the whole rule (unprinted, this kiosk's,
unclaimed or its lease expired): the database lets one such UPDATE win, so two passes, in one
process or two, or on two kiosks sharing the database, never print the same job.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, Select, or_, select, update
from sqlalchemy.orm import Session

from db.models import PrintJobRow
from kiosk.ports.storage import NewPrintJob, PendingPrint, StoredPrintJob

ANY_KIOSK = ""  # kiosk_id of jobs queued before revision 0003


def _stored(row: PrintJobRow) -> StoredPrintJob:
    return StoredPrintJob(row.id, row.tracking_code, row.payload, row.printed_at)


class SqlPrintJobRepository:
    def __init__(self, engine: Engine, kiosk_id: str) -> None:
        if not kiosk_id:
            raise ValueError("a print job repository belongs to a kiosk: kiosk_id must not be empty")
        self._engine = engine
        self.kiosk_id = kiosk_id

    def _mine(self) -> Any:
        return PrintJobRow.kiosk_id.in_((self.kiosk_id, ANY_KIOSK))

    def _claimable(self, owner: str, now: dt.datetime) -> tuple[Any, ...]:
        return (
            PrintJobRow.printed_at.is_(None),
            self._mine(),
            # Its own claim too: one whose outcome could not be recorded (disk full, locked) would
            # otherwise hold the pass's own retry off until the lease ran out.
            or_(
                PrintJobRow.claimed_by.is_(None),
                PrintJobRow.lease_until < now,
                PrintJobRow.claimed_by == owner,
            ),
        )

    def add(self, job: NewPrintJob) -> int:
        with Session(self._engine) as session, session.begin():
            row = new_row(job, self.kiosk_id)
            session.add(row)
            session.flush()
            return row.id

    def get(self, job_id: int) -> StoredPrintJob | None:
        with Session(self._engine) as session:
            row = session.get(PrintJobRow, job_id)
            return None if row is None else _stored(row)

    def latest(self, tracking_code: str) -> StoredPrintJob | None:
        return self._first(
            select(PrintJobRow)
            .where(PrintJobRow.tracking_code == tracking_code)
            .order_by(PrintJobRow.id.desc())
        )

    def claim(self, job_id: int, owner: str, now: dt.datetime, lease_until: dt.datetime) -> bool:
        with self._engine.begin() as conn:
            result = conn.execute(
                update(PrintJobRow)
                .where(PrintJobRow.id == job_id, *self._claimable(owner, now))
                .values(claimed_by=owner, lease_until=lease_until)
            )
        return result.rowcount == 1

    def claim_next(
        self, after_id: int, owner: str, now: dt.datetime, lease_until: dt.datetime
    ) -> StoredPrintJob | None:
        while True:
            with self._engine.connect() as conn:
                candidate = conn.scalar(
                    select(PrintJobRow.id)
                    .where(PrintJobRow.id > after_id, *self._claimable(owner, now))
                    .order_by(PrintJobRow.id)
                    .limit(1)
                )
            if candidate is None:
                return None
            if self.claim(candidate, owner, now, lease_until):
                return self.get(candidate)
            # Another pass took it between the two statements: it is no longer claimable, so the
            # next look finds the one after it.

    def _first(self, query: Select[PrintJobRow]) -> StoredPrintJob | None:
        with Session(self._engine) as session:
            row = session.scalars(query.limit(1)).one_or_none()
            return None if row is None else _stored(row)

    def pending(self, limit: int) -> list[PendingPrint]:
        query = (
            select(
                PrintJobRow.id,
                PrintJobRow.tracking_code,
                PrintJobRow.created_at,
                PrintJobRow.attempts,
                PrintJobRow.last_error,
            )
            .where(PrintJobRow.printed_at.is_(None), self._mine())
            .order_by(PrintJobRow.id)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [PendingPrint(*row) for row in conn.execute(query)]

    def mark_printed(self, job_id: int, owner: str, now: dt.datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(PrintJobRow)
                .where(PrintJobRow.id == job_id, PrintJobRow.claimed_by == owner)
                .values(
                    printed_at=now,
                    attempts=PrintJobRow.attempts + 1,
                    last_error=None,
                    claimed_by=None,
                    lease_until=None,
                )
            )

    def mark_failed(self, job_id: int, owner: str, error: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(PrintJobRow)
                .where(PrintJobRow.id == job_id, PrintJobRow.claimed_by == owner)
                .values(
                    attempts=PrintJobRow.attempts + 1, last_error=error, claimed_by=None, lease_until=None
                )
            )


def new_row(job: NewPrintJob, kiosk_id: str) -> PrintJobRow:
    """The row queuing `job` for `kiosk_id`'s printer (also written by `SqlDossierRepository.add`,
    in the dossier's transaction)."""
    return PrintJobRow(
        tracking_code=job.tracking_code,
        created_at=job.created_at,
        attempts=0,
        last_error=None,
        printed_at=None,
        payload=job.payload,
        kiosk_id=kiosk_id,
        claimed_by=None,
        lease_until=None,
    )
