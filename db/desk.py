"""The officers' desk over SQLAlchemy: the queue (`DeskRepository`), console sessions and station
settings (`kiosk.ports.desk`)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from sqlalchemy import Column, Connection, Engine, Table, and_, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.dossiers import _sealed, sealed_photo, write_name_rows, write_name_tokens
from db.engine import SQLITE_BEGIN
from db.models import (
    ConsoleSessionRow,
    DossierEventRow,
    DossierNamePairRow,
    DossierNameTokenRow,
    DossierPhotoRow,
    DossierRow,
    PaymentRow,
    StationSettingRow,
    TargetRow,
)
from kiosk.blind_index import name_pairs, pair
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


_TOKENS: Table = DossierNameTokenRow.__table__  # type: ignore[assignment]
_PAIRS: Table = DossierNamePairRow.__table__  # type: ignore[assignment]
# Postings counted per query token or pair, at most, to choose which leads the search: a rare one
# (under this many dossiers) leads; among common ones the first typed does. Counting costs ~0.2 µs
# a posting (bench/README_console.md: a cap of 50,000 cost more than it saved at 1M).
RARITY_PROBE = 4_000


def _by_rarity(conn: Connection, key: Column[str], keys: list[str]) -> list[tuple[int, str]]:
    """(postings up to `RARITY_PROBE`, key) of each key of `key`'s table, fewest first; one round trip."""
    table = key.table
    counts = [
        select(func.count())
        .select_from(select(table.c.dossier_id).where(key == value).limit(RARITY_PROBE).subquery())
        .scalar_subquery()
        for value in keys
    ]
    found = conn.execute(select(*counts)).one()
    return sorted(zip(found, keys, strict=True), key=lambda counted: counted[0])


def _lead(conn: Connection, tokens: list[str]) -> tuple[Column[str], str, list[str]] | None:
    """Where the search starts (the token or pair column and its value) and the tokens still to
    probe; None when no dossier can match (a pair of the query is in no name).

    One word: its token list. Two or more: the shortest list of a pair of them, counted on both
    backends (each planner sees one pair's frequency at a time, not which of them is rarest), so
    that two common words never together read an empty list instead of one word's postings."""
    if len(tokens) == 1:
        return _TOKENS.c.token, tokens[0], []
    pairs = {pair(a, b): (a, b) for a, b in itertools.combinations(tokens, 2)}
    if len(pairs) == 1:
        (first,) = pairs
    else:
        (count, first), *_ = _by_rarity(conn, _PAIRS.c.pair, list(pairs))
        if count == 0:
            return None
    return _PAIRS.c.pair, first, [t for t in tokens if t not in pairs[first]]


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
                # Every query token must be among the dossier's (whole tokens): the shortest list
                # (`_lead`) is walked newest first through its index and the other tokens are
                # probed by primary key. A dossier whose stored form was emptied (to be indexed
                # again by `kiosk index rebuild`) is not found, as when the search read that column.
                found = _lead(conn, tokens)
                if found is None:
                    return []
                key, value, others = found
                lead = key.table.alias("lead")
                statement = statement.select_from(
                    lead.join(DossierRow, lead.c.dossier_id == DossierRow.id)
                ).where(lead.c[key.name] == value, DossierRow.name_index != "")
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
            photo = select(DossierPhotoRow.dossier_id).where(DossierPhotoRow.dossier_id == row.id)
            has_photo = session.scalar(photo) is not None  # without reading the sealed image
            return DeskDossier(
                _sealed(row),
                row.national_number,
                row.assisted_by,
                row.identity_check,
                row.finished_at,
                has_photo,
                row.identity_sealed,
            )

    def photo(self, tracking_code: str) -> bytes | None:
        with self._engine.connect() as conn:
            return sealed_photo(conn, tracking_code)

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
            _clear_name_rows(conn, [row_id])
            write_name_tokens(conn, row_id, name_index)

    def repair_name_rows(self, rows: Sequence[tuple[int, str]]) -> int:
        # Two reads for the whole batch; only the dossiers whose rows differ are written.
        expected = {
            row_id: (set(name_index.split()), set(name_pairs(name_index.split())))
            for row_id, name_index in rows
        }
        if not expected:
            return 0
        found: dict[int, tuple[set[str], set[str]]] = {row_id: (set(), set()) for row_id in expected}
        with self._writer.begin() as conn:
            for table, key, slot in ((_TOKENS, _TOKENS.c.token, 0), (_PAIRS, _PAIRS.c.pair, 1)):
                ids = table.c.dossier_id
                for row_id, value in conn.execute(select(ids, key).where(ids.in_(expected))):
                    found[row_id][slot].add(value)
            wrong = [row_id for row_id in expected if found[row_id] != expected[row_id]]
            if wrong:
                _clear_name_rows(conn, wrong)
                given = dict(rows)
                write_name_rows(conn, [(row_id, given[row_id]) for row_id in wrong])
            return len(wrong)


def _clear_name_rows(conn: Connection, row_ids: list[int]) -> None:
    conn.execute(delete(DossierNameTokenRow).where(DossierNameTokenRow.dossier_id.in_(row_ids)))
    conn.execute(delete(DossierNamePairRow).where(DossierNamePairRow.dossier_id.in_(row_ids)))


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
