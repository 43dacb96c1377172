"""The hub's station API, version 1 (FastAPI). Every route but the spec takes signed requests
only (`kiosk.request_signing`); the signature is checked before the body is even parsed.

    POST /v1/enrol         bind a station's new request key to a one-time code's station record
    POST /v1/submissions   one dossier, `Idempotency-Key` header: stored once whatever the retries
    GET  /v1/statuses      ?after=CURSOR: the calling station's status changes, and the
                           province's slip keys
    GET  /v1/openapi.json  this API's spec (version `API_VERSION`)

Answers: 200 done (also for a repeated submission: `"stored": "duplicate"`); 401 a signature
refused (reason: unknown_key, bad_signature, bad_digest, stale, replay, malformed); 403 revoked,
posing as another station, enrolment refused; 409 conflict (the idempotency key or tracking code
already holds another dossier); 400/422 a bad request. A station retries 5xx and 429 only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool

from hub.service import Hub, HubRefusal, RequestView
from kiosk import trackcode
from kiosk.dossier import Dossier

API_VERSION = "1.0.0"


class SubmissionIn(BaseModel):
    """A dossier as the station stores it, in clear (inside TLS); the hub seals it at once."""

    model_config = ConfigDict(extra="forbid")

    tracking_code: str
    service_code: str = Field(min_length=1, max_length=64)
    service_version: int = Field(ge=0)
    station_id: str = Field(min_length=1, max_length=64)
    submitted_at: AwareDatetime
    fields: dict[str, Any]
    holder: dict[str, str]
    consented_at: AwareDatetime | None = None
    fee_amount: int = Field(ge=0, default=0)

    @field_validator("tracking_code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not trackcode.is_valid(value):
            raise ValueError("not a valid tracking code")
        return value

    def dossier(self) -> Dossier:
        return Dossier(
            tracking_code=self.tracking_code,
            service_code=self.service_code,
            service_version=self.service_version,
            station_id=self.station_id,
            submitted_at=self.submitted_at.astimezone(dt.UTC),
            fields=self.fields,
            holder=self.holder,
            consented_at=self.consented_at.astimezone(dt.UTC) if self.consented_at else None,
            fee_amount=self.fee_amount,
        )


class EnrolIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    station_id: str = Field(min_length=1, max_length=64)
    request_key: str = Field(description="raw Ed25519 public key, base64; it signs this request")
    slip_keys: list[str] = Field(description="the station's slip public keys, current first")


class Stored(BaseModel):
    tracking_code: str
    stored: str = Field(description="'new', or 'duplicate' for a submission accepted before")


class Change(BaseModel):
    cursor: int
    tracking_code: str
    status: str
    note_for_citizen: str
    national_number: str | None
    at: dt.datetime


class Statuses(BaseModel):
    changes: list[Change]
    cursor: int
    more: bool
    slip_keys: dict[str, list[str]]


class Enrolled(BaseModel):
    station_id: str
    province: str
    commune: str
    name: str


class Refused(BaseModel):
    reason: str
    detail: str


_REFUSALS: dict[int | str, dict[str, Any]] = {code: {"model": Refused} for code in (400, 401, 403, 409, 422)}


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


async def _view(request: Request) -> RequestView:
    return RequestView(
        request.method,
        request.url.path,
        request.url.query,
        list(request.headers.items()),
        await request.body(),
        request.client.host if request.client else "?",
    )


def _refused(exc: HubRefusal) -> JSONResponse:
    return JSONResponse({"reason": exc.reason, "detail": exc.detail}, status_code=exc.status)


def _bad_body(exc: ValidationError) -> JSONResponse:
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return JSONResponse({"reason": "bad_body", "detail": detail}, status_code=422)


def make_router(hub: Hub) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.post("/enrol", response_model=Enrolled, responses=_REFUSALS, openapi_extra=_schema(EnrolIn))
    async def enrol(request: Request) -> Any:
        view = await _view(request)
        try:
            body = EnrolIn.model_validate_json(view.body)
        except ValidationError as exc:
            return _bad_body(exc)
        try:
            record = await run_in_threadpool(hub.enrol, view, body.model_dump())
        except HubRefusal as exc:
            return _refused(exc)
        return Enrolled(
            station_id=record.station_id, province=record.province, commune=record.commune, name=record.name
        )

    @router.post(
        "/submissions", response_model=Stored, responses=_REFUSALS, openapi_extra=_schema(SubmissionIn)
    )
    async def submit(request: Request) -> Any:
        view = await _view(request)
        try:
            station = await run_in_threadpool(hub.authenticate, view)
            try:
                body = SubmissionIn.model_validate_json(view.body)
            except ValidationError as exc:
                return _bad_body(exc)
            key = request.headers.get("idempotency-key", "")
            return await run_in_threadpool(hub.submit, view, station, key, body.dossier())
        except HubRefusal as exc:
            return _refused(exc)

    @router.get("/statuses", response_model=Statuses, responses=_REFUSALS)
    async def statuses(request: Request, after: int = Query(0, ge=0)) -> Any:
        view = await _view(request)
        try:
            station = await run_in_threadpool(hub.authenticate, view)
            return await run_in_threadpool(hub.statuses, station, after)
        except HubRefusal as exc:
            return _refused(exc)

    return router


def make_app(hub: Hub) -> FastAPI:
    """The station API on its own; the console app mounts `make_router` the same way."""
    app = FastAPI(
        title="kiosk province hub: station API",
        version=API_VERSION,
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.include_router(make_router(hub))
    return app
