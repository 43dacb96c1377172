"""`StatsSource` over SQLAlchemy: every figure is a GROUP BY in the database, never a row per dossier.

Portable between SQLite and PostgreSQL: the only dialect-specific piece is the local day of a UTC
column (`_local_day`), shifted by a whole number of seconds the core gives (`DayRange.utc_offset`).
Constants are rendered as SQL literals, not bound parameters: PostgreSQL accepts a grouped
expression in the select list only if it is the same expression text as in GROUP BY, and two
bound parameters are two different expressions to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Engine, Integer, String, func, literal_column, select

from db.models import (
    DailyCountRow,
    DossierEventRow,
    DossierRow,
    KioskSessionRow,
    StationSettingRow,
    TargetRow,
)
from kiosk.ports import stats as port

FINISHED = ("done", "rejected")
ABANDONED = ("abandoned", "timed_out")  # kiosk_sessions.outcome values that are not a submission


class SqlStats:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _local_day(self, column: Any, offset: dt.timedelta) -> ColumnElement[str]:
        seconds = int(offset.total_seconds())
        if self._engine.dialect.name == "sqlite":  # stored as "YYYY-MM-DD HH:MM:SS.ffffff", UTC
            return func.date(column, literal_column(f"'{seconds:+d} seconds'"), type_=String)
        shifted = column + literal_column(f"interval '{seconds} seconds'")
        return func.to_char(
            func.timezone(literal_column("'UTC'"), shifted), literal_column("'YYYY-MM-DD'"), type_=String
        )

    def submitted(self, days: port.DayRange) -> list[port.SubmittedCount]:
        day = self._local_day(DossierRow.submitted_at, days.utc_offset)
        alone = DossierRow.assisted_by.is_(None)
        query = (
            select(day, DossierRow.service_code, alone, func.count())
            .where(DossierRow.submitted_at >= days.start, DossierRow.submitted_at < days.end)
            .group_by(day, DossierRow.service_code, alone)
        )
        with self._engine.connect() as conn:
            return [port.SubmittedCount(d, s, not bool(a), int(n)) for d, s, a, n in conn.execute(query)]

    def finished(self, days: port.DayRange) -> list[port.FinishedCount]:
        day = self._local_day(DossierRow.finished_at, days.utc_offset)
        submitted = self._local_day(DossierRow.submitted_at, days.utc_offset)
        query = (
            select(day, DossierRow.service_code, submitted, func.count())
            .where(
                DossierRow.finished_at >= days.start,
                DossierRow.finished_at < days.end,
                DossierRow.status.in_(FINISHED),
            )
            .group_by(day, DossierRow.service_code, submitted)
        )
        with self._engine.connect() as conn:
            return [port.FinishedCount(d, s, sd, int(n)) for d, s, sd, n in conn.execute(query)]

    def _seconds(self, key: Any, days: port.DayRange, step: int) -> list[tuple[Any, int, int]]:
        # Integer division on both backends (integer operands): whole steps, rounded down.
        size = literal_column(str(int(step)), Integer)
        bucket = (DossierRow.session_seconds // size) * size
        query = (
            select(key, bucket, func.count())
            .where(
                DossierRow.submitted_at >= days.start,
                DossierRow.submitted_at < days.end,
                DossierRow.session_seconds.is_not(None),
            )
            .group_by(key, bucket)
        )
        with self._engine.connect() as conn:
            return [(k, int(sec or 0), int(n)) for k, sec, n in conn.execute(query)]

    def kiosk_seconds_by_day(self, days: port.DayRange, step: int) -> list[port.SecondsCount]:
        day = self._local_day(DossierRow.submitted_at, days.utc_offset)
        return [port.SecondsCount(d, "", sec, n) for d, sec, n in self._seconds(day, days, step)]

    def kiosk_seconds_by_service(self, days: port.DayRange, step: int) -> list[port.SecondsCount]:
        rows = self._seconds(DossierRow.service_code, days, step)
        return [port.SecondsCount("", code, sec, n) for code, sec, n in rows]

    def abandoned(self, days: port.DayRange) -> list[port.AbandonedCount]:
        day = self._local_day(KioskSessionRow.started_at, days.utc_offset)
        query = (
            select(day, KioskSessionRow.service_code, KioskSessionRow.last_step, func.count())
            .where(
                KioskSessionRow.started_at >= days.start,
                KioskSessionRow.started_at < days.end,
                KioskSessionRow.outcome.in_(ABANDONED),
            )
            .group_by(day, KioskSessionRow.service_code, KioskSessionRow.last_step)
        )
        with self._engine.connect() as conn:
            return [port.AbandonedCount(d, s, step, int(n)) for d, s, step, n in conn.execute(query)]

    def purged(self, first: dt.date, last: dt.date) -> list[port.PurgedCount]:
        query = select(
            DailyCountRow.day, DailyCountRow.service_code, DailyCountRow.status, DailyCountRow.count
        ).where(DailyCountRow.day >= first.isoformat(), DailyCountRow.day <= last.isoformat())
        with self._engine.connect() as conn:
            return [port.PurgedCount(d, s, st, int(n)) for d, s, st, n in conn.execute(query)]

    def targets(self, periods: list[str]) -> list[port.TargetRow]:
        if not periods:
            return []
        query = select(TargetRow.period, TargetRow.metric, TargetRow.service_code, TargetRow.target).where(
            TargetRow.period.in_(periods)
        )
        with self._engine.connect() as conn:
            return [port.TargetRow(p, m, s, int(t)) for p, m, s, t in conn.execute(query)]

    def station_name(self) -> str | None:
        with self._engine.connect() as conn:
            value = conn.execute(
                select(StationSettingRow.value).where(StationSettingRow.key == "name")
            ).scalar()
        return str(value) if value else None

    # -- what can change an ended day's counts (`kiosk.ports.stats.StatsChanges`) --------------

    def change_mark(self) -> port.ChangeMark:
        # max(id) reads one end of the primary key; daily_counts is a row per day and service.
        newest = select(func.coalesce(func.max(DossierEventRow.id), 0)).scalar_subquery()
        query = select(newest, func.count(), func.coalesce(func.sum(DailyCountRow.count), 0)).select_from(
            DailyCountRow
        )
        with self._engine.connect() as conn:
            event, rows, total = conn.execute(query).one()
        return port.ChangeMark(int(event), int(rows), int(total))

    def finished_since(self, event_id: int) -> list[dt.datetime]:
        query = select(DossierEventRow.at).where(
            DossierEventRow.id > event_id,
            DossierEventRow.kind == "status",
            DossierEventRow.status.in_(FINISHED),
        )
        with self._engine.connect() as conn:
            return [at for (at,) in conn.execute(query)]
