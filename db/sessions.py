"""`SessionLog` over SQLAlchemy: one anonymous `kiosk_sessions` row per citizen session."""

from __future__ import annotations

from sqlalchemy import Engine, insert

from db.models import KioskSessionRow
from kiosk.ports.sessions import SessionSummary


class SqlSessionLog:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, kiosk_id: str, summary: SessionSummary) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                insert(KioskSessionRow).values(
                    kiosk_id=kiosk_id[:64],
                    started_at=summary.started_at,
                    ended_at=summary.ended_at,
                    service_code=summary.service_code[:64],
                    last_step=summary.last_step[:64],
                    outcome=summary.outcome.value,
                    assisted=summary.assisted,
                )
            )
