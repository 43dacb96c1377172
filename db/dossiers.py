"""`DossierRepository` over SQLAlchemy: dossiers, their outbox rows and their receipt, one database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Table, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.engine import SQLITE_BEGIN
from db.models import (
    DossierNamePairRow,
    DossierNameTokenRow,
    DossierPhotoRow,
    DossierRow,
    IdentityNoteToSealRow,
    OutboxRow,
    PrintJobRow,
)
from db.print_jobs import new_row
from kiosk.blind_index import name_pairs
from kiosk.ports.storage import NewPrintJob, OutboxItem, SealedDossier


def write_name_tokens(conn: Connection | Session, dossier_id: int, name_index: str) -> None:
    """The token and pair rows the console searches (`db.desk`), from the stored form " t1 t2 "."""
    write_name_rows(conn, [(dossier_id, name_index)])


def write_name_rows(conn: Connection | Session, dossiers: Iterable[tuple[int, str]]) -> None:
    """`write_name_tokens` for many dossiers at once: two multi-row statements in all."""
    token_rows: list[dict[str, object]] = []
    pair_rows: list[dict[str, object]] = []
    for dossier_id, name_index in dossiers:
        tokens = list(dict.fromkeys(name_index.split()))
        token_rows += ({"dossier_id": dossier_id, "token": t} for t in tokens)
        pair_rows += ({"dossier_id": dossier_id, "pair": p} for p in name_pairs(tokens))
    dialect = conn.dialect if isinstance(conn, Connection) else conn.get_bind().dialect
    if dialect.name == "postgresql":
        # One statement per table with the rows as two arrays: psycopg sends an executemany
        # in pipeline mode, which cost the hub ~1 ms of CPU per dossier for its few rows.
        for statement, rows, column in ((_PG_TOKENS, token_rows, "token"), (_PG_PAIRS, pair_rows, "pair")):
            if rows:
                conn.execute(
                    statement, {"ids": [r["dossier_id"] for r in rows], "values": [r[column] for r in rows]}
                )
        return
    if token_rows:
        conn.execute(_INSERT_TOKENS, token_rows)
    if pair_rows:
        conn.execute(_INSERT_PAIRS, pair_rows)


_DOSSIERS: Table = DossierRow.__table__  # type: ignore[assignment]
_PHOTOS: Table = DossierPhotoRow.__table__  # type: ignore[assignment]
# Built once, values given at execution: a statement built per call costs its construction and
# its cache key every time (a third of SQLAlchemy's share at the hub, bench/README_hub.md).
_INSERT_DOSSIER = insert(_DOSSIERS)
_INSERT_TOKENS = insert(DossierNameTokenRow)
_INSERT_PAIRS = insert(DossierNamePairRow)
_INSERT_PHOTO = insert(_PHOTOS)
_INSERT_IF_NEW = {
    name: dialect.insert(_DOSSIERS)
    .on_conflict_do_nothing(index_elements=[_DOSSIERS.c.tracking_code])
    .returning(_DOSSIERS.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_PG_TOKENS = text(
    "INSERT INTO dossier_name_tokens (dossier_id, token) "
    "SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:values AS text[]))"
)
_PG_PAIRS = text(
    "INSERT INTO dossier_name_pairs (dossier_id, pair) "
    "SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:values AS text[]))"
)


def insert_dossier(conn: Connection | Session, dossier: SealedDossier) -> int:
    """Insert a new dossier's row with the search tokens and pairs of its name and its sealed card
    photo, in the caller's transaction (all or nothing); returns the row's id. The one way a
    dossier row is written, at a station (`SqlDossierRepository.add`) and at the hub
    (`db.hub.SqlHub.accept`). Core statements, not the ORM's unit of work: at the hub this runs
    per accepted submission, where the ORM's flush cost more CPU than the database's work."""
    dossier_id = _insert_row(conn, _INSERT_DOSSIER, dossier)
    assert dossier_id is not None
    return dossier_id


def insert_new_dossier(conn: Connection, dossier: SealedDossier) -> int | None:
    """`insert_dossier`, or None (nothing written) when a dossier holds its tracking code already:
    one statement where a look first and an insert after were two (the hub's acceptance)."""
    statement = _INSERT_IF_NEW["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    return _insert_row(conn, statement, dossier)


def _insert_row(conn: Connection | Session, statement: Any, dossier: SealedDossier) -> int | None:
    result: CursorResult[Any] = conn.execute(  # type: ignore[assignment]
        statement,
        {
            "tracking_code": dossier.tracking_code,
            "service_code": dossier.service_code,
            "service_version": dossier.service_version,
            "station_id": dossier.station_id,
            "status": dossier.status,
            "submitted_at": dossier.submitted_at,
            "updated_at": dossier.updated_at,
            "fee_amount": dossier.fee_amount,
            "payment_status": dossier.payment_status,
            "payload": dossier.payload,
            "name_index": dossier.name_index,
            "id_index": dossier.id_index,
        },
    )
    if statement is _INSERT_DOSSIER:
        key = result.inserted_primary_key
        assert key is not None
        dossier_id = int(key[0])
    else:
        found = result.scalar_one_or_none()
        if found is None:
            return None
        dossier_id = int(found)
    write_name_tokens(conn, dossier_id, dossier.name_index)
    if dossier.photo is not None:
        conn.execute(_INSERT_PHOTO, {"dossier_id": dossier_id, "sealed": dossier.photo})
    return dossier_id


def sealed_photo(conn: Connection | Session, tracking_code: str) -> bytes | None:
    """The dossier's sealed card photo (`kiosk.dossier_photo`), None when it has none."""
    return conn.execute(
        select(_PHOTOS.c.sealed)
        .join(_DOSSIERS, _PHOTOS.c.dossier_id == _DOSSIERS.c.id)
        .where(_DOSSIERS.c.tracking_code == tracking_code)
    ).scalar_one_or_none()


def keep_photo(conn: Connection | Session, tracking_code: str, sealed: bytes) -> bool:
    """Store a sealed photo for a dossier that has none (the hub, once its upload completed);
    False when the dossier is unknown or has one already (a repeat changes nothing)."""
    dossier_id = conn.execute(
        select(_DOSSIERS.c.id).where(_DOSSIERS.c.tracking_code == tracking_code)
    ).scalar_one_or_none()
    if dossier_id is None or sealed_photo(conn, tracking_code) is not None:
        return False
    conn.execute(insert(_PHOTOS).values(dossier_id=dossier_id, sealed=sealed))
    return True


def _sealed(row: DossierRow) -> SealedDossier:
    return SealedDossier(
        tracking_code=row.tracking_code,
        service_code=row.service_code,
        service_version=row.service_version,
        station_id=row.station_id,
        status=row.status,
        submitted_at=row.submitted_at,
        updated_at=row.updated_at,
        fee_amount=row.fee_amount,
        payment_status=row.payment_status,
        payload=row.payload,
        row_id=row.id,
        name_index=row.name_index,
        id_index=row.id_index,
        note_for_citizen=row.note_for_citizen,
    )


class SqlDossierRepository:
    """Dossiers submitted at kiosk `kiosk_id`, whose receipts it queues for that kiosk's printer."""

    def __init__(self, engine: Engine, kiosk_id: str) -> None:
        if not kiosk_id:
            raise ValueError("kiosk_id must not be empty: a receipt is queued for a kiosk's printer")
        self._engine = engine
        self.kiosk_id = kiosk_id

    def add(
        self,
        dossier: SealedDossier,
        targets: Sequence[str],
        now: dt.datetime,
        *,
        check_same: Callable[[SealedDossier], None],
        print_job: NewPrintJob | None = None,
    ) -> int | None:
        code = dossier.tracking_code
        retry = False  # the dossier was stored before: this is a retry of the same submission
        with Session(self._engine) as session, session.begin():
            try:
                # Insert first (no read before it): on SQLite the write lock is taken at once, so
                # a concurrent writer waits for busy_timeout instead of failing.
                with session.begin_nested():
                    dossier_id = insert_dossier(session, dossier)
            except IntegrityError:
                existing = session.scalars(
                    select(DossierRow).where(DossierRow.tracking_code == code)
                ).one_or_none()
                if existing is None:
                    raise
                check_same(_sealed(existing))  # raises TrackingCodeConflict: nothing is stored
                dossier_id, retry = existing.id, True
            for target in targets:
                try:
                    with session.begin_nested():
                        session.add(
                            OutboxRow(
                                dossier_id=dossier_id,
                                target=target,
                                idempotency_key=f"{target}:{code}",
                                attempts=0,
                                next_attempt_at=now,
                                created_at=now,
                            )
                        )
                except IntegrityError:
                    pass  # already queued for this target
            if print_job is None:
                return None
            if retry:
                queued = session.scalar(
                    select(PrintJobRow.id)
                    .where(PrintJobRow.tracking_code == print_job.tracking_code)
                    .order_by(PrintJobRow.id)
                    .limit(1)
                )
                if queued is not None:  # its receipt was queued with it the first time
                    return queued
            job = new_row(print_job, self.kiosk_id)
            session.add(job)
            session.flush()
            return job.id

    def get(self, tracking_code: str) -> SealedDossier | None:
        with Session(self._engine) as session:
            row = session.scalars(
                select(DossierRow).where(DossierRow.tracking_code == tracking_code)
            ).one_or_none()
            return None if row is None else _sealed(row)

    def photo(self, tracking_code: str) -> bytes | None:
        with self._engine.connect() as conn:
            return sealed_photo(conn, tracking_code)

    def set_session_marks(
        self,
        tracking_code: str,
        *,
        assisted_by: str | None,
        identity_check: str,
        identity_sealed: bytes | None,
        session_seconds: int,
    ) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(DossierRow)
                .where(DossierRow.tracking_code == tracking_code)
                .values(
                    assisted_by=assisted_by,
                    identity_check=identity_check[:200],
                    identity_sealed=identity_sealed,
                    session_seconds=session_seconds,
                )
            )

    def seal_pending_identity_notes(self, seal: Callable[[str, str], bytes]) -> int:
        pending = select(
            IdentityNoteToSealRow.dossier_id, DossierRow.tracking_code, IdentityNoteToSealRow.value
        ).join(DossierRow, IdentityNoteToSealRow.dossier_id == DossierRow.id)
        with self._engine.connect() as conn:
            if not conn.execute(pending.limit(1)).first():  # the usual case: one read of an empty table
                return 0
        sqlite = self._engine.dialect.name == "sqlite"
        immediate = self._engine.connect().execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})
        with immediate as conn, conn.begin():
            if sqlite:  # the deleted clear copies are zeroed, not left in the pages' free space
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
            found = conn.execute(pending).all()
            for dossier_id, code, value in found:
                conn.execute(
                    update(DossierRow)
                    .where(DossierRow.id == dossier_id)
                    .values(identity_sealed=seal(code, value))
                )
            conn.execute(
                delete(IdentityNoteToSealRow).where(
                    IdentityNoteToSealRow.dossier_id.in_([row.dossier_id for row in found])
                )
            )
            if sqlite:
                conn.exec_driver_sql("PRAGMA secure_delete=OFF")  # a pooled connection: as before
        if sqlite:
            with self._engine.connect() as conn:
                # Outside any transaction (the driver's connection is in autocommit): the WAL's
                # older page images, the clear rows among them, go once no reader holds them.
                conn.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        return len(found)

    def status(self, tracking_code: str) -> str | None:
        with self._engine.connect() as conn:
            return conn.execute(
                select(DossierRow.status).where(DossierRow.tracking_code == tracking_code)
            ).scalar_one_or_none()

    def due(self, limit: int, now: dt.datetime) -> list[OutboxItem]:
        query = (
            select(
                OutboxRow.id,
                DossierRow.tracking_code,
                OutboxRow.target,
                OutboxRow.idempotency_key,
                OutboxRow.attempts,
            )
            .join(DossierRow, OutboxRow.dossier_id == DossierRow.id)
            .where(OutboxRow.sent_at.is_(None), OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [OutboxItem(*row) for row in conn.execute(query)]

    def backlog(self) -> int:
        with self._engine.connect() as conn:
            count = conn.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))
            )
        return int(count or 0)

    def mark_sent(self, outbox_id: int, now: dt.datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(OutboxRow)
                .where(OutboxRow.id == outbox_id, OutboxRow.sent_at.is_(None))
                .values(sent_at=now, last_error=None)
            )

    def mark_failed(self, outbox_id: int, error: str, retry_at: dt.datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(OutboxRow)
                .where(OutboxRow.id == outbox_id, OutboxRow.sent_at.is_(None))
                .values(attempts=OutboxRow.attempts + 1, last_error=error, next_attempt_at=retry_at)
            )
