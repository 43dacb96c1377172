"""`AuditRepository` over SQLAlchemy: the `audit_log` table, appended to one link at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.engine import SQLITE_BEGIN, make_engine, sqlite_file
from db.group_sync import GroupSync, fsync_file
from db.models import AuditRow, StationSettingRow
from kiosk.ports.officers import AuditEntry, AuditRecord

APPEND_ATTEMPTS = 20  # concurrent writers on PostgreSQL: each retry reads the newer head
STORED_BATCH = 10_000  # rows per fetch while hashing the chain for a checkpoint
# The audit checkpoint (`kiosk.audit.Checkpoint`, HMAC-sealed) among the station's settings: one
# row, no table of its own (a settings page lists the keys it knows only).
CHECKPOINT_KEY = "audit_checkpoint"


_COLUMNS = (AuditRow.id, AuditRow.at, AuditRow.actor, AuditRow.action, AuditRow.detail, AuditRow.link)


def _record(row: AuditRow) -> AuditRecord:
    return AuditRecord(row.id, row.at, row.actor, row.action, row.detail, row.link)


class SqlAuditLog:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # SQLite: take the write lock before reading the head (waiting up to busy_timeout). A
        # deferred transaction that read a head another writer then moved fails at its INSERT
        # with "database is locked" at once, and quick retries ran out under load.
        self._writer = engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})
        # A read's row (grouped) on SQLite: committed without waiting for the disk, then made
        # durable by an fsync of the WAL shared with the other reads of the moment (group commit).
        # PostgreSQL already flushes concurrent commits together.
        self._grouped: tuple[Engine, GroupSync] | None = None
        database = sqlite_file(engine.url.render_as_string(hide_password=False))
        if database is not None:
            normal = make_engine(str(engine.url), synchronous="NORMAL")
            wal = database.with_name(database.name + "-wal")
            self._grouped = (
                normal.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"}),
                GroupSync(fsync_file(wal)),
            )

    @property
    def group_sync(self) -> GroupSync | None:
        return self._grouped[1] if self._grouped else None

    def append(
        self, entry: AuditEntry, link: Callable[[int, str | None], str], grouped: bool = False
    ) -> AuditRecord:
        record = self._append(entry, link, self._grouped[0] if grouped and self._grouped else self._writer)
        if grouped and self._grouped:
            self._grouped[1].wait()  # on disk before the reader sees what was read
        return record

    def _append(
        self, entry: AuditEntry, link: Callable[[int, str | None], str], writer: Engine
    ) -> AuditRecord:
        # The row number is the primary key: of two writers that read the same head, the second
        # insert fails on it and that writer links again to the row the first one added.
        for attempt in range(APPEND_ATTEMPTS):
            try:
                with Session(writer) as session, session.begin():
                    last = session.execute(
                        select(AuditRow.id, AuditRow.link).order_by(AuditRow.id.desc()).limit(1)
                    ).first()
                    seq = 1 if last is None else last.id + 1
                    row = AuditRow(
                        id=seq,
                        at=entry.at,
                        actor=entry.actor,
                        action=entry.action,
                        detail=entry.detail,
                        link=link(seq, None if last is None else last.link),
                    )
                    session.add(row)
                    session.flush()
                    record = _record(row)
                return record
            except IntegrityError:  # the number was taken meanwhile (PostgreSQL)
                if attempt == APPEND_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def records(self, after_seq: int = 0, limit: int | None = None) -> list[AuditRecord]:
        # Plain rows, not ORM objects: verification reads the whole table.
        query = select(*_COLUMNS).where(AuditRow.id > after_seq).order_by(AuditRow.id)
        if limit is not None:
            query = query.limit(limit)
        with self._engine.connect() as conn:
            return [AuditRecord(*r) for r in conn.execute(query)]

    def newest(self, limit: int) -> list[AuditRecord]:
        with Session(self._engine) as session:
            return [
                _record(r)
                for r in session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
            ]

    def stored_rows(self, after_seq: int, upto: int) -> Iterator[list[tuple[object, ...]]]:
        # The driver's own cursor: SQLAlchemy's result rows and the UTCDateTime conversion cost
        # more than the hashing (bench/console_audit_verify.py). One read transaction, so that the
        # rows are one snapshot even while officers append.
        mark = "?" if self._engine.dialect.name == "sqlite" else "%s"
        statement = (
            "SELECT id, at, actor, action, detail, link FROM audit_log "
            f"WHERE id > {mark} AND id <= {mark} ORDER BY id"
        )
        with self._engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(statement, (after_seq, upto))
                while batch := cursor.fetchmany(STORED_BATCH):
                    yield [tuple(row) for row in batch]
            finally:
                cursor.close()

    def checkpoint(self) -> str | None:
        with self._engine.connect() as conn:
            return conn.execute(
                select(StationSettingRow.value).where(StationSettingRow.key == CHECKPOINT_KEY)
            ).scalar_one_or_none()

    def save_checkpoint(self, text: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.merge(StationSettingRow(key=CHECKPOINT_KEY, value=text))

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(AuditRow)).scalar_one())
