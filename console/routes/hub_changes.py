"""At a station delivering to the province hub: what the hub answered to the status changes its
officers made here (the hub decides, in its order of arrival: docs/hub-province.md), and the
dossiers the hub refused to take; each refusal in plain Vietnamese (`console.refusals`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from console.app import page
from console.auth import SignedIn, require
from console.services import ConsoleServices
from kiosk.permissions import Action

router = APIRouter()


@router.get("/hub/changes")
def changes(request: Request, who: SignedIn = Depends(require(Action.CHANGE_STATUS))) -> Response:
    services: ConsoleServices = request.app.state.services
    log = services.station_changes
    assert log is not None  # the route exists only then (console.app)
    return page(
        request,
        "hub_changes.html",
        who,
        changes=log.answers(),
        waiting=log.waiting(),
        refused=log.refused_deliveries(),
    )
