"""The hub's station API for the province console's parts, version 1, signed like the rest
(`hub.api`):

    POST /v1/heartbeats   the station's newest device states, outbox backlog and version
    POST /v1/changes      an officer's status change made at the station (maybe while offline),
                          applied or refused in the hub's arrival order (`db.province`)
    GET  /v1/lookup       ?code=CODE: where a dossier of the province stands (a kiosk's status
                          screen, for a slip of any station of the province); no personal data

A station may only speak for itself: another station's id in the body is refused (403) and audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from db.hub import StationRecord
from db.province import SqlProvince
from hub.api import _REFUSALS, SIGNED, _bad_body, _refused, _schema, _view
from hub.service import POSING, Hub, HubRefusal
from kiosk import trackcode
from kiosk.desk import STATUSES
from kiosk.ports.clock import Clock
from kiosk.province import DeviceState

MAX_DEVICES = 32


class DeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ok: bool
    state: str = Field(max_length=32)
    detail: str = Field(default="", max_length=300)


class HeartbeatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    station_id: str = Field(min_length=1, max_length=64)
    sent_at: AwareDatetime
    version: str = Field(max_length=32)
    backlog: int = Field(ge=0)
    devices: dict[str, DeviceIn] = Field(max_length=MAX_DEVICES)


class HeartbeatSeen(BaseModel):
    received_at: dt.datetime


class ChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    station_id: str = Field(min_length=1, max_length=64)
    event_id: int = Field(ge=1, description="the station's own id of the change: repeats answer the same")
    tracking_code: str
    status: str
    note_for_citizen: str = Field(default="", max_length=1000)
    actor: str = Field(min_length=1, max_length=32)
    made_at: AwareDatetime


class LookupOut(BaseModel):
    found: bool
    status: str = ""
    service_code: str = ""
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    note_for_citizen: str = ""


class ChangeOut(BaseModel):
    outcome: str = Field(description="applied, refused (reason says why) or not_here (send it again later)")
    reason: str
    status: str = Field(description="the dossier's status at the hub now")


def _own(hub: Hub, station: StationRecord, claimed: str, path: str) -> None:
    if claimed != station.station_id:
        detail = f"station {station.station_id} spoke for station {claimed}"
        hub.audit.record(station.station_id, "hub.refused", f"{POSING}: {detail} ({path})")
        raise HubRefusal(403, POSING, detail)


_CODE = {
    "name": "code",
    "in": "query",
    "required": True,
    "description": "the slip's tracking code",
    "schema": {"type": "string", "minLength": 10, "maxLength": 10},
}


def make_province_router(hub: Hub, province: SqlProvince, clock: Clock) -> APIRouter:
    router = APIRouter(prefix="/v1")

    def now() -> dt.datetime:
        return clock().astimezone(dt.UTC)

    @router.post(
        "/heartbeats", response_model=HeartbeatSeen, responses=_REFUSALS, openapi_extra=_schema(HeartbeatIn)
    )
    async def heartbeat(request: Request) -> Any:
        view = await _view(request)
        try:
            station = await run_in_threadpool(hub.authenticate, view)
            try:
                body = HeartbeatIn.model_validate_json(view.body)
            except ValidationError as exc:
                return _bad_body(exc)
            _own(hub, station, body.station_id, view.path)
            received = now()
            devices = {n: DeviceState(d.ok, d.state, d.detail) for n, d in body.devices.items()}
            await run_in_threadpool(
                lambda: province.record_heartbeat(
                    station.station_id,
                    sent_at=body.sent_at.astimezone(dt.UTC),
                    received_at=received,
                    version=body.version,
                    backlog=body.backlog,
                    devices=devices,
                )
            )
            return {"received_at": received.isoformat()}
        except HubRefusal as exc:
            return _refused(exc)

    @router.post("/changes", response_model=ChangeOut, responses=_REFUSALS, openapi_extra=_schema(ChangeIn))
    async def change(request: Request) -> Any:
        view = await _view(request)
        try:
            station = await run_in_threadpool(hub.authenticate, view)
            try:
                body = ChangeIn.model_validate_json(view.body)
            except ValidationError as exc:
                return _bad_body(exc)
            _own(hub, station, body.station_id, view.path)
            if not trackcode.is_valid(body.tracking_code) or body.status not in STATUSES:
                return JSONResponse(
                    {"reason": "bad_body", "detail": "a valid tracking code and a known status are needed"},
                    422,
                )
            answer = await run_in_threadpool(
                lambda: province.apply_change(
                    f"{station.station_id}:{body.event_id}",
                    station.station_id,
                    body.tracking_code,
                    body.status,
                    body.note_for_citizen,
                    body.actor,
                    body.made_at.astimezone(dt.UTC),
                    now(),
                )
            )
            if answer.outcome != "not_here":
                hub.audit.record(
                    body.actor,
                    "hub.station_change",
                    f"{station.station_id} {body.tracking_code} -> {body.status}: "
                    f"{answer.outcome} {answer.reason}".strip(),
                )
            return {"outcome": answer.outcome, "reason": answer.reason, "status": answer.status}
        except HubRefusal as exc:
            return _refused(exc)

    @router.get(
        "/lookup",
        response_model=LookupOut,
        responses=_REFUSALS,
        openapi_extra={"security": [{SIGNED: []}], "parameters": [_CODE]},
    )
    async def lookup(request: Request) -> Any:
        view = await _view(request)
        try:
            station = await run_in_threadpool(hub.authenticate, view)
        except HubRefusal as exc:
            return _refused(exc)
        # Read after the signature check, as bodies are: a stranger learns nothing from a 422.
        code = request.query_params.get("code", "")
        if not trackcode.is_valid(code):
            return JSONResponse({"reason": "bad_query", "detail": "not a valid tracking code"}, 422)
        found = await run_in_threadpool(province.lookup, code, station.province)
        if found is None:
            return {"found": False}
        return {"found": True, **found}

    return router
