"""The queue: the station's dossiers, filtered, searched by code, ID number or toneless name."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from console.app import page
from console.auth import SignedIn, require
from console.services import ConsoleServices
from kiosk.desk import STATUSES
from kiosk.permissions import Action, NotAllowed
from kiosk.ports.desk import QueueQuery

router = APIRouter()
PAGE_SIZE = 50


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _start_of(day: dt.date | None) -> dt.datetime | None:
    # The station's local day: the officer means midnight here, not in UTC.
    return None if day is None else dt.datetime.combine(day, dt.time()).astimezone()


# A plain `def`: FastAPI runs it in its thread pool, so that a search never holds the event loop
# (and the other officers' pages with it) while the database answers.
@router.get("/queue")
def queue(
    request: Request,
    q: str = "",
    service: str = "",
    status: str = "",
    since: str = "",
    until: str = "",
    assisted: str = "",
    offset: int = 0,
    who: SignedIn = Depends(require(Action.CHANGE_STATUS)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    since_day, until_day = _day(since), _day(until)
    query = QueueQuery(
        service_code=service if any(s.code == service for s in services.catalog.services) else "",
        status=status if status in STATUSES else "",
        since=_start_of(since_day),
        until=_start_of(until_day + dt.timedelta(days=1)) if until_day else None,
        assisted={"yes": True, "no": False}.get(assisted),
        limit=PAGE_SIZE + 1,
        offset=max(0, min(offset, 1_000_000)),
    )
    message = ""
    try:
        rows = services.desk.search(who.actor, q[:200], query)
    except NotAllowed:
        rows, message = [], "Vai trò của đồng chí không được tìm theo tên hoặc số định danh."
    titles = {s.code: s.title.get("vi") for s in services.catalog.services}
    return page(
        request,
        "queue.html",
        who,
        rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE,
        titles=titles,
        statuses=STATUSES,
        message=message,
        form={
            "q": q,
            "service": query.service_code,
            "status": query.status,
            "since": since_day.isoformat() if since_day else "",
            "until": until_day.isoformat() if until_day else "",
            "assisted": assisted if assisted in ("yes", "no") else "",
        },
        offset=query.offset,
        page_size=PAGE_SIZE,
    )
