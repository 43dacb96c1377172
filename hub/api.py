"""The hub's station API, version 1 (FastAPI). Every route but the spec takes signed requests
only (`kiosk.request_signing`); the signature is checked before the body is even parsed.

    POST /v1/enrol         bind a station's new request key to a one-time code's station record
    POST /v1/submissions   one dossier, `Idempotency-Key` header: stored once whatever the retries
    GET  /v1/statuses      ?after=CURSOR: the calling station's status changes, and the
                           province's slip keys
    GET  /v1/openapi.json  this API's spec (version `API_VERSION`; `hub/openapi-v1.json` is the
                           published copy, and a test keeps the two the same)
    GET  /livez            "ok", nothing else: the reverse proxy's liveness probe (unsigned)

Answers: 200 done (also for a repeated submission: `"stored": "duplicate"`); 401 a signature
refused (reason: unknown_key, bad_signature, bad_digest, stale, replay, malformed); 403 revoked,
posing as another station, enrolment refused; 409 conflict (the idempotency key or tracking code
already holds another dossier); 400/422 a bad request. A station retries 5xx and 429 only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool

from hub.service import Hub, HubRefusal, RequestView
from hub.uploads import CHUNK_SIZE, MAX_ATTACHMENT, uploads_for
from kiosk import trackcode
from kiosk.dossier import Dossier

# Submissions at once in a hub process's worker threads. Fewer than anyio's 40 and no more than
# the engine keeps open (`hub.serve.POOL_SIZE`): a burst of stations waits here, in the event
# loop, instead of opening PostgreSQL connections beyond the pool that close again at once (a new
# backend per request then: PostgreSQL's CPU per submission tripled with 100 stations, run 4).
SUBMIT_THREADS = 16
# 1.1: signature scheme, Idempotency-Key, shapes declared; 1.2: uploads; 1.3: heartbeats, changes, lookup
API_VERSION = "1.3.0"
# 32 raw bytes in base64, as `kiosk.request_signing.public_key_text` writes a public key.
PUBLIC_KEY = r"^[A-Za-z0-9+/]{43}=$"
TRACKING_CODE = rf"^[{trackcode.ALPHABET}]{{{trackcode.LENGTH}}}$"
# The station's own rule (`[station] id` in kiosk/config.py); also keeps NUL and other controls,
# which PostgreSQL refuses in text columns, out of every clear column the hub writes.
STATION_ID = r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$"
SERVICE_CODE = r"^[A-Za-z0-9._-]{1,64}$"  # a catalog code ("1.003677") or a service file's name
ENROLMENT_CODE = r"^[A-Za-z2-7 -]{1,64}$"  # base32 in groups, as `kiosk hub enrol-code` prints it


class SubmissionIn(BaseModel):
    """A dossier as the station stores it, in clear (inside TLS); the hub seals it at once."""

    model_config = ConfigDict(extra="forbid")

    tracking_code: str = Field(
        pattern=TRACKING_CODE, description="with its check character (kiosk.trackcode)"
    )
    service_code: str = Field(pattern=SERVICE_CODE)
    service_version: int = Field(ge=0)
    station_id: str = Field(pattern=STATION_ID)
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

    code: str = Field(pattern=ENROLMENT_CODE)
    station_id: str = Field(pattern=STATION_ID)
    request_key: str = Field(
        pattern=PUBLIC_KEY, description="raw Ed25519 public key, base64; it signs this request"
    )
    slip_keys: list[Annotated[str, Field(pattern=PUBLIC_KEY)]] = Field(
        min_length=1, max_length=8, description="the station's slip public keys, current first"
    )


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
SIGNED = "stationSignature"
_SECURITY_SCHEMES = {
    SIGNED: {
        "type": "apiKey",
        "in": "header",
        "name": "Signature",
        "description": (
            "RFC 9421 HTTP Message Signature with the station's enrolled Ed25519 key, label `kiosk`, "
            'tag `kiosk-station`, over ("@method" "@path" "@query" "content-digest"), with `created` '
            "(±5 minutes of the hub's clock) and a single-use `nonce`; sent with Signature-Input and an "
            "RFC 9530 Content-Digest (sha-256) of the body, empty or not. See kiosk/request_signing.py."
        ),
    }
}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "one per dossier, the same at every retry: the hub stores the dossier once",
    "schema": {"type": "string", "minLength": 1, "maxLength": 60},
}


MAX_CURSOR = 2**31 - 1  # `dossier_events.id` is a 32-bit integer: PostgreSQL refuses more
_AFTER = {
    "name": "after",
    "in": "query",
    "required": False,
    "description": "the cursor of the last change applied (0: from the start)",
    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_CURSOR, "default": 0},
}


def _path_number(name: str, low: int, high: int) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": low, "maximum": high}}  # fmt: skip


def _whole(name: str, text: str, low: int, high: int) -> int:
    """A whole number from a path or query, read after the signature check (refusal shape on error)."""
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise HubRefusal(422, "bad_request", f"{name}: a whole number, {low} to {high}")
    return int(text)


def _schema(model: type[BaseModel], *parameters: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "security": [{SIGNED: []}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        },
    }
    if parameters:
        extra["parameters"] = list(parameters)
    return extra


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

    submit_threads = CapacityLimiter(SUBMIT_THREADS)  # per app: one event loop each

    @router.post(
        "/submissions",
        response_model=Stored,
        responses=_REFUSALS,
        openapi_extra=_schema(SubmissionIn, _IDEMPOTENCY_KEY),
    )
    async def submit(request: Request) -> Any:
        view = await _view(request)
        key = request.headers.get("idempotency-key", "")

        def work() -> Any:  # one trip to the thread pool per submission, not two
            try:
                # The nonce is recorded with the acceptance, in its transaction (one commit).
                station, verified = hub.authenticate_for_submission(view)
                try:
                    body = SubmissionIn.model_validate_json(view.body)
                except ValidationError as exc:
                    return _bad_body(exc)
                return hub.submit(view, station, key, body.dossier(), verified)
            except HubRefusal as exc:
                return _refused(exc)

        return await to_thread.run_sync(work, limiter=submit_threads)

    @router.get(
        "/statuses",
        response_model=Statuses,
        responses=_REFUSALS,
        openapi_extra={"security": [{SIGNED: []}], "parameters": [_AFTER]},
    )
    async def statuses(request: Request) -> Any:
        view = await _view(request)
        try:
            station = await run_in_threadpool(hub.authenticate, view)
            # Read after the signature check, as bodies are: a stranger learns nothing from a 422.
            after = request.query_params.get("after", "0")
            if not after.isascii() or not after.isdigit() or int(after) > MAX_CURSOR:
                raise HubRefusal(422, "bad_request", f"after: a cursor is a whole number, 0 to {MAX_CURSOR}")
            return await run_in_threadpool(hub.statuses, station, int(after))
        except HubRefusal as exc:
            return _refused(exc)

    add_upload_routes(router, hub)
    return router


class UploadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tracking_code: str = Field(pattern=TRACKING_CODE)
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="one per dossier: photo, scan-1…")
    media_type: str = Field(pattern=r"^[a-z]+/[a-z0-9.+-]{1,50}$")
    size: int = Field(ge=1, le=MAX_ATTACHMENT)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class UploadState(BaseModel):
    upload_id: int
    received: int = Field(description="bytes acknowledged: the next chunk starts here")
    size: int
    chunk_size: int = Field(description="the largest chunk the hub takes")
    complete: bool


_UPLOAD_REFUSALS = {**_REFUSALS, 404: {"model": Refused}}


def add_upload_routes(router: APIRouter, hub: Hub) -> None:
    """Attachments in chunks that resume (`hub/uploads.py`)."""
    uploads = uploads_for(hub) if hub is not None else None  # None: only the spec is wanted

    @router.post(
        "/uploads", response_model=UploadState, responses=_UPLOAD_REFUSALS, openapi_extra=_schema(UploadIn)
    )
    async def start_upload(request: Request) -> Any:
        view = await _view(request)
        try:
            station = await run_in_threadpool(hub.authenticate, view)
            try:
                body = UploadIn.model_validate_json(view.body)
            except ValidationError as exc:
                return _bad_body(exc)
            assert uploads is not None
            return await run_in_threadpool(uploads.start, view, station, body.model_dump())
        except HubRefusal as exc:
            return _refused(exc)

    @router.put(
        "/uploads/{upload_id}/chunks/{offset}",
        response_model=UploadState,
        responses=_UPLOAD_REFUSALS,
        openapi_extra={
            "security": [{SIGNED: []}],
            "parameters": [
                _path_number("upload_id", 1, MAX_CURSOR),
                _path_number("offset", 0, MAX_ATTACHMENT),
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/octet-stream": {
                        "schema": {"type": "string", "format": "binary", "maxLength": CHUNK_SIZE}
                    }
                },
            },
        },
    )
    async def put_chunk(request: Request, upload_id: str = Path(include_in_schema=False),
                        offset: str = Path(include_in_schema=False)) -> Any:  # fmt: skip
        view = await _view(request)
        try:
            station = await run_in_threadpool(hub.authenticate, view)
            # Checked after the signature, as bodies are: a stranger learns nothing from a 422.
            number = _whole("upload_id", upload_id, 1, MAX_CURSOR)
            at = _whole("offset", offset, 0, MAX_ATTACHMENT)
            assert uploads is not None
            return await run_in_threadpool(uploads.chunk, view, station, number, at, view.body)
        except HubRefusal as exc:
            return _refused(exc)


def make_app(hub: Hub, extra: Sequence[APIRouter] = ()) -> FastAPI:
    """The station API on its own (`extra`: the province's station routes, `hub.province_api`).
    The hub serves the console app with the same routers; its spec is this app's (`spec_of`)."""
    app = FastAPI(
        title="kiosk province hub: station API",
        version=API_VERSION,
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.include_router(make_router(hub))
    for router in extra:
        app.include_router(router)
    add_station_errors(app)
    add_liveness(app)

    original = app.openapi

    def openapi() -> dict[str, Any]:
        spec = original()
        spec.setdefault("components", {})["securitySchemes"] = _SECURITY_SCHEMES
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def add_liveness(app: FastAPI) -> None:
    """`GET /livez`: "ok", nothing else, unsigned: the reverse proxy's probe of a hub process."""

    @app.get("/livez", include_in_schema=False)
    async def livez() -> PlainTextResponse:
        return PlainTextResponse("ok")


def add_station_errors(app: FastAPI) -> None:
    """A bad query parameter answers in the spec's refusal shape, like every other refusal."""

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"reason": "bad_request", "detail": detail}, status_code=422)


def published_spec() -> dict[str, Any]:
    """The spec this build serves, as `hub/openapi-v1.json` publishes it
    (`python -m hub.api > hub/openapi-v1.json` after a change, and a new `API_VERSION`)."""
    from hub.province_api import make_province_router

    province = make_province_router(None, None, lambda: dt.datetime.now(dt.UTC))  # type: ignore[arg-type]
    return make_app(None, [province]).openapi()  # type: ignore[arg-type]


if __name__ == "__main__":
    import json
    import sys

    json.dump(published_spec(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
