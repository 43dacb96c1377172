"""One dossier: its page, status changes, filing in the national system, payments, filing help
and exports (JSON, prefilled PDF)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from console import labels
from console.app import page
from console.auth import SignedIn, require
from console.filing import IDENTITY, filing_pdf, filing_rows
from console.services import ConsoleServices
from kiosk import trackcode
from kiosk.desk import DeskProblem, DossierView, payment_receipt
from kiosk.dossier import StoredDossier
from kiosk.permissions import Action
from kiosk.ports.printer import PrinterError

router = APIRouter()


def _code(code: str) -> str:
    normal = trackcode.normalize(code)
    if normal is None:
        raise HTTPException(404, "Không có hồ sơ này.")
    return normal


def _personal(services: ConsoleServices, who: SignedIn, code: str, purpose: str) -> StoredDossier:
    try:
        return services.desk.open_personal(who.actor, code, purpose)
    except DeskProblem:
        raise HTTPException(404, "Không có hồ sơ này.") from None


def _dossier_page(
    request: Request, who: SignedIn, code: str, message: str = "", status_code: int = 200
) -> Response:
    services: ConsoleServices = request.app.state.services
    try:
        view = services.desk.view(who.actor, code)
    except DeskProblem:
        raise HTTPException(404, "Không có hồ sơ này.") from None
    return page(request, "dossier.html", who, status_code, **_context(services, view), message=message)


def _context(services: ConsoleServices, view: DossierView) -> dict[str, Any]:
    sealed = view.desk.sealed
    try:
        service = services.catalog.get(sealed.service_code)
    except KeyError:
        service = None
    dossier = view.stored.dossier
    holder = dict(dossier.holder) if dossier else {}
    passive = holder.pop("passive_auth", "")
    # The card data has its own table: the answers are what the citizen entered.
    answers = [row for row in filing_rows(service, dossier) if row[0] not in IDENTITY]
    return {
        "view": view,
        "sealed": sealed,
        "code_display": trackcode.display(sealed.tracking_code),
        "service_title": service.title.get("vi") if service else sealed.service_code,
        "holder": [
            (labels.HOLDER_LABELS.get(k, k), labels.CHIP_AUTH_LABELS.get(v, v) if k == "chip_auth" else v)
            for k, v in holder.items()
        ],
        "passive": labels.PASSIVE_AUTH_LABELS.get(passive, passive or "—"),
        "passive_ok": passive == "valid",
        "answers": answers,
    }


@router.get("/dossiers/{code}")
def dossier(
    request: Request, code: str, who: SignedIn = Depends(require(Action.VIEW_PERSONAL_DATA))
) -> Response:
    return _dossier_page(request, who, _code(code))


@router.get("/dossiers/{code}/photo")
def photo(
    request: Request, code: str, who: SignedIn = Depends(require(Action.VIEW_PERSONAL_DATA))
) -> Response:
    """The applicant's face from the chip: personal data, so never cached by the browser."""
    services: ConsoleServices = request.app.state.services
    try:
        found = services.desk.photo(who.actor, _code(code))
    except DeskProblem as exc:
        raise HTTPException(500, str(exc)) from None
    if found is None:
        raise HTTPException(404, "Hồ sơ này không có ảnh.")
    return Response(found.image, media_type=found.media_type, headers={"Cache-Control": "no-store"})


def _after(request: Request, who: SignedIn, code: str, action: Any) -> Response:
    try:
        action()
    except DeskProblem as exc:
        return _dossier_page(request, who, code, str(exc), 400)
    return RedirectResponse(f"/dossiers/{code}", 303)


@router.post("/dossiers/{code}/status")
def change_status(
    request: Request,
    code: str,
    status: str = Form(""),
    note_for_citizen: str = Form(""),
    note_internal: str = Form(""),
    who: SignedIn = Depends(require(Action.CHANGE_STATUS)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    code = _code(code)
    return _after(
        request,
        who,
        code,
        lambda: services.desk.change_status(who.actor, code, status, note_for_citizen, note_internal),
    )


@router.post("/dossiers/{code}/filed")
def filed(
    request: Request,
    code: str,
    national_number: str = Form(""),
    minutes: str = Form("0"),
    who: SignedIn = Depends(require(Action.CHANGE_STATUS)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    code = _code(code)

    def act() -> None:
        if not minutes.strip().isdigit():
            raise DeskProblem("số phút là một số nguyên")
        services.desk.file_national(who.actor, code, national_number, int(minutes.strip()[:4]))

    return _after(request, who, code, act)


@router.post("/dossiers/{code}/payment")
def payment(
    request: Request,
    code: str,
    method: str = Form("cash"),
    receipt_number: str = Form(""),
    who: SignedIn = Depends(require(Action.CONFIRM_PAYMENT)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    code = _code(code)

    def act() -> None:
        record = services.desk.confirm_payment(who.actor, code, method, receipt_number)
        if record.method == "cash" and services.print_receipt is not None:
            service = _service(services, services.desk.service_of(code))
            title = service.title.get("vi") if service else ""
            try:
                services.print_receipt(payment_receipt(services.station_name, title, record, code))
            except PrinterError as exc:  # the payment is stored: the officer writes the receipt by hand
                raise DeskProblem(f"Đã ghi nhận thanh toán, nhưng không in được biên lai: {exc}") from None

    return _after(request, who, code, act)


@router.get("/dossiers/{code}/filing")
def filing(request: Request, code: str, who: SignedIn = Depends(require(Action.EXPORT_DOSSIER))) -> Response:
    services: ConsoleServices = request.app.state.services
    code = _code(code)
    stored = _personal(services, who, code, "filing view")
    dossier = stored.dossier
    service = _service(services, dossier.service_code if dossier else "")
    rows = filing_rows(service, dossier) if dossier else []
    return page(
        request, "filing.html", who, rows=rows, code=code, code_display=trackcode.display(code),
        service_title=service.title.get("vi") if service else "", problem=stored.problem or "",
    )  # fmt: skip


def _service(services: ConsoleServices, code: str) -> Any:
    try:
        return services.catalog.get(code)
    except KeyError:
        return None


@router.get("/dossiers/{code}/export.json")
def export_json(
    request: Request, code: str, who: SignedIn = Depends(require(Action.EXPORT_DOSSIER))
) -> Response:
    services: ConsoleServices = request.app.state.services
    code = _code(code)
    stored = _personal(services, who, code, "json")
    dossier = stored.dossier
    service = _service(services, dossier.service_code if dossier else "")
    body = {
        "tracking_code": code,
        "service_code": dossier.service_code if dossier else "",
        "status": stored.status,
        "submitted_at": stored.submitted_at.isoformat(),
        "fields": [
            {"id": i, "label": label, "value": value} for i, label, value in filing_rows(service, dossier)
        ]
        if dossier
        else [],
        "holder": dossier.holder if dossier else {},
    }
    return Response(
        json.dumps(body, ensure_ascii=False, indent=1),
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{code}.json"'},
    )


@router.get("/dossiers/{code}/export.pdf")
def export_pdf(
    request: Request, code: str, who: SignedIn = Depends(require(Action.EXPORT_DOSSIER))
) -> Response:
    services: ConsoleServices = request.app.state.services
    code = _code(code)
    stored = _personal(services, who, code, "pdf")
    dossier = stored.dossier
    service = _service(services, dossier.service_code if dossier else "")
    rows = filing_rows(service, dossier) if dossier else []
    title = service.title.get("vi") if service else code
    pdf = filing_pdf(services.station_name, title, trackcode.display(code), rows)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{code}.pdf"'},
    )
