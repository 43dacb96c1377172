"""`OfficerRepository` over SQLAlchemy: the `officers` table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import OfficerRow
from kiosk.permissions import Role
from kiosk.ports.officers import CardTaken, Officer, OfficerCard, OfficerExists


def _officer(row: OfficerRow) -> Officer:
    return Officer(
        officer_id=row.officer_id,
        name=row.name,
        role=Role(row.role),
        active=row.active,
        pin_hash=row.pin_hash,
        password_hash=row.password_hash,
        failed_pins=row.failed_pins,
        locked_until=row.locked_until,
        created_at=row.created_at,
        has_card=row.card_index is not None,
        station_id=row.station_id,
    )


class SqlOfficers:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, officer: Officer) -> None:
        try:
            with Session(self._engine) as session, session.begin():
                session.add(
                    OfficerRow(
                        officer_id=officer.officer_id,
                        name=officer.name,
                        role=officer.role.value,
                        active=officer.active,
                        pin_hash=officer.pin_hash,
                        password_hash=officer.password_hash,
                        failed_pins=officer.failed_pins,
                        locked_until=officer.locked_until,
                        created_at=officer.created_at,
                        station_id=officer.station_id,
                    )
                )
        except IntegrityError:
            raise OfficerExists(officer.officer_id) from None

    def get(self, officer_id: str) -> Officer | None:
        with Session(self._engine) as session:
            row = session.get(OfficerRow, officer_id)
            return None if row is None else _officer(row)

    def all(self) -> list[Officer]:
        with Session(self._engine) as session:
            return [_officer(r) for r in session.scalars(select(OfficerRow).order_by(OfficerRow.officer_id))]

    def _update(self, officer_id: str, **values: object) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(update(OfficerRow).where(OfficerRow.officer_id == officer_id).values(**values))

    def set_active(self, officer_id: str, active: bool) -> None:
        self._update(officer_id, active=active)

    def set_pin(self, officer_id: str, pin_hash: str) -> None:
        self._update(officer_id, pin_hash=pin_hash, failed_pins=0, locked_until=None)

    def set_password(self, officer_id: str, password_hash: str | None) -> None:
        self._update(officer_id, password_hash=password_hash)

    def count_failure(self, officer_id: str) -> int:
        with Session(self._engine) as session, session.begin():
            # One statement: two terminals counting at once both count.
            count = session.execute(
                update(OfficerRow)
                .where(OfficerRow.officer_id == officer_id)
                .values(failed_pins=OfficerRow.failed_pins + 1)
                .returning(OfficerRow.failed_pins)
            ).scalar_one()
        return int(count)

    def lock(self, officer_id: str, until: dt.datetime) -> None:
        self._update(officer_id, failed_pins=0, locked_until=until)

    def clear_failures(self, officer_id: str) -> None:
        self._update(officer_id, failed_pins=0, locked_until=None)

    def set_card(self, officer_id: str, card_index: str | None, card_sealed: bytes | None) -> None:
        try:
            self._update(officer_id, card_index=card_index, card_sealed=card_sealed)
        except IntegrityError:  # the unique token: another officer holds this card
            raise CardTaken(officer_id) from None

    def cards(self) -> list[OfficerCard]:
        query = (
            select(OfficerRow.officer_id, OfficerRow.active, OfficerRow.card_sealed)
            .where(OfficerRow.card_sealed.is_not(None))
            .order_by(OfficerRow.officer_id)
        )
        with self._engine.connect() as conn:
            return [OfficerCard(r.officer_id, r.active, r.card_sealed) for r in conn.execute(query)]

    def by_card(self, card_index: str) -> Officer | None:
        with Session(self._engine) as session:
            row = session.scalars(select(OfficerRow).where(OfficerRow.card_index == card_index)).one_or_none()
            return None if row is None else _officer(row)
