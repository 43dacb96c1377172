"""Live "Gọi cán bộ" calls: a page that polls a JSON list every 2 seconds, and "answer"."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from console.app import page
from console.auth import SignedIn, require
from console.services import ConsoleServices
from kiosk.permissions import Action
from kiosk.ports.desk import CallBoard

router = APIRouter()


def _board(services: ConsoleServices) -> CallBoard:
    assert services.calls is not None  # this router is only included with a call board
    return services.calls


def _open(services: ConsoleServices) -> list[dict[str, object]]:
    now = services.clock().astimezone(dt.UTC)
    return [
        {
            "id": call.call_id,
            "kiosk": call.kiosk_id,
            "screen": call.screen,
            # The citizen's time at the kiosk when calling, plus the time since the call.
            "waited_seconds": call.waited_seconds + max(0, int((now - call.called_at).total_seconds())),
            "called_at": call.called_at.astimezone().strftime("%H:%M:%S"),
        }
        for call in _board(services).open_calls()
    ]


@router.get("/calls")
def calls_page(request: Request, who: SignedIn = Depends(require(Action.ANSWER_CALL))) -> Response:
    services: ConsoleServices = request.app.state.services
    return page(request, "calls.html", who, calls=_open(services))


@router.get("/calls.json")
def calls_json(request: Request, who: SignedIn = Depends(require(Action.ANSWER_CALL))) -> Response:
    return JSONResponse({"calls": _open(request.app.state.services)})


@router.post("/calls/{call_id}/answer")
def answer(request: Request, call_id: int, who: SignedIn = Depends(require(Action.ANSWER_CALL))) -> Response:
    services: ConsoleServices = request.app.state.services
    if _board(services).answer(call_id, who.officer.officer_id, services.clock().astimezone(dt.UTC)):
        services.audit.record(who.officer.officer_id, "call_answered", f"call {call_id}")
    return RedirectResponse("/calls", 303)
