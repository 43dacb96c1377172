"""`KeyLedger` over SQLAlchemy: the `station_keys` table and the re-sealing of every sealed row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import AuditRow, DossierPhotoRow, DossierRow, OfficerRow, PrintJobRow, StationKeyRow
from kiosk.ports.storage import SealedRow


class SqlKeyLedger:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def current_key(self, purpose: str) -> str | None:
        with self._engine.connect() as conn:
            return conn.execute(
                select(StationKeyRow.key_id).where(
                    StationKeyRow.purpose == purpose, StationKeyRow.state == "current"
                )
            ).scalar_one_or_none()

    def record_key(self, purpose: str, key_id: str, *, previous: str = "retired") -> None:
        try:
            with Session(self._engine) as session, session.begin():
                _record(session, purpose, key_id, previous)
        except IntegrityError:  # two kiosks starting together recorded the same new key
            with Session(self._engine) as session, session.begin():
                _record(session, purpose, key_id, previous)

    def sealed_rows(self, *, dossiers_only: bool = False) -> int:
        with self._engine.connect() as conn:
            count = int(conn.execute(select(func.count()).select_from(DossierRow)).scalar_one())
            if not dossiers_only:
                count += int(conn.execute(select(func.count()).select_from(PrintJobRow)).scalar_one())
                cards = (
                    select(func.count()).select_from(OfficerRow).where(OfficerRow.card_sealed.is_not(None))
                )
                count += int(conn.execute(cards).scalar_one())
        return count

    def audit_rows(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(AuditRow)).scalar_one())

    def newest_sealed(self) -> list[SealedRow]:
        rows = []
        with self._engine.connect() as conn:
            for table, model in (("dossiers", DossierRow), ("print_jobs", PrintJobRow)):
                found = conn.execute(
                    select(model.id, model.tracking_code, model.payload).order_by(model.id.desc()).limit(1)
                ).first()
                if found is not None:
                    rows.append(SealedRow(table, found.id, found.tracking_code, found.payload))
        return rows

    def reseal_all(self, reseal: Callable[[SealedRow], bytes], purpose: str, key_id: str) -> int:
        count = 0
        with Session(self._engine) as session, session.begin():
            for table, model in (("dossiers", DossierRow), ("print_jobs", PrintJobRow)):
                found = session.execute(select(model.id, model.tracking_code, model.payload)).all()
                for row_id, code, payload in found:
                    new = reseal(SealedRow(table, row_id, code, payload))
                    session.execute(update(model).where(model.id == row_id).values(payload=new))
                    count += 1
            photos = select(
                DossierPhotoRow.dossier_id, DossierRow.tracking_code, DossierPhotoRow.sealed
            ).join(DossierRow, DossierPhotoRow.dossier_id == DossierRow.id)
            for dossier_id, code, sealed in session.execute(photos).all():
                new = reseal(SealedRow("dossier_photos", dossier_id, code, sealed))
                session.execute(
                    update(DossierPhotoRow).where(DossierPhotoRow.dossier_id == dossier_id).values(sealed=new)
                )
                count += 1
            notes = select(DossierRow.id, DossierRow.tracking_code, DossierRow.identity_sealed).where(
                DossierRow.identity_sealed.is_not(None)
            )
            for dossier_id, code, note in session.execute(notes).all():
                if note is None:  # pragma: no cover - the query takes only sealed notes
                    continue
                new = reseal(SealedRow("identity_checks", dossier_id, code, note))
                session.execute(
                    update(DossierRow).where(DossierRow.id == dossier_id).values(identity_sealed=new)
                )
                count += 1
            cards = select(OfficerRow.officer_id, OfficerRow.card_sealed).where(
                OfficerRow.card_sealed.is_not(None)
            )
            for officer_id, card in session.execute(cards).all():
                if card is None:  # pragma: no cover - the query takes only registered cards
                    continue
                # An officer's card is bound to the officer id, carried where a dossier's code goes.
                new = reseal(SealedRow("officers", 0, officer_id, card))
                session.execute(
                    update(OfficerRow).where(OfficerRow.officer_id == officer_id).values(card_sealed=new)
                )
                count += 1
            _record(session, purpose, key_id, "retired")
        return count


def _record(session: Session, purpose: str, key_id: str, previous: str) -> None:
    now = dt.datetime.now(dt.UTC)
    session.execute(
        update(StationKeyRow)
        .where(
            StationKeyRow.purpose == purpose, StationKeyRow.state == "current", StationKeyRow.key_id != key_id
        )
        .values(state=previous)
    )
    row = session.get(StationKeyRow, (purpose, key_id))
    if row is None:
        session.add(StationKeyRow(purpose=purpose, key_id=key_id, state="current", recorded_at=now))
    else:
        row.state = "current"
