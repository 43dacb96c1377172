"""The province hub's tables (`hub/`), and a station's link to its hub.

Hub side (`SqlHub`): enrolment codes and enrolled stations, the request nonces every hub process
shares (`SqlNonceLog`), submissions accepted exactly once by idempotency key, and the feed of
status changes each station pulls. Station side (`SqlHubLink`): the feed's cursor, the time of
the last sync, and the province's slip public keys.

The feed's cursor is the `dossier_events` id. Ids are drawn when a transaction inserts, not when
it commits, so two writers could commit ids out of order and a station reading in between would
skip the lower one for good. Every status change of a station's dossier therefore first locks
that station's row (`FOR UPDATE`): one station's events commit in id order, which is all its
cursor needs. Whatever writes hub statuses (the console, later) goes through `set_status`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.dossiers import _sealed, insert_new_dossier
from db.engine import SQLITE_BEGIN
from db.models import (
    DossierEventRow,
    DossierRow,
    EnrolmentCodeRow,
    HubLinkRow,
    HubSubmissionRow,
    RequestNonceRow,
    StationRecordRow,
)
from kiosk.blind_index import name_pairs
from kiosk.desk import FINAL, status_refusal
from kiosk.dossier import TrackingCodeConflict
from kiosk.ports.storage import SealedDossier

NONCE_PRUNE_EVERY = 500  # inserts between two deletions of nonces too old to matter
_SUBMISSIONS: Table = HubSubmissionRow.__table__  # type: ignore[assignment]
_DOSSIERS: Table = DossierRow.__table__  # type: ignore[assignment]
_STATIONS: Table = StationRecordRow.__table__  # type: ignore[assignment]
_NONCES: Table = RequestNonceRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class StationRecord:
    station_id: str
    province: str
    commune: str
    name: str
    request_key_id: str
    request_key: str
    slip_keys: tuple[str, ...]
    enrolled_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class StatusChange:
    """One status change of a dossier, as the hub hands it back to the station that sent it."""

    cursor: int
    tracking_code: str
    status: str
    note_for_citizen: str
    national_number: str | None
    at: dt.datetime


@dataclass(frozen=True)
class Accepted:
    dossier_id: int
    duplicate: bool  # this idempotency key had been accepted before: nothing new was stored


class EnrolmentRefused(Exception):
    """The code is unknown, used, expired, or for another station; nothing was changed."""


class IdempotencyConflict(Exception):
    """The idempotency key was accepted before with another body."""


class NonceReplayed(Exception):
    """The request's nonce was used before by its key: a replay; nothing was stored."""


class StatusRefused(Exception):
    """Unknown dossier, or a transition the rules forbid (no way back from done or rejected)."""


def single_statement(engine: Engine) -> Engine:
    """The engine for work of one statement on PostgreSQL: in autocommit, so that it costs one
    round trip, not BEGIN, the statement and COMMIT (three, for every signed request). SQLite
    keeps its own transactions (`db.engine`)."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


# The statements of every submission, built once (values bound at execution): bench/README_hub.md.
_CLAIM_NONCE = {
    "postgresql": postgresql.insert(_NONCES).on_conflict_do_nothing().returning(_NONCES.c.nonce),
    "sqlite": sqlite.insert(_NONCES).on_conflict_do_nothing().returning(_NONCES.c.nonce),
}
_SEEN = select(_SUBMISSIONS.c.station_id, _SUBMISSIONS.c.body_sha256, _SUBMISSIONS.c.dossier_id).where(
    _SUBMISSIONS.c.idempotency_key == bindparam("key")
)
_HELD = select(_DOSSIERS.c.id, _DOSSIERS.c.station_id).where(_DOSSIERS.c.tracking_code == bindparam("code"))
_INSERT_SUBMISSION = insert(_SUBMISSIONS)
_STATION_BY_KEY = select(_STATIONS).where(_STATIONS.c.request_key_id == bindparam("key_id"))


@dataclass(frozen=True)
class NonceClaim:
    """A signed request's nonce, to record with the acceptance of its submission."""

    key_id: str
    nonce: str
    created: dt.datetime
    recorded: Callable[[], None] = lambda: None  # told once it is recorded (`SqlNonceLog` prunes)


# The whole acceptance on PostgreSQL as one statement (data-modifying CTEs), one round trip in
# autocommit: the ~6 statements it was cost the hub's CPU per statement in psycopg and SQLAlchemy,
# and PostgreSQL a statement start each (bench/README_hub.md, run 4). All parts see one snapshot;
# each insert runs only when the ones it depends on say so, so it is all or nothing:
# - a key seen before with another body (`refused`), or a tracking code already held under another
#   key (`held`, the fallback's business): nothing is written, not even the nonce;
# - a nonce used before (`claimed` empty): nothing is written;
# - a key seen before with the same body: the nonce only, the answer is that submission's dossier;
# - else the dossier, its name tokens and word pairs (unnest of arrays), its photo, its submission.
# A concurrent first attempt with the same tracking code makes the dossier insert do nothing (ON
# CONFLICT waits for it): `new_id` is NULL and the caller falls back; with the same key, the
# submission's primary key raises, the whole statement is undone and the caller falls back too.
_PG_ACCEPT_SQL = """
WITH seen AS (
    SELECT station_id, body_sha256, dossier_id FROM hub_submissions WHERE idempotency_key = %(key)s
), refused AS (
    SELECT 1 FROM seen WHERE station_id <> %(station)s OR body_sha256 <> %(sha)s
), held AS (
    SELECT 1 FROM dossiers WHERE tracking_code = %(tracking_code)s AND NOT EXISTS (SELECT 1 FROM seen)
), claimed AS (
    {claim}
), dossier AS (
    INSERT INTO dossiers (tracking_code, service_code, service_version, station_id, status,
        submitted_at, updated_at, fee_amount, payment_status, payload, name_index, id_index)
    SELECT %(tracking_code)s, %(service_code)s, %(service_version)s, %(station_id)s, %(status)s,
        %(submitted_at)s, %(updated_at)s, %(fee_amount)s, %(payment_status)s, %(payload)s,
        %(name_index)s, %(id_index)s
    WHERE EXISTS (SELECT 1 FROM claimed) AND NOT EXISTS (SELECT 1 FROM seen)
    ON CONFLICT (tracking_code) DO NOTHING
    RETURNING id
), tokens AS (
    INSERT INTO dossier_name_tokens (dossier_id, token)
    SELECT dossier.id, t FROM dossier, unnest(CAST(%(tokens)s AS text[])) AS t
), pairs AS (
    INSERT INTO dossier_name_pairs (dossier_id, pair)
    SELECT dossier.id, p FROM dossier, unnest(CAST(%(pairs)s AS text[])) AS p
), photo AS (
    INSERT INTO dossier_photos (dossier_id, sealed)
    SELECT dossier.id, CAST(%(photo)s AS bytea) FROM dossier WHERE CAST(%(photo)s AS bytea) IS NOT NULL
), submission AS (
    INSERT INTO hub_submissions (idempotency_key, station_id, dossier_id, body_sha256, received_at)
    SELECT %(key)s, %(station)s, dossier.id, %(sha)s, %(now)s FROM dossier
)
SELECT EXISTS (SELECT 1 FROM refused) AS refused, EXISTS (SELECT 1 FROM held) AS held,
    EXISTS (SELECT 1 FROM claimed) AS claimed, (SELECT dossier_id FROM seen) AS seen_id,
    (SELECT id FROM dossier) AS new_id
"""
_GATE = "NOT EXISTS (SELECT 1 FROM refused) AND NOT EXISTS (SELECT 1 FROM held)"
_PG_ACCEPT = {  # with a nonce to record, and without (a caller that recorded it itself)
    True: _PG_ACCEPT_SQL.format(
        claim="INSERT INTO request_nonces (key_id, nonce, created) "
        f"SELECT %(key_id)s, %(nonce)s, %(created)s WHERE {_GATE} ON CONFLICT DO NOTHING RETURNING 1"
    ),
    False: _PG_ACCEPT_SQL.format(claim=f"SELECT 1 WHERE {_GATE}"),
}


def claim_nonce(conn: Connection, key_id: str, nonce: str, created: dt.datetime) -> bool:
    """Record a request's nonce on `conn` (in its transaction); False when the key used it before.
    ON CONFLICT DO NOTHING, not an IntegrityError: a failed statement would end the transaction
    it shares with the acceptance of a submission."""
    statement = _CLAIM_NONCE["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    values = {"key_id": key_id, "nonce": nonce, "created": created}
    return conn.execute(statement, values).first() is not None


def _record(row: StationRecordRow) -> StationRecord:
    return StationRecord(
        row.station_id,
        row.province,
        row.commune,
        row.name,
        row.request_key_id,
        row.request_key,
        tuple(json.loads(row.slip_keys)),
        row.enrolled_at,
        row.revoked_at,
    )


class SqlHub:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})
        self._single = single_statement(engine)

    @property
    def engine(self) -> Engine:
        return self._engine

    # --- enrolment ------------------------------------------------------------------------

    def add_code(
        self,
        code_hash: str,
        station_id: str,
        province: str,
        commune: str,
        name: str,
        now: dt.datetime,
        valid: dt.timedelta,
    ) -> None:
        with Session(self._engine) as session, session.begin():
            session.add(
                EnrolmentCodeRow(
                    code_hash=code_hash,
                    station_id=station_id,
                    province=province,
                    commune=commune,
                    name=name,
                    created_at=now,
                    expires_at=now + valid,
                )
            )

    def enrol(
        self,
        code_hash: str,
        station_id: str,
        request_key_id: str,
        request_key: str,
        slip_keys: Sequence[str],
        now: dt.datetime,
    ) -> StationRecord:
        """Bind the keys to the code's station record and use the code up, in one transaction.
        Enrolling a station again (a new kiosk machine) replaces its keys and lifts a revocation:
        only the hub's operator makes codes."""
        with Session(self._writer) as session, session.begin():
            code = session.scalars(
                select(EnrolmentCodeRow).where(EnrolmentCodeRow.code_hash == code_hash).with_for_update()
            ).one_or_none()
            if code is None:
                raise EnrolmentRefused("unknown enrolment code")
            if code.used_at is not None:
                raise EnrolmentRefused("this enrolment code was used already")
            if code.expires_at <= now:
                raise EnrolmentRefused("this enrolment code has expired: ask the hub for a new one")
            if code.station_id != station_id:
                raise EnrolmentRefused(
                    f"this enrolment code is for station {code.station_id}, not {station_id}"
                )
            taken = session.scalar(
                select(StationRecordRow.station_id).where(StationRecordRow.request_key_id == request_key_id)
            )
            if taken is not None and taken != station_id:
                raise EnrolmentRefused("this request key belongs to another station")
            row = session.get(StationRecordRow, station_id)
            if row is None:
                row = StationRecordRow(station_id=station_id)
                session.add(row)
            row.province, row.commune, row.name = code.province, code.commune, code.name
            row.request_key_id, row.request_key = request_key_id, request_key
            row.slip_keys = json.dumps(list(slip_keys))
            row.enrolled_at, row.revoked_at = now, None
            code.used_at = now
            session.flush()
            return _record(row)

    def station_by_key(self, request_key_id: str) -> StationRecord | None:
        # Asked for every signed request: one Core select, no ORM instance, no BEGIN/ROLLBACK
        # around it (bench/README_hub.md).
        with self._single.connect() as conn:
            row = conn.execute(_STATION_BY_KEY, {"key_id": request_key_id}).one_or_none()
            return None if row is None else _record(row)  # type: ignore[arg-type]

    def station(self, station_id: str) -> StationRecord | None:
        with Session(self._engine) as session:
            row = session.get(StationRecordRow, station_id)
            return None if row is None else _record(row)

    def revoke(self, station_id: str, now: dt.datetime) -> bool:
        with Session(self._engine) as session, session.begin():
            row = session.get(StationRecordRow, station_id)
            if row is None:
                return False
            if row.revoked_at is None:
                row.revoked_at = now
            return True

    def province_slip_keys(self, province: str) -> dict[str, list[str]]:
        """Slip public keys of the province's enrolled (not revoked) stations, by station id."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(StationRecordRow.station_id, StationRecordRow.slip_keys).where(
                    StationRecordRow.province == province, StationRecordRow.revoked_at.is_(None)
                )
            ).all()
            return {station: json.loads(keys) for station, keys in rows}

    # --- submissions ----------------------------------------------------------------------

    def accept(
        self,
        idempotency_key: str,
        station_id: str,
        body_sha256: str,
        dossier: SealedDossier,
        now: dt.datetime,
        *,
        same_dossier: Callable[[SealedDossier], bool],
        nonce: NonceClaim | None = None,
    ) -> Accepted:
        """Store the dossier and its submission once, whatever the retries: a key seen before
        answers with what it stored (or `IdempotencyConflict` for another body); a tracking code
        already held by a different dossier raises `TrackingCodeConflict`. `nonce` is recorded
        in the same transaction (one commit per submission, not two); a nonce used before raises
        `NonceReplayed` and stores nothing. A refused acceptance (a conflict) leaves the nonce
        unrecorded: its replay only meets the same refusal.

        On PostgreSQL the usual cases (a new dossier, a retry of one) are one statement in
        autocommit, one round trip (`_PG_ACCEPT`); a tracking code held under another key, or a
        race with a concurrent first attempt, falls back to the transaction below."""
        if self._engine.dialect.name == "postgresql":
            fast = self._accept_in_one(idempotency_key, station_id, body_sha256, dossier, now, nonce)
            if isinstance(fast, Accepted):
                return fast
            if fast == "claimed":  # the nonce is recorded already: the fallback must not claim it
                nonce = None
        for _ in range(2):  # a concurrent first attempt with the same key: the second reads it
            try:
                return self._accept_once(
                    idempotency_key, station_id, body_sha256, dossier, now, same_dossier, nonce
                )
            except IntegrityError:
                continue
        return self._accept_once(idempotency_key, station_id, body_sha256, dossier, now, same_dossier, nonce)

    def _accept_in_one(
        self,
        idempotency_key: str,
        station_id: str,
        body_sha256: str,
        dossier: SealedDossier,
        now: dt.datetime,
        nonce: NonceClaim | None,
    ) -> Accepted | str:
        """The acceptance as `_PG_ACCEPT`: an `Accepted`, or what the fallback must know ("held":
        nothing was written; "claimed": only the nonce was)."""
        tokens = list(dict.fromkeys(dossier.name_index.split()))
        values = {
            "key": idempotency_key,
            "station": station_id,
            "sha": body_sha256,
            "now": now,
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
            "tokens": tokens,
            "pairs": name_pairs(tokens),
            "photo": dossier.photo,
        }
        if nonce is not None:
            values |= {"key_id": nonce.key_id, "nonce": nonce.nonce, "created": nonce.created}
        try:
            with self._single.connect() as conn:
                row = conn.exec_driver_sql(_PG_ACCEPT[nonce is not None], values).one()
        except IntegrityError:  # a concurrent first attempt took the key: nothing was written
            return "held"  # the transaction reads what that attempt stored
        if row.refused:
            raise IdempotencyConflict(f"idempotency key {idempotency_key} was used before with another body")
        if row.held:
            return "held"
        if not row.claimed:
            raise NonceReplayed("this request's nonce was used before")
        if nonce is not None:
            nonce.recorded()
        if row.seen_id is not None:
            return Accepted(int(row.seen_id), duplicate=True)
        if row.new_id is not None:
            return Accepted(int(row.new_id), duplicate=False)
        return "claimed"  # a concurrent insert of this tracking code committed after our snapshot

    def _accept_once(
        self,
        idempotency_key: str,
        station_id: str,
        body_sha256: str,
        dossier: SealedDossier,
        now: dt.datetime,
        same_dossier: Callable[[SealedDossier], bool],
        nonce: NonceClaim | None,
    ) -> Accepted:
        # Core statements on one connection (no ORM unit of work): this runs for every accepted
        # submission, and the ORM's bookkeeping cost more CPU than the database (bench/README_hub.md).
        with self._writer.begin() as conn:
            if nonce is not None:
                if not claim_nonce(conn, nonce.key_id, nonce.nonce, nonce.created):
                    raise NonceReplayed("this request's nonce was used before")
                nonce.recorded()
            seen = conn.execute(_SEEN, {"key": idempotency_key}).one_or_none()
            if seen is not None:
                if seen.station_id != station_id or seen.body_sha256 != body_sha256:
                    raise IdempotencyConflict(
                        f"idempotency key {idempotency_key} was used before with another body"
                    )
                return Accepted(seen.dossier_id, duplicate=True)
            new_id = insert_new_dossier(conn, dossier)  # the common case: one statement
            if new_id is None:  # the code is held: the same dossier (another key), or a conflict
                held = conn.execute(_HELD, {"code": dossier.tracking_code}).one()
                if held.station_id != station_id or not same_dossier(self._held(conn, held.id)):
                    raise TrackingCodeConflict(
                        f"tracking code {dossier.tracking_code} already belongs to another dossier"
                    )
                new_id = int(held.id)
            dossier_id = new_id
            conn.execute(
                _INSERT_SUBMISSION,
                {
                    "idempotency_key": idempotency_key,
                    "station_id": station_id,
                    "dossier_id": dossier_id,
                    "body_sha256": body_sha256,
                    "received_at": now,
                },
            )
            return Accepted(dossier_id, duplicate=False)

    @staticmethod
    def _held(conn: Connection, dossier_id: int) -> SealedDossier:
        with Session(bind=conn) as session:
            row = session.get(DossierRow, dossier_id)
            assert row is not None
            return _sealed(row)

    def count_dossiers(self, station_id: str | None = None) -> int:
        with Session(self._engine) as session:
            query = select(func.count()).select_from(DossierRow)
            if station_id is not None:
                query = query.where(DossierRow.station_id == station_id)
            return int(session.scalar(query) or 0)

    # --- statuses -------------------------------------------------------------------------

    def set_status(
        self,
        tracking_code: str,
        status: str,
        *,
        actor: str,
        now: dt.datetime,
        note_for_citizen: str | None = None,
        national_number: str | None = None,
    ) -> StatusChange:
        """An officer's status change at the hub, in the order it arrives here (the hub's clock
        orders offline changes). No way back from done or rejected."""
        with Session(self._writer) as session, session.begin():
            row = session.scalars(
                select(DossierRow).where(DossierRow.tracking_code == tracking_code)
            ).one_or_none()
            if row is None:
                raise StatusRefused(f"no dossier {tracking_code} at the hub")
            # The station's lock first: its feed's events commit in id order (module docstring).
            session.execute(
                select(StationRecordRow.station_id)
                .where(StationRecordRow.station_id == row.station_id)
                .with_for_update()
            )
            session.refresh(row, with_for_update=True)
            # The same status again only updates the note or the national number.
            refusal = None if status == row.status else status_refusal(row.status, status)
            if refusal is not None:
                raise StatusRefused(f"{tracking_code}: {refusal}")
            row.status = status
            if note_for_citizen is not None:
                row.note_for_citizen = note_for_citizen
            if national_number is not None:
                row.national_number = national_number
            row.updated_at = now
            if status in FINAL and row.finished_at is None:
                row.finished_at = now
            event = DossierEventRow(
                dossier_id=row.id,
                at=now,
                actor=actor,
                kind="status",
                status=status,
                note_for_citizen=row.note_for_citizen,
            )
            session.add(event)
            session.flush()
            return StatusChange(
                event.id, tracking_code, status, row.note_for_citizen, row.national_number, now
            )

    def statuses(self, station_id: str, after: int, limit: int = 500) -> list[StatusChange]:
        """The station's status changes after `cursor`, oldest first."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(
                    DossierEventRow.id,
                    DossierRow.tracking_code,
                    DossierEventRow.status,
                    DossierEventRow.note_for_citizen,
                    DossierRow.national_number,
                    DossierEventRow.at,
                )
                .join(DossierRow, DossierRow.id == DossierEventRow.dossier_id)
                .where(
                    DossierRow.station_id == station_id,
                    DossierEventRow.kind == "status",
                    DossierEventRow.id > after,
                )
                .order_by(DossierEventRow.id)
                .limit(limit)
            ).all()
            return [StatusChange(r[0], r[1], r[2] or "", r[3], r[4], r[5]) for r in rows]


class SqlNonceLog:
    """`kiosk.request_signing.NonceLog` in the hub's database: every hub process sees every nonce,
    by the table's primary key (key id, nonce)."""

    def __init__(self, engine: Engine, keep: dt.timedelta) -> None:
        self._engine = engine
        self._keep = keep  # at least as long as a signature can be fresh
        self._single = single_statement(engine)
        self._inserts = 0

    def first_use(self, key_id: str, nonce: str, created: dt.datetime) -> bool:
        with self._single.begin() as conn:  # one statement, committed by itself
            return self.claim(conn, key_id, nonce, created)

    def claim(self, conn: Connection, key_id: str, nonce: str, created: dt.datetime) -> bool:
        """`first_use` inside the caller's transaction on `conn`."""
        if not claim_nonce(conn, key_id, nonce, created):
            return False
        self.recorded(created)
        return True

    def for_acceptance(self, key_id: str, nonce: str, created: dt.datetime) -> NonceClaim:
        """The nonce for `SqlHub.accept` to record in the acceptance itself (one commit)."""
        return NonceClaim(key_id, nonce, created, lambda: self.recorded(created))

    def recorded(self, created: dt.datetime) -> None:
        """Count a recorded nonce; every `NONCE_PRUNE_EVERY`th prunes those too old to matter."""
        self._inserts += 1
        if self._inserts % NONCE_PRUNE_EVERY == 0:
            self.prune(created - self._keep)

    def prune(self, before: dt.datetime) -> int:
        with Session(self._engine) as session, session.begin():
            result = session.execute(delete(RequestNonceRow).where(RequestNonceRow.created < before))
            return int(getattr(result, "rowcount", 0))


class SqlHubLink:
    """At a station: the status feed's cursor, the last sync, the province's slip keys."""

    def __init__(self, engine: Engine, hub_url: str) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})
        self.hub_url = hub_url

    def cursor(self) -> int:
        with Session(self._engine) as session:
            row = session.get(HubLinkRow, self.hub_url)
            return 0 if row is None else row.cursor

    def synced_at(self) -> dt.datetime | None:
        with Session(self._engine) as session:
            row = session.get(HubLinkRow, self.hub_url)
            return None if row is None else row.synced_at

    def slip_keys(self) -> dict[str, list[str]]:
        with Session(self._engine) as session:
            row = session.get(HubLinkRow, self.hub_url)
            return {} if row is None else dict(json.loads(row.slip_keys))

    def apply(
        self,
        changes: Sequence[StatusChange],
        slip_keys: Mapping[str, Sequence[str]] | None,
        now: dt.datetime,
    ) -> int:
        """Apply the hub's changes to this station's dossiers and move the cursor past them, in
        one transaction (a crash applies them again: the same values). Returns how many dossiers
        changed; a change for a dossier this station no longer holds (purged) moves the cursor."""
        applied = 0
        with Session(self._writer) as session, session.begin():
            link = session.get(HubLinkRow, self.hub_url)
            if link is None:
                link = HubLinkRow(hub_url=self.hub_url, cursor=0, slip_keys="{}")
                session.add(link)
            for change in changes:
                row = session.scalars(
                    select(DossierRow).where(DossierRow.tracking_code == change.tracking_code)
                ).one_or_none()
                if row is not None:
                    values: dict[str, object] = {
                        "status": change.status,
                        "note_for_citizen": change.note_for_citizen,
                        "updated_at": now,
                    }
                    if change.national_number is not None:
                        values["national_number"] = change.national_number
                    if change.status in FINAL and row.finished_at is None:
                        values["finished_at"] = change.at
                    session.execute(update(DossierRow).where(DossierRow.id == row.id).values(**values))
                    session.add(
                        DossierEventRow(
                            dossier_id=row.id,
                            at=change.at,
                            actor="hub",
                            kind="status",
                            status=change.status,
                            note_for_citizen=change.note_for_citizen,
                        )
                    )
                    applied += 1
                link.cursor = max(link.cursor, change.cursor)
            if slip_keys is not None:
                link.slip_keys = json.dumps({k: list(v) for k, v in slip_keys.items()}, sort_keys=True)
            link.synced_at = now
        return applied
