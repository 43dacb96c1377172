"""The officers' desk over SQLAlchemy: the queue (`DeskRepository`), console sessions and station
settings (`kiosk.ports.desk`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, and_, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.dossiers import _sealed, write_name_tokens
from db.engine import SQLITE_BEGIN
from db.models import (
    ConsoleSessionRow,
    DossierEventRow,
    DossierNameTokenRow,
    DossierRow,
    PaymentRow,
    StationSettingRow,
    TargetRow,
)
from kiosk.ports.desk import (
    ConsoleSession,
    DeskDossier,
    DossierEvent,
    PaymentRecord,
    QueueQuery,
    QueueRow,
    ReceiptNumberTaken,
    Target,
)
from kiosk.ports.storage import SealedDossier

_QUEUE_COLUMNS = (
    DossierRow.tracking_code,
    DossierRow.service_code,
    DossierRow.status,
    DossierRow.submitted_at,
    DossierRow.updated_at,
    DossierRow.fee_amount,
    DossierRow.payment_status,
    DossierRow.assisted_by,
    DossierRow.national_number,
)


_TOKENS = DossierNameTokenRow.__table__
# Postings counted per query token, at most, to choose which token leads SQLite's search: a rare
# word (under this many dossiers) leads; among common ones the first typed does. Counting costs
# ~0.2 µs a posting (bench/README_console.md: a cap of 50,000 cost more than it saved at 1M).
RARITY_PROBE = 4_000


def _by_rarity(conn: Connection, tokens: list[str]) -> list[str]:
    """The query's tokens, fewest dossiers first (counted up to `RARITY_PROBE`); one round trip."""
    if len(tokens) == 1:
        return tokens
    counts = [
        select(func.count())
        .select_from(
            select(_TOKENS.c.dossier_id).where(_TOKENS.c.token == token).limit(RARITY_PROBE).subquery()
        )
        .scalar_subquery()
        for token in tokens
    ]
    found = conn.execute(select(*counts)).one()
    return [token for _, token in sorted(zip(found, tokens, strict=True), key=lambda pair: pair[0])]


def _event_row(dossier_id: int, event: DossierEvent) -> DossierEventRow:
    return DossierEventRow(
        dossier_id=dossier_id,
        at=event.at,
        actor=event.actor,
        kind=event.kind,
        status=event.status,
        note_for_citizen=event.note_for_citizen,
        note_internal=event.note_internal,
        seconds=event.seconds,
    )


class SqlDesk:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})

    def queue(self, query: QueueQuery) -> list[QueueRow]:
        where = []
        if query.service_code:
            where.append(DossierRow.service_code == query.service_code)
        if query.status:
            where.append(DossierRow.status == query.status)
        if query.since is not None:
            where.append(DossierRow.submitted_at >= query.since)
        if query.until is not None:
            where.append(DossierRow.submitted_at < query.until)
        if query.assisted is not None:
            assisted = DossierRow.assisted_by.is_not(None)
            where.append(assisted if query.assisted else DossierRow.assisted_by.is_(None))
        if query.tracking_code:
            where.append(DossierRow.tracking_code == query.tracking_code)
        if query.id_token:
            where.append(DossierRow.id_index == query.id_token)
        if query.station_id:
            where.append(DossierRow.station_id == query.station_id)
        tokens = list(dict.fromkeys(query.name_tokens))
        with self._engine.connect() as conn:
            statement = select(*_QUEUE_COLUMNS)
            # Newest first by row id (rows are added as they are submitted): the database walks
            # an index backwards and stops at the page's last row, where ordering by
            # submitted_at (no index) would sort every match first.
            newest = DossierRow.id.desc()
            if tokens:
                # Every query token must be among the dossier's (whole tokens): the rarest leads,
                # its dossiers newest first through the token index, and the others are probed
                # by primary key. A dossier whose stored form was emptied (to be indexed again by
                # `kiosk index rebuild`) is not found, as when the search read that column.
                # SQLite joins in the order written, so the rarest leads; PostgreSQL knows each
                # token's frequency (its statistics) and merges the postings in its own order.
                first, *others = _by_rarity(conn, tokens) if conn.dialect.name == "sqlite" else tokens
                lead = _TOKENS.alias("lead")
                statement = statement.select_from(
                    lead.join(DossierRow, lead.c.dossier_id == DossierRow.id)
                ).where(lead.c.token == first, DossierRow.name_index != "")
                where += [
                    exists().where(_TOKENS.c.dossier_id == lead.c.dossier_id, _TOKENS.c.token == token)
                    for token in others
                ]
                newest = lead.c.dossier_id.desc()
            statement = (
                statement.where(and_(True, *where)).order_by(newest).limit(query.limit).offset(query.offset)
            )
            return [QueueRow(*row) for row in conn.execute(statement)]

    def get(self, tracking_code: str) -> DeskDossier | None:
        with Session(self._engine) as session:
            row = session.scalars(
                select(DossierRow).where(DossierRow.tracking_code == tracking_code)
            ).one_or_none()
            if row is None:
                return None
            return DeskDossier(
                _sealed(row), row.national_number, row.assisted_by, row.identity_check, row.finished_at
            )

    def _dossier_id(self, session: Session, tracking_code: str) -> int:
        found = session.scalar(select(DossierRow.id).where(DossierRow.tracking_code == tracking_code))
        if found is None:
            raise LookupError(f"no dossier {tracking_code}")
        return found

    def events(self, tracking_code: str) -> list[DossierEvent]:
        statement = (
            select(
                DossierEventRow.at,
                DossierEventRow.actor,
                DossierEventRow.kind,
                DossierEventRow.status,
                DossierEventRow.note_for_citizen,
                DossierEventRow.note_internal,
                DossierEventRow.seconds,
            )
            .join(DossierRow, DossierEventRow.dossier_id == DossierRow.id)
            .where(DossierRow.tracking_code == tracking_code)
            .order_by(DossierEventRow.id)
        )
        with self._engine.connect() as conn:
            return [DossierEvent(*row) for row in conn.execute(statement)]

    def change_status(
        self, tracking_code: str, expected: str, event: DossierEvent, finished_at: dt.datetime | None
    ) -> bool:
        with Session(self._writer) as session, session.begin():
            result = session.execute(
                update(DossierRow)
                .where(DossierRow.tracking_code == tracking_code, DossierRow.status == expected)
                .values(
                    status=event.status,
                    note_for_citizen=event.note_for_citizen,
                    updated_at=event.at,
                    finished_at=finished_at,
                )
            )
            if not getattr(result, "rowcount", 0):
                return False
            session.add(_event_row(self._dossier_id(session, tracking_code), event))
            return True

    def file_national(self, tracking_code: str, number: str, event: DossierEvent) -> None:
        with Session(self._writer) as session, session.begin():
            session.execute(
                update(DossierRow)
                .where(DossierRow.tracking_code == tracking_code)
                .values(national_number=number, updated_at=event.at)
            )
            session.add(_event_row(self._dossier_id(session, tracking_code), event))

    def payments(self, tracking_code: str) -> list[PaymentRecord]:
        statement = (
            select(
                PaymentRow.method,
                PaymentRow.amount,
                PaymentRow.receipt_number,
                PaymentRow.confirmed_by,
                PaymentRow.confirmed_at,
            )
            .join(DossierRow, PaymentRow.dossier_id == DossierRow.id)
            .where(DossierRow.tracking_code == tracking_code)
            .order_by(PaymentRow.id)
        )
        with self._engine.connect() as conn:
            return [PaymentRecord(*row) for row in conn.execute(statement)]

    def add_payment(self, tracking_code: str, payment: PaymentRecord, event: DossierEvent) -> None:
        try:
            with Session(self._writer) as session, session.begin():
                dossier_id = self._dossier_id(session, tracking_code)
                session.add(
                    PaymentRow(
                        dossier_id=dossier_id,
                        method=payment.method,
                        amount=payment.amount,
                        receipt_number=payment.receipt_number,
                        confirmed_by=payment.confirmed_by,
                        confirmed_at=payment.confirmed_at,
                    )
                )
                session.flush()
                session.execute(
                    update(DossierRow)
                    .where(DossierRow.id == dossier_id)
                    .values(payment_status="paid", updated_at=payment.confirmed_at)
                )
                session.add(_event_row(dossier_id, event))
        except IntegrityError:
            raise ReceiptNumberTaken(payment.receipt_number) from None

    def unindexed(self, after_id: int, limit: int) -> list[SealedDossier]:
        with Session(self._engine) as session:
            rows = session.scalars(
                select(DossierRow).where(DossierRow.id > after_id).order_by(DossierRow.id).limit(limit)
            )
            return [_sealed(row) for row in rows]

    def set_index(self, row_id: int, name_index: str, id_index: str) -> None:
        with self._writer.begin() as conn:
            conn.execute(
                update(DossierRow)
                .where(DossierRow.id == row_id)
                .values(name_index=name_index, id_index=id_index)
            )
            conn.execute(delete(DossierNameTokenRow).where(DossierNameTokenRow.dossier_id == row_id))
            write_name_tokens(conn, row_id, name_index)


class SqlConsoleSessions:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, session: ConsoleSession) -> None:
        with Session(self._engine) as db, db.begin():
            db.add(
                ConsoleSessionRow(
                    token_hash=session.token_hash,
                    officer_id=session.officer_id,
                    csrf_token=session.csrf_token,
                    created_at=session.created_at,
                    last_seen_at=session.last_seen_at,
                )
            )

    def get(self, token_hash: str) -> ConsoleSession | None:
        with Session(self._engine) as db:
            row = db.get(ConsoleSessionRow, token_hash)
            if row is None:
                return None
            return ConsoleSession(
                row.token_hash, row.officer_id, row.csrf_token, row.created_at, row.last_seen_at
            )

    def touch(self, token_hash: str, now: dt.datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(ConsoleSessionRow)
                .where(ConsoleSessionRow.token_hash == token_hash)
                .values(last_seen_at=now)
            )

    def remove(self, token_hash: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.token_hash == token_hash))

    def remove_idle(self, before: dt.datetime) -> int:
        with self._engine.begin() as conn:
            result = conn.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.last_seen_at < before))
            return int(result.rowcount or 0)


class SqlSettings:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get_all(self) -> dict[str, str]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(StationSettingRow.key, StationSettingRow.value))
            return {key: value for key, value in rows}

    def put(self, key: str, value: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.merge(StationSettingRow(key=key, value=value))


class SqlTargets:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def all(self) -> list[Target]:
        statement = select(
            TargetRow.period, TargetRow.metric, TargetRow.target, TargetRow.service_code
        ).order_by(TargetRow.period.desc(), TargetRow.metric, TargetRow.service_code)
        with self._engine.connect() as conn:
            return [Target(*row) for row in conn.execute(statement)]

    def put(self, target: Target) -> None:
        with Session(self._engine) as session, session.begin():
            session.merge(
                TargetRow(
                    period=target.period,
                    metric=target.metric,
                    service_code=target.service_code,
                    target=target.target,
                )
            )
