"""`CallDesk` over SQLAlchemy: each "Gọi cán bộ" is a row of `officer_calls`, committed before the
citizen is told an officer is coming; the station console shows the unanswered ones live."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert

from db.models import OfficerCallRow


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
