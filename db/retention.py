"""`RetentionRepository` over SQLAlchemy: old rows deleted, counted into `daily_counts` first."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Engine, and_, delete, select
from sqlalchemy.orm import Session

from db.engine import SQLITE_BEGIN
from db.models import (
    DailyCountRow,
    DossierEventRow,
    DossierPhotoRow,
    DossierRow,
    OutboxRow,
    PaymentRow,
    PrintJobRow,
)
from kiosk.ports.storage import PurgedRows

T = TypeVar("T")
_CHUNK = 500  # ids per IN (...): far below every backend's limit on bound parameters


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class SqlRetention:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # Reads the old rows, then deletes them: on SQLite take the write lock first, or a kiosk
        # writing meanwhile makes the deletes fail at once with "database is locked" (NOTES.md).
        self._writer = engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})

    def purge_before(self, cutoff: dt.datetime, day_of: Callable[[dt.datetime], str]) -> PurgedRows:
        with Session(self._writer) as session, session.begin():
            old = session.execute(
                select(
                    DossierRow.id,
                    DossierRow.tracking_code,
                    DossierRow.service_code,
                    DossierRow.status,
                    DossierRow.submitted_at,
                ).where(DossierRow.submitted_at < cutoff)
            ).all()
            unsent = set(
                session.scalars(
                    select(OutboxRow.dossier_id)
                    .join(DossierRow, OutboxRow.dossier_id == DossierRow.id)
                    .where(DossierRow.submitted_at < cutoff, OutboxRow.sent_at.is_(None))
                )
            )
            gone = [row for row in old if row.id not in unsent]
            kept_codes = [row.tracking_code for row in old if row.id in unsent]
            _add_counts(session, Counter((day_of(r.submitted_at), r.service_code, r.status) for r in gone))
            ids = [row.id for row in gone]
            codes = [row.tracking_code for row in gone]
            jobs = 0
            for chunk in _chunks(codes):
                jobs += _deleted(
                    session.execute(delete(PrintJobRow).where(PrintJobRow.tracking_code.in_(chunk)))
                )
            stale = PrintJobRow.created_at < cutoff
            keep = [PrintJobRow.tracking_code.not_in(chunk) for chunk in _chunks(kept_codes)]
            jobs += _deleted(session.execute(delete(PrintJobRow).where(and_(stale, *keep))))
            for chunk in _chunks(ids):
                # The dossier's history and photo go with it: officers' notes are personal data too, and
                # the foreign keys would refuse the dossier's deletion while they remain.
                for history in (OutboxRow, DossierEventRow, PaymentRow, DossierPhotoRow):
                    session.execute(delete(history).where(history.dossier_id.in_(chunk)))
                session.execute(delete(DossierRow).where(DossierRow.id.in_(chunk)))
        return PurgedRows(len(ids), jobs, len(unsent))


def _deleted(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _add_counts(session: Session, counts: Counter[tuple[str, str, str]]) -> None:
    for (day, service, status), n in counts.items():
        row = session.get(DailyCountRow, (day, service, status))
        if row is None:
            session.add(DailyCountRow(day=day, service_code=service, status=status, count=n))
        else:
            row.count += n
    session.flush()


def daily_counts(engine: Engine) -> list[tuple[str, str, str, int]]:
    """(day, service, status, count), oldest day first: what statistics read after a purge."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                DailyCountRow.day, DailyCountRow.service_code, DailyCountRow.status, DailyCountRow.count
            ).order_by(DailyCountRow.day, DailyCountRow.service_code, DailyCountRow.status)
        )
        return [(day, service, status, count) for day, service, status, count in rows]
