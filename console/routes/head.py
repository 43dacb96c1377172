"""The station head's pages: officers' accounts, station settings and targets, the audit log."""

from __future__ import annotations

import csv
import io
import re

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from console.app import page
from console.auth import SignedIn, require
from console.services import ConsoleServices
from kiosk.catalog_overlay import OverlayProblem
from kiosk.officers import OfficerProblem
from kiosk.permissions import Action, Role
from kiosk.ports.desk import Target

router = APIRouter(prefix="/head")
SETTINGS = {"station_name": "Tên đơn vị", "help_text": "Hướng dẫn cho người dân"}
METRICS = {
    "dossiers": "Hồ sơ tiếp nhận",
    "online": "Hồ sơ trực tuyến",
    "eid_activations": "Kích hoạt tài khoản định danh điện tử",
    "id_card": "Hồ sơ cấp thẻ căn cước",
}
_PERIOD = re.compile(r"20[0-9]{2}-(0[1-9]|1[0-2])")
AUDIT_PAGE = 200


def _officers_page(request: Request, who: SignedIn, message: str = "", status_code: int = 200) -> Response:
    services: ConsoleServices = request.app.state.services
    return page(
        request, "officers.html", who, status_code, officers=services.officers.list(), roles=list(Role),
        message=message,
    )  # fmt: skip


@router.get("/officers")
async def officers(request: Request, who: SignedIn = Depends(require(Action.MANAGE_OFFICERS))) -> Response:
    return _officers_page(request, who)


def _officer_action(request: Request, who: SignedIn, act: object) -> Response:
    try:
        act()  # type: ignore[operator]
    except OfficerProblem as exc:
        return _officers_page(request, who, str(exc), 400)
    return RedirectResponse("/head/officers", 303)


@router.post("/officers/add")
async def add_officer(
    request: Request,
    officer_id: str = Form(""),
    name: str = Form(""),
    role: str = Form("officer"),
    pin: str = Form(""),
    who: SignedIn = Depends(require(Action.MANAGE_OFFICERS)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    if role not in {r.value for r in Role}:
        return _officers_page(request, who, "Vai trò không hợp lệ.", 400)
    return _officer_action(
        request, who, lambda: services.officers.add(who.actor, officer_id, name, Role(role), pin)
    )


@router.post("/officers/{officer_id}/active")
async def set_active(
    request: Request,
    officer_id: str,
    active: str = Form("0"),
    who: SignedIn = Depends(require(Action.MANAGE_OFFICERS)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    if officer_id == who.officer.officer_id and active != "1":
        return _officers_page(request, who, "Đồng chí không tự khóa tài khoản của mình.", 400)
    return _officer_action(
        request, who, lambda: services.officers.set_active(who.actor, officer_id, active == "1")
    )


@router.post("/officers/{officer_id}/pin")
async def reset_pin(
    request: Request,
    officer_id: str,
    pin: str = Form(""),
    who: SignedIn = Depends(require(Action.MANAGE_OFFICERS)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    return _officer_action(request, who, lambda: services.officers.reset_pin(who.actor, officer_id, pin))


@router.post("/officers/{officer_id}/card")
async def set_card(
    request: Request,
    officer_id: str,
    card_id: str = Form(""),
    remove: str = Form(""),
    who: SignedIn = Depends(require(Action.MANAGE_OFFICERS)),
) -> Response:
    """The officer's own chip card (sign-in at the kiosk: the card, then the PIN), or none."""
    services: ConsoleServices = request.app.state.services
    cards = services.officer_cards
    if cards is None:
        return _officers_page(request, who, "Trạm này chưa dùng thẻ của cán bộ.", 400)
    number = None if remove == "1" else card_id
    return _officer_action(request, who, lambda: cards.set_card(who.actor, officer_id, number))


def _catalog_page(
    request: Request, who: SignedIn, name: str = "", text: str = "", problems: list[str] | None = None,
    saved: str = "", status_code: int = 200,
) -> Response:
    services: ConsoleServices = request.app.state.services
    overlay = services.catalog_overlay
    return page(
        request, "catalog.html", who, status_code, folder=str(overlay.folder) if overlay else "",
        files=overlay.files() if overlay else [], file_name=name, text=text, problems=problems or [],
        saved=saved,
    )  # fmt: skip


@router.get("/catalog")
async def catalog(
    request: Request, file: str = "", who: SignedIn = Depends(require(Action.EDIT_SETTINGS))
) -> Response:
    """The station's own service files; `file`: open that one in the editor."""
    services: ConsoleServices = request.app.state.services
    overlay = services.catalog_overlay
    if overlay is None or not file:
        return _catalog_page(request, who)
    try:
        return _catalog_page(request, who, file, overlay.read(file))
    except OverlayProblem as exc:
        return _catalog_page(request, who, problems=exc.problems, status_code=404)


@router.post("/catalog")
async def save_catalog(
    request: Request,
    name: str = Form(""),
    text: str = Form(""),
    upload: UploadFile | None = None,
    who: SignedIn = Depends(require(Action.EDIT_SETTINGS)),
) -> Response:
    """Save a service file typed in the editor, or uploaded (its own name unless one is given)."""
    services: ConsoleServices = request.app.state.services
    overlay = services.catalog_overlay
    if overlay is None:
        return _catalog_page(request, who, problems=["catalog.dir chưa được cấu hình."], status_code=400)
    if upload is not None and upload.filename:
        data = await upload.read(2 * 256 * 1024)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            not_text = ["Tệp không phải văn bản UTF-8."]
            return _catalog_page(request, who, name, problems=not_text, status_code=400)
        name = name.strip() or upload.filename
    try:
        saved = overlay.save(who.actor, name, text)
    except OverlayProblem as exc:
        return _catalog_page(request, who, name, text, exc.problems, status_code=400)
    done = f"Đã lưu {saved.name}" + (f" (thay dịch vụ có sẵn {saved.replaces})" if saved.replaces else "")
    return _catalog_page(request, who, saved.name, overlay.read(saved.name), saved=done)


def _settings_page(request: Request, who: SignedIn, message: str = "", status_code: int = 200) -> Response:
    services: ConsoleServices = request.app.state.services
    values = services.settings.get_all()
    return page(
        request, "settings.html", who, status_code, settings=[(k, label, values.get(k, "")) for k, label in
        SETTINGS.items()], targets=services.targets.all(), metrics=METRICS, message=message,
    )  # fmt: skip


@router.get("/settings")
async def settings(request: Request, who: SignedIn = Depends(require(Action.EDIT_SETTINGS))) -> Response:
    return _settings_page(request, who)


@router.post("/settings")
async def save_settings(
    request: Request,
    station_name: str = Form(""),
    help_text: str = Form(""),
    who: SignedIn = Depends(require(Action.EDIT_SETTINGS)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    for key, value in (("station_name", station_name), ("help_text", help_text)):
        value = " ".join(value.split())
        if len(value) > 200:
            return _settings_page(request, who, "Tối đa 200 ký tự.", 400)
        services.settings.put(key, value)
        services.audit.record(who.officer.officer_id, "setting", f"{key} = {value}")
    return RedirectResponse("/head/settings", 303)


@router.post("/targets")
async def save_target(
    request: Request,
    period: str = Form(""),
    metric: str = Form(""),
    target: str = Form(""),
    who: SignedIn = Depends(require(Action.EDIT_SETTINGS)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    if not _PERIOD.fullmatch(period) or metric not in METRICS or not target.isdigit() or len(target) > 9:
        return _settings_page(request, who, "Kỳ dạng YYYY-MM, chỉ tiêu là số nguyên dương.", 400)
    services.targets.put(Target(period, metric, int(target)))
    services.audit.record(who.officer.officer_id, "target", f"{period} {metric} = {target}")
    return RedirectResponse("/head/settings", 303)


@router.get("/audit")
async def audit(
    request: Request, verify: str = "", who: SignedIn = Depends(require(Action.VIEW_AUDIT))
) -> Response:
    services: ConsoleServices = request.app.state.services
    services.audit.record(who.officer.officer_id, "audit_view", "verify" if verify else "")
    result = services.audit.verify() if verify else None
    return page(
        request, "audit.html", who, rows=services.audit.newest(AUDIT_PAGE), head=services.audit.head(),
        verification=result,
    )  # fmt: skip


@router.get("/audit.csv")
async def audit_csv(request: Request, who: SignedIn = Depends(require(Action.VIEW_AUDIT))) -> Response:
    services: ConsoleServices = request.app.state.services
    services.audit.record(who.officer.officer_id, "audit_export", "csv")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["seq", "at", "actor", "action", "detail", "link"])
    rows = services.audit.newest(1_000_000)
    for row in reversed(rows):
        writer.writerow([row.seq, row.at.isoformat(), row.actor, row.action, row.detail, row.link])
    writer.writerow([])
    writer.writerow(["chain head", services.audit.head().short])
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM: spreadsheets then read it as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
