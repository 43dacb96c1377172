"""Login and logout."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from console import auth
from console.app import NAV, page
from console.auth import COOKIE, PRE_COOKIE, SignedIn, require
from console.services import ConsoleServices
from kiosk.officers import PinRefused

router = APIRouter()
PRE_MAX_AGE = 1800


def _login_form(request: Request, message: str = "", status_code: int = 200) -> Response:
    services: ConsoleServices = request.app.state.services
    pre = secrets.token_urlsafe(32)
    response = page(request, "login.html", None, status_code, login_csrf=pre, message=message)
    auth.set_cookie(response, services, PRE_COOKIE, pre, PRE_MAX_AGE)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_form(request)


@router.post("/login")
def login(
    request: Request,
    officer_id: str = Form(""),
    secret: str = Form(""),
    kind: str = Form("pin"),
    csrf: str = Form(""),
) -> Response:
    services: ConsoleServices = request.app.state.services
    pre = request.cookies.get(PRE_COOKIE, "")
    if not pre or not hmac.compare_digest(pre.encode(), csrf.encode()):
        return _login_form(request, "Biểu mẫu đã hết hạn: đồng chí đăng nhập lại.", 403)
    try:
        officer = services.officers.authenticate(
            officer_id[:64], secret[:200], where="console", password=kind == "password"
        )
    except PinRefused as exc:
        text = (
            "Sai 5 lần: tài khoản bị khóa 15 phút."
            if exc.locked_until
            else "Sai mã cán bộ hoặc mã PIN/mật khẩu, hoặc tài khoản đã bị khóa."
        )
        return _login_form(request, text, 401)
    token, _csrf = auth.start_session(services, officer, request.cookies.get(COOKIE))
    who = SignedIn(officer, _csrf, auth.token_hash(token))
    first = next((href for href, _text, action in NAV if action is None or who.may(action)), "/home")
    response = RedirectResponse(first, 303)
    auth.set_cookie(response, services, COOKIE, token, int(services.idle_logout.total_seconds()) + 3600)
    response.delete_cookie(PRE_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, who: SignedIn = Depends(require(None))) -> Response:
    services: ConsoleServices = request.app.state.services
    auth.end_session(services, request.cookies.get(COOKIE))
    services.audit.record(who.officer.officer_id, "logout", "console")
    response = RedirectResponse("/login", 303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/home")
def home(request: Request, who: SignedIn = Depends(require(None))) -> Response:
    return page(request, "home.html", who)
