"""The console's FastAPI application, made from the services the composition root built."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from console import labels
from console.auth import NotSignedIn, SignedIn
from console.refusals import plain_refusal
from console.services import ConsoleServices
from kiosk.permissions import Action

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(
    STATUS=labels.STATUS_LABELS,
    PAYMENT=labels.PAYMENT_LABELS,
    METHOD=labels.METHOD_LABELS,
    ROLES=labels.ROLE_LABELS,
    EVENTS=labels.EVENT_LABELS,
    DEVICES=labels.DEVICE_LABELS,
    IDENTITY=labels.IDENTITY_LABELS,
    Action=Action,
)


def _local(value: dt.datetime | None) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M") if value else ""


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".") + " đ"


templates.env.filters["local"] = _local
templates.env.filters["money"] = _money
templates.env.filters["refusal"] = plain_refusal  # the hub's refusals in plain Vietnamese

NAV: tuple[tuple[str, str, Action | None], ...] = (
    ("/queue", "Hồ sơ", Action.CHANGE_STATUS),
    ("/calls", "Gọi cán bộ", Action.ANSWER_CALL),
    ("/stats", "Thống kê", Action.VIEW_STATISTICS),
    ("/head/officers", "Cán bộ", Action.MANAGE_OFFICERS),
    ("/head/settings", "Cài đặt", Action.EDIT_SETTINGS),
    ("/head/audit", "Nhật ký", Action.VIEW_AUDIT),
    ("/province", "Toàn tỉnh", Action.VIEW_PROVINCE),
    ("/hub/changes", "Gửi lên tỉnh", Action.CHANGE_STATUS),
)


def page(
    request: Request, name: str, who: SignedIn | None, status_code: int = 200, **context: Any
) -> Response:
    services: ConsoleServices = request.app.state.services
    station = services.settings.get_all().get("station_name") or services.station_name
    nav = [
        (href, text)
        for href, text, action in NAV
        if who is not None
        and (action is None or who.may(action))
        and (action is not Action.VIEW_PROVINCE or services.province is not None)
        and (href != "/hub/changes" or services.station_changes is not None)
        and (href != "/stats" or services.statistics is not None)  # none at the hub: /province
        and (href != "/calls" or services.calls is not None)  # no kiosk at the hub calls anyone
    ]
    return templates.TemplateResponse(
        request,
        name,
        {
            "who": who,
            "csrf": who.csrf if who else "",
            "nav": nav,
            "station": station,
            "has_calls": services.calls is not None,
            **context,
        },
        status_code=status_code,
    )


# Pages hold personal data: never cached, never framed, no third-party anything.
SAFETY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'",
    ),
]


class SafetyHeaders:
    """Adds `SAFETY_HEADERS` to every answer (a plain ASGI middleware: `@app.middleware("http")`
    runs each request through an extra task and stream, a cost the hub pays per submission)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SAFETY_HEADERS}
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                message = {**message, "headers": kept + SAFETY_HEADERS}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(services: ConsoleServices) -> FastAPI:
    from console.routes import calls, dossiers, head, login, queue, stats

    app = FastAPI(title="kiosk console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.services = services
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (login, queue, dossiers, head, stats):
        app.include_router(module.router)
    if services.calls is not None:  # kiosks call officers at a station, never at the hub
        app.include_router(calls.router)
    if services.province is not None:  # the same console, at the province hub
        from console.routes import province

        app.include_router(province.router)
    if services.station_changes is not None:  # a station delivering to the province hub
        from console.routes import hub_changes

        app.include_router(hub_changes.router)

    @app.exception_handler(NotSignedIn)
    async def to_login(request: Request, exc: NotSignedIn) -> Response:
        if request.url.path.endswith(".json"):
            return Response('{"error": "not signed in"}', 401, media_type="application/json")
        return RedirectResponse("/login", 303)

    # A plain `def`: Starlette runs it in the thread pool, as the pages, for the page reads the
    # station's settings (a database read that must not hold the event loop).
    @app.exception_handler(HTTPException)
    def refused(request: Request, exc: HTTPException) -> Response:
        if request.url.path.endswith(".json") or request.url.path.startswith("/v1/"):  # the hub's API
            return Response(f'{{"error": {exc.status_code}}}', exc.status_code, media_type="application/json")
        return page(request, "error.html", None, exc.status_code, message=exc.detail, code=exc.status_code)

    app.add_middleware(SafetyHeaders)

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return RedirectResponse("/home", 303)

    return app
