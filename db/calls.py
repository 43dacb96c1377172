"""The "Gọi cán bộ" calls over SQLAlchemy, one row of `officer_calls` each: the kiosk's side
(`CallDesk`: committed before the citizen is told an officer is coming) and the console's
(`CallBoard`: the unanswered ones, live, and answering one)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert, select, update

from db.models import OfficerCallRow
from kiosk.ports.desk import OfficerCall


class SqlCallDesk:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def call(self, kiosk_id: str, screen: str, waited_seconds: int) -> bool:
        with self._engine.begin() as conn:
            conn.execute(
                insert(OfficerCallRow).values(
                    kiosk_id=kiosk_id[:64],
                    screen=screen[:64],
                    waited_seconds=max(0, waited_seconds),
                    called_at=dt.datetime.now(dt.UTC),
                )
            )
        return True


class SqlCallBoard:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def open_calls(self, limit: int = 50) -> list[OfficerCall]:
        statement = (
            select(
                OfficerCallRow.id,
                OfficerCallRow.kiosk_id,
                OfficerCallRow.screen,
                OfficerCallRow.waited_seconds,
                OfficerCallRow.called_at,
            )
            .where(OfficerCallRow.answered_at.is_(None))
            .order_by(OfficerCallRow.id)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [OfficerCall(*row) for row in conn.execute(statement)]

    def answer(self, call_id: int, officer_id: str, now: dt.datetime) -> bool:
        with self._engine.begin() as conn:
            result = conn.execute(
                update(OfficerCallRow)
                .where(OfficerCallRow.id == call_id, OfficerCallRow.answered_at.is_(None))
                .values(answered_by=officer_id, answered_at=now)
            )
            return bool(result.rowcount)
