"""Signing in to the console, its sessions, CSRF and the role check on every route.

- Login: officer id + PIN or console password, through `kiosk.officers.Officers.authenticate`
  (argon2, lockout after five wrong tries, audited).
- Session: a random 256-bit token in an HttpOnly, SameSite=Strict cookie (Secure over TLS); the
  database keeps its SHA-256 only (`console_sessions`), so a copy of the database opens no
  session. Every login makes a new token, and a token sent with the login is ended, so a token
  planted before login (session fixation) never becomes a session.
- Idle logout after `console.idle_logout_minutes` without a request. The session's last request
  time is written when it is a tenth of that (at most a minute) old, not on every page: a write
  per page (an fsync on SQLite) was most of a page's time with 20 officers at work.
- CSRF: each session has its own token, put in every form; a POST without it is refused. The
  login form has a pre-session token (double-submit cookie) so a foreign page cannot log an
  officer in under another account.
- `require(action)` is the dependency of every page: not signed in → the login page; a role
  without the action (`kiosk.permissions`) → 403, written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from console.services import ConsoleServices
from kiosk.officers import Actor
from kiosk.permissions import Action, Role, may
from kiosk.ports.desk import ConsoleSession
from kiosk.ports.officers import Officer

COOKIE = "kiosk_console"
PRE_COOKIE = "kiosk_console_login"  # the login form's CSRF token, before any session
CSRF_FIELD = "csrf"
TOUCH_AT_MOST = dt.timedelta(minutes=1)  # a session's last request time is at most this stale


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    officer: Officer
    csrf: str
    token_hash: str

    @property
    def actor(self) -> Actor:
        return Actor.officer(self.officer)

    @property
    def role(self) -> Role:
        return self.officer.role

    def may(self, action: Action | str) -> bool:
        # An account scoped to one station (at a province hub) never gets the whole-database
        # pages, whatever its role (`kiosk.permissions.WHOLE_DATABASE`).
        return may(self.officer.role, Action(action), self.officer.station_id is not None)


class NotSignedIn(Exception):
    """No valid session: the page sends the officer to the login form."""


def set_cookie(response: Response, services: ConsoleServices, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=services.secure_cookies,
        path="/",
    )


def _now(services: ConsoleServices) -> dt.datetime:
    return services.clock().astimezone(dt.UTC)


def start_session(services: ConsoleServices, officer: Officer, old_token: str | None) -> tuple[str, str]:
    """A new session for `officer` (the cookie's token, the CSRF token); `old_token`, whatever
    the browser sent, is ended first."""
    if old_token:
        services.sessions.remove(token_hash(old_token))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now(services)
    services.sessions.add(ConsoleSession(token_hash(token), officer.officer_id, csrf, now, now))
    return token, csrf


def end_session(services: ConsoleServices, token: str | None) -> None:
    if token:
        services.sessions.remove(token_hash(token))


def current(services: ConsoleServices, request: Request) -> SignedIn:
    token = request.cookies.get(COOKIE)
    if not token:
        raise NotSignedIn()
    hashed = token_hash(token)
    session = services.sessions.get(hashed)
    if session is None:
        raise NotSignedIn()
    now = _now(services)
    if now - session.last_seen_at > services.idle_logout:
        services.sessions.remove(hashed)
        services.audit.record(session.officer_id, "logout", "console: idle")
        raise NotSignedIn()
    officer = services.officers.get(session.officer_id)
    if officer is None or not officer.active:  # disabled since the login: the session ends
        services.sessions.remove(hashed)
        raise NotSignedIn()
    if now - session.last_seen_at >= min(TOUCH_AT_MOST, services.idle_logout / 10):
        services.sessions.touch(hashed, now)
    return SignedIn(officer, session.csrf_token, hashed)


async def check_csrf(request: Request, expected: str) -> None:
    if request.method != "POST":
        return
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(403, "Phiên làm việc không hợp lệ (CSRF): tải lại trang rồi thử lại.")


def require(action: Action | None) -> Callable[[Request], Awaitable[SignedIn]]:
    """The dependency of a route: the signed-in officer, allowed `action` (None: any role)."""

    async def dependency(request: Request) -> SignedIn:
        services: ConsoleServices = request.app.state.services
        # Database reads (and a write now and then) off the event loop: other officers' pages go on.
        who = await run_in_threadpool(current, services, request)
        await check_csrf(request, who.csrf)
        if action is not None and not who.may(action):
            services.audit.record(
                who.officer.officer_id, "refused", f"console {request.url.path}: {action.value}"
            )
            raise HTTPException(403, "Vai trò của đồng chí không được làm việc này.")
        return who

    return dependency
