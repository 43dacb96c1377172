"""`PrintJobRepository` over SQLAlchemy: receipts waiting for the printer, kept until printed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, Select, select, update
from sqlalchemy.orm import Session

from db.models import PrintJobRow
from kiosk.ports.storage import NewPrintJob, PendingPrint, StoredPrintJob


def _stored(row: PrintJobRow) -> StoredPrintJob:
    return StoredPrintJob(row.id, row.tracking_code, row.payload, row.printed_at)


class SqlPrintJobRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, job: NewPrintJob) -> int:
        with Session(self._engine) as session, session.begin():
            row = PrintJobRow(
                tracking_code=job.tracking_code,
                created_at=job.created_at,
                attempts=0,
                last_error=None,
                printed_at=None,
                payload=job.payload,
            )
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

    def next_unprinted(self, after_id: int = 0) -> StoredPrintJob | None:
        return self._first(
            select(PrintJobRow)
            .where(PrintJobRow.printed_at.is_(None), PrintJobRow.id > after_id)
            .order_by(PrintJobRow.id)
        )

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
            .where(PrintJobRow.printed_at.is_(None))
            .order_by(PrintJobRow.id)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [PendingPrint(*row) for row in conn.execute(query)]

    def mark_printed(self, job_id: int, now: dt.datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(PrintJobRow)
                .where(PrintJobRow.id == job_id)
                .values(printed_at=now, attempts=PrintJobRow.attempts + 1, last_error=None)
            )

    def mark_failed(self, job_id: int, error: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(PrintJobRow)
                .where(PrintJobRow.id == job_id)
                .values(attempts=PrintJobRow.attempts + 1, last_error=error)
            )
