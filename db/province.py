"""The province's tables at the hub, and a station's record of the changes it sent there.

Hub side (`SqlProvince`): the newest heartbeat per station, the figures of the province console
(per station, per commune, per service), the communes' monthly targets, and officers' status
changes made at stations (`hub_status_edits`). Station side (`SqlStationChanges`): which of its own
officers' status changes went to the hub, and what the hub answered.

**Order of officers' changes** (docs/hub.md): a station's officer may change a status while the
link is down; the station queues it (its `dossier_events` row) and the worker sends it later. The
hub applies every change, from any station or from its own console, in the order the hub's
transactions take the dossier's station row lock (`FOR UPDATE`), that is in the order they
arrive at the hub, never by the station's clock: a station's clock may be wrong, and a change
made offline must not overtake one the hub already applied. Each change is checked then by the
one transition rule, `kiosk.desk.status_refusal`; a refused one is kept with its reason at the
hub (`hub_status_edits`) and at the station (`station_status_edits`), and the station takes the hub's
status back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, and_, func, select, update
from sqlalchemy.orm import Session

from db.desk import SqlDesk, _event_row
from db.engine import SQLITE_BEGIN
from db.models import (
    CommuneTargetRow,
    DossierEventRow,
    DossierRow,
    HubChangeRow,
    HubLinkRow,
    OutboxRow,
    StationChangeRow,
    StationHeartbeatRow,
    StationRecordRow,
)
from kiosk.desk import FINAL, status_refusal
from kiosk.outbox import REJECTED, rejection
from kiosk.ports.desk import DossierEvent
from kiosk.province import (
    APPLIED,
    NOT_HERE,
    REFUSED,
    ChangeAnswer,
    ChangeRecord,
    DeviceState,
    RefusedDelivery,
    StationHealth,
)

OPEN = ("received", "processing", "needs_info")


def _lock_station(session: Session, station_id: str) -> None:
    # As `db.hub.SqlHub.set_status`: one station's feed events commit in id order.
    session.execute(
        select(StationRecordRow.station_id).where(StationRecordRow.station_id == station_id).with_for_update()
    )


class HubDesk(SqlDesk):
    """The console's desk at the hub: a status change takes its station's lock first, so the
    status feed stations pull never skips an event (`db.hub` module docstring)."""

    def change_status(
        self, tracking_code: str, expected: str, event: DossierEvent, finished_at: dt.datetime | None
    ) -> bool:
        with Session(self._writer) as session, session.begin():
            row = session.scalars(
                select(DossierRow).where(DossierRow.tracking_code == tracking_code)
            ).one_or_none()
            if row is None:
                return False
            _lock_station(session, row.station_id)
            session.refresh(row, with_for_update=True)
            if row.status != expected:
                return False
            row.status, row.note_for_citizen, row.updated_at = (
                str(event.status),
                event.note_for_citizen,
                event.at,
            )
            row.finished_at = finished_at
            session.add(_event_row(row.id, event))
            return True


def _devices(text: str) -> dict[str, DeviceState]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return {
        str(name): DeviceState(bool(d.get("ok")), str(d.get("state", "")), str(d.get("detail", "")))
        for name, d in data.items()
        if isinstance(d, dict)
    }


class SqlProvince:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})

    # --- heartbeats -----------------------------------------------------------------------

    def record_heartbeat(
        self,
        station_id: str,
        *,
        sent_at: dt.datetime,
        received_at: dt.datetime,
        version: str,
        backlog: int,
        devices: Mapping[str, DeviceState],
    ) -> None:
        """Keep this heartbeat as the station's newest (one row per station)."""
        paper_out = any(d.state == "paper_out" for d in devices.values())
        text = json.dumps(
            {n: {"ok": d.ok, "state": d.state, "detail": d.detail} for n, d in devices.items()},
            ensure_ascii=False,
            sort_keys=True,
        )
        with Session(self._writer) as session, session.begin():
            row = session.get(StationHeartbeatRow, station_id, with_for_update=True)
            if row is None:
                row = StationHeartbeatRow(station_id=station_id)
                session.add(row)
            row.sent_at, row.received_at, row.version = sent_at, received_at, version[:32]
            row.backlog, row.devices, row.paper_out = backlog, text, paper_out

    def stations(self) -> list[StationHealth]:
        """Every enrolled station with its newest heartbeat, by commune then name."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(StationRecordRow, StationHeartbeatRow)
                .outerjoin(StationHeartbeatRow, StationHeartbeatRow.station_id == StationRecordRow.station_id)
                .order_by(StationRecordRow.commune, StationRecordRow.name)
            ).all()
            return [
                StationHealth(
                    station_id=s.station_id,
                    commune=s.commune,
                    name=s.name,
                    revoked=s.revoked_at is not None,
                    heard_at=h.received_at if h else None,
                    version=h.version if h else "",
                    backlog=h.backlog if h else 0,
                    paper_out=h.paper_out if h else False,
                    devices=_devices(h.devices) if h else {},
                )
                for s, h in rows
            ]

    # --- figures --------------------------------------------------------------------------

    def open_by_station(self) -> dict[str, dict[str, int]]:
        """Each station's queue now: its dossiers not yet done or rejected, by status."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(DossierRow.station_id, DossierRow.status, func.count())
                .where(DossierRow.status.in_(OPEN))
                .group_by(DossierRow.station_id, DossierRow.status)
            ).all()
        out: dict[str, dict[str, int]] = {}
        for station, status, count in rows:
            out.setdefault(station, {})[status] = int(count)
        return out

    def submitted(
        self, since: dt.datetime, until: dt.datetime, by: str, commune: str = ""
    ) -> dict[str, dict[str, int]]:
        """Dossiers submitted in [since, until) by `by` ("commune" or "service"), by status;
        `commune` keeps one commune's."""
        key = StationRecordRow.commune if by == "commune" else DossierRow.service_code
        where = [DossierRow.submitted_at >= since, DossierRow.submitted_at < until]
        if commune:
            where.append(StationRecordRow.commune == commune)
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(key, DossierRow.status, func.count())
                .select_from(DossierRow)
                .join(StationRecordRow, StationRecordRow.station_id == DossierRow.station_id)
                .where(and_(*where))
                .group_by(key, DossierRow.status)
            ).all()
        out: dict[str, dict[str, int]] = {}
        for name, status, count in rows:
            out.setdefault(str(name), {})[status] = int(count)
        return out

    # --- targets --------------------------------------------------------------------------

    def targets(self, period: str) -> dict[str, int]:
        with Session(self._engine) as session:
            rows = session.scalars(select(CommuneTargetRow).where(CommuneTargetRow.period == period))
            return {r.commune: r.target for r in rows}

    def set_target(self, period: str, commune: str, target: int, by: str) -> None:
        with Session(self._writer) as session, session.begin():
            row = session.get(CommuneTargetRow, (period, commune), with_for_update=True)
            if row is None:
                session.add(CommuneTargetRow(period=period, commune=commune, target=target, set_by=by))
            else:
                row.target, row.set_by = target, by

    def communes(self) -> list[str]:
        with Session(self._engine) as session:
            return list(
                session.scalars(
                    select(StationRecordRow.commune).distinct().order_by(StationRecordRow.commune)
                )
            )

    def lookup(self, tracking_code: str, province: str) -> dict[str, object] | None:
        """A dossier's status for a kiosk of `province` (None: no such dossier in the province)."""
        with Session(self._engine) as session:
            row = session.execute(
                select(
                    DossierRow.status,
                    DossierRow.service_code,
                    DossierRow.submitted_at,
                    DossierRow.updated_at,
                    DossierRow.note_for_citizen,
                )
                .join(StationRecordRow, StationRecordRow.station_id == DossierRow.station_id)
                .where(DossierRow.tracking_code == tracking_code, StationRecordRow.province == province)
            ).one_or_none()
        if row is None:
            return None
        return {
            "status": row[0],
            "service_code": row[1],
            "submitted_at": row[2],
            "updated_at": row[3],
            "note_for_citizen": row[4],
        }

    # --- officers' changes from stations ----------------------------------------------------

    def apply_change(
        self,
        change_key: str,
        station_id: str,
        tracking_code: str,
        status: str,
        note_for_citizen: str,
        actor: str,
        made_at: dt.datetime,
        now: dt.datetime,
    ) -> ChangeAnswer:
        """Apply a station officer's status change now, in arrival order (module docstring), or
        refuse it with the reason; both are kept. The same `change_key` again answers what was
        decided the first time. A dossier the hub does not hold (yet) is NOT_HERE, not kept."""
        with Session(self._writer) as session, session.begin():
            seen = session.scalars(
                select(HubChangeRow).where(HubChangeRow.edit_key == change_key)
            ).one_or_none()
            if seen is not None:
                current = session.scalar(
                    select(DossierRow.status).where(DossierRow.tracking_code == tracking_code)
                )
                return ChangeAnswer(seen.outcome, seen.reason, current or "")
            row = session.scalars(
                select(DossierRow).where(DossierRow.tracking_code == tracking_code)
            ).one_or_none()
            if row is None or row.station_id != station_id:
                return ChangeAnswer(
                    NOT_HERE, f"no dossier {tracking_code} of station {station_id} at the hub", ""
                )
            _lock_station(session, station_id)
            session.refresh(row, with_for_update=True)
            # The same status again only updates the note, as at the hub's own desk.
            refusal = None if status == row.status else status_refusal(row.status, status)
            if refusal is None:
                row.status, row.note_for_citizen, row.updated_at = status, note_for_citizen, now
                if status in FINAL and row.finished_at is None:
                    row.finished_at = now
                session.add(
                    DossierEventRow(
                        dossier_id=row.id,
                        at=now,
                        actor=actor[:32],
                        kind="status",
                        status=status,
                        note_for_citizen=note_for_citizen,
                        note_internal=f"from station {station_id}, made {made_at.isoformat()}",
                    )
                )
            session.add(
                HubChangeRow(
                    edit_key=change_key,
                    station_id=station_id,
                    tracking_code=tracking_code,
                    status=status,
                    note_for_citizen=note_for_citizen,
                    actor=actor[:32],
                    made_at=made_at,
                    arrived_at=now,
                    outcome=REFUSED if refusal else APPLIED,
                    reason=refusal or "",
                )
            )
            return ChangeAnswer(REFUSED if refusal else APPLIED, refusal or "", row.status)

    def changes(self, outcome: str = "", limit: int = 50) -> list[ChangeRecord]:
        """Station officers' changes, newest arrival first (`outcome` keeps one kind)."""
        query = select(HubChangeRow).order_by(HubChangeRow.id.desc()).limit(limit)
        if outcome:
            query = query.where(HubChangeRow.outcome == outcome)
        with Session(self._engine) as session:
            return [
                ChangeRecord(
                    r.station_id,
                    r.tracking_code,
                    r.status,
                    r.actor,
                    r.made_at,
                    r.arrived_at,
                    r.outcome,
                    r.reason,
                )
                for r in session.scalars(query)
            ]


@dataclass(frozen=True)
class Delivery:
    on_its_way: bool  # an outbox row not refused: the hub will hold the dossier
    rejected: str | None = None  # every unsent row was refused by the hub: its reason


@dataclass(frozen=True)
class PendingChange:
    event_id: int
    tracking_code: str
    status: str
    note_for_citizen: str
    actor: str
    at: dt.datetime


class SqlStationChanges:
    """At a station: its officers' status changes (their `dossier_events` rows, the queue) not yet
    answered by the hub, and the answers. Changes the hub sent back (actor "hub") are not sent."""

    def __init__(self, engine: Engine, hub_url: str) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})
        self.hub_url = hub_url

    def pending(self, limit: int = 100) -> list[PendingChange]:
        with Session(self._engine) as session:
            link = session.get(HubLinkRow, self.hub_url)
            cursor = link.edits_cursor if link is not None else 0
            rows = session.execute(
                select(
                    DossierEventRow.id,
                    DossierRow.tracking_code,
                    DossierEventRow.status,
                    DossierEventRow.note_for_citizen,
                    DossierEventRow.actor,
                    DossierEventRow.at,
                )
                .join(DossierRow, DossierRow.id == DossierEventRow.dossier_id)
                .where(
                    DossierEventRow.id > cursor,
                    DossierEventRow.kind == "status",
                    DossierEventRow.actor != "hub",
                )
                .order_by(DossierEventRow.id)
                .limit(limit)
            ).all()
            return [PendingChange(r[0], r[1], r[2] or "", r[3], r[4], r[5]) for r in rows]

    def delivery(self, tracking_code: str) -> Delivery:
        """Where the dossier's delivery stands: still waiting in this station's outbox (the hub
        will hold it), refused by the hub (with its reason), or not in the outbox at all."""
        with Session(self._engine) as session:
            errors = session.scalars(
                select(OutboxRow.last_error)
                .join(DossierRow, DossierRow.id == OutboxRow.dossier_id)
                .where(DossierRow.tracking_code == tracking_code, OutboxRow.sent_at.is_(None))
            ).all()
        if not errors:
            return Delivery(on_its_way=False)
        reasons = [rejection(error) for error in errors]
        if all(reason is not None for reason in reasons):
            return Delivery(on_its_way=False, rejected="; ".join(r for r in reasons if r))
        return Delivery(on_its_way=True)

    def answered(self, change: PendingChange, answer: ChangeAnswer, now: dt.datetime) -> None:
        """Keep the hub's answer and move past the change, in one transaction. A refused change
        gives the dossier the hub's status back: the hub decides (module docstring)."""
        with Session(self._writer) as session, session.begin():
            link = session.get(HubLinkRow, self.hub_url)
            if link is None:
                link = HubLinkRow(hub_url=self.hub_url, cursor=0, slip_keys="{}", edits_cursor=0)
                session.add(link)
            link.edits_cursor = max(link.edits_cursor or 0, change.event_id)
            if session.get(StationChangeRow, change.event_id) is None:
                session.add(
                    StationChangeRow(
                        event_id=change.event_id,
                        tracking_code=change.tracking_code,
                        status=change.status,
                        actor=change.actor,
                        outcome=answer.outcome,
                        reason=answer.reason,
                        answered_at=now,
                    )
                )
            if answer.outcome == REFUSED and answer.status:
                session.execute(
                    update(DossierRow)
                    .where(DossierRow.tracking_code == change.tracking_code)
                    .values(
                        status=answer.status,
                        updated_at=now,
                        finished_at=DossierRow.finished_at if answer.status in FINAL else None,
                    )
                )

    def answers(self, limit: int = 100) -> list[ChangeRecord]:
        """The hub's answers to this station's changes, newest first (`made_at`: when the
        officer made it here; `arrived_at`: when the hub's answer came back)."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(StationChangeRow, DossierEventRow.at)
                .join(DossierEventRow, DossierEventRow.id == StationChangeRow.event_id)
                .order_by(StationChangeRow.event_id.desc())
                .limit(limit)
            ).all()
            return [
                ChangeRecord("", r.tracking_code, r.status, r.actor, at, r.answered_at, r.outcome, r.reason)
                for r, at in rows
            ]

    def refused_deliveries(self, limit: int = 100) -> list[RefusedDelivery]:
        """This station's dossiers the hub refused to take (their outbox rows not sent, the last
        answer a refusal), newest first."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(
                    DossierRow.tracking_code,
                    DossierRow.submitted_at,
                    OutboxRow.attempts,
                    OutboxRow.last_error,
                )
                .join(DossierRow, DossierRow.id == OutboxRow.dossier_id)
                .where(
                    OutboxRow.sent_at.is_(None), OutboxRow.last_error.startswith(REJECTED, autoescape=True)
                )
                .order_by(OutboxRow.id.desc())
                .limit(limit)
            ).all()
        return [
            RefusedDelivery(code, at, attempts, rejection(error) or "") for code, at, attempts, error in rows
        ]

    def waiting(self) -> int:
        """Changes made here that the hub has not answered yet."""
        return len(self.pending(limit=10_000))
