"""The province pages of the console, served by the hub (`kiosk hub serve`): every station's
queue and health, the red list (`kiosk.province.red_list`), the month's figures per commune and
per service beside the communes' targets, and officers' changes sent from stations.

Only an account of the whole province sees them (`Action.VIEW_PROVINCE` is whole-database:
an account scoped to one station is refused, `kiosk.permissions.WHOLE_DATABASE`); a province
head (station-head role, no station) sets the targets.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from console.app import page
from console.auth import SignedIn, require
from console.services import ConsoleServices
from kiosk.desk import STATUSES
from kiosk.permissions import Action
from kiosk.ports.desk import QueueQuery
from kiosk.ports.province import ProvinceRepository
from kiosk.province import TargetProblem, check_period, check_target, month_bounds, progress, red_list

router = APIRouter()
STATION_PAGE = 100


def _province(request: Request) -> tuple[ConsoleServices, ProvinceRepository]:
    services: ConsoleServices = request.app.state.services
    if services.province is None:
        raise HTTPException(404, "Trang này chỉ có ở máy chủ của tỉnh.")
    return services, services.province


def _period(services: ConsoleServices, text: str) -> str:
    if text:
        try:
            return check_period(text)
        except TargetProblem:
            pass
    return services.clock().astimezone().strftime("%Y-%m")


def _zone(services: ConsoleServices) -> dt.tzinfo:
    zone = services.clock().astimezone().tzinfo
    assert zone is not None
    return zone


def _total(counts: dict[str, int]) -> int:
    return sum(counts.values())


@router.get("/province")
async def overview(
    request: Request, period: str = "", who: SignedIn = Depends(require(Action.VIEW_PROVINCE))
) -> Response:
    services, province = _province(request)
    month = _period(services, period)
    since, until = month_bounds(month, _zone(services))
    stations = [s for s in province.stations() if not s.revoked]
    now = services.clock().astimezone(dt.UTC)
    targets = province.targets(month)
    by_commune = province.submitted(since, until, "commune")
    communes = sorted({s.commune for s in stations} | set(by_commune) | set(targets))
    titles = {s.code: s.title.get("vi") for s in services.catalog.services}
    return page(
        request,
        "province.html",
        who,
        month=month,
        red=red_list(stations, now),
        stations=stations,
        open_counts=province.open_by_station(),
        communes=[
            (
                c,
                by_commune.get(c, {}),
                _total(by_commune.get(c, {})),
                targets.get(c),
                progress(_total(by_commune.get(c, {})), targets.get(c)),
            )
            for c in communes
        ],
        by_service=sorted(province.submitted(since, until, "service").items()),
        titles=titles,
        statuses=STATUSES,
        total=_total,
        now=now,
    )


@router.get("/province/stations/{station_id}")
async def station_queue(
    request: Request,
    station_id: str,
    status: str = "",
    who: SignedIn = Depends(require(Action.VIEW_PROVINCE)),
) -> Response:
    services, province = _province(request)
    station = next((s for s in province.stations() if s.station_id == station_id), None)
    if station is None:
        raise HTTPException(404, "Không có trạm này trong tỉnh.")
    query = QueueQuery(
        station_id=station_id, status=status if status in STATUSES else "", limit=STATION_PAGE + 1
    )
    rows = services.desk.search(who.actor, "", query)
    titles = {s.code: s.title.get("vi") for s in services.catalog.services}
    return page(
        request,
        "province_station.html",
        who,
        health=station,  # not `station`: base.html's header shows the console's own name
        rows=rows[:STATION_PAGE],
        more=len(rows) > STATION_PAGE,
        titles=titles,
        statuses=STATUSES,
        status=query.status,
    )


@router.post("/province/targets")
async def set_target(
    request: Request, who: SignedIn = Depends(require(Action.SET_COMMUNE_TARGETS))
) -> Response:
    services, province = _province(request)
    form = await request.form()
    month, commune, target = (str(form.get(k, "")) for k in ("period", "commune", "target"))
    try:
        month = check_period(month)
        value = check_target(target)
        if commune not in province.communes():
            raise TargetProblem(f"không có xã/phường {commune!r} trong tỉnh")
    except TargetProblem as exc:
        return page(request, "error.html", who, 400, message=f"Chưa lưu chỉ tiêu: {exc}.", code=400)
    province.set_target(month, commune, value, who.officer.officer_id)
    services.audit.record(who.officer.officer_id, "commune_target", f"{month} {commune}: {value}")
    return RedirectResponse(f"/province?period={month}#communes", 303)


@router.get("/province/changes")
async def changes(
    request: Request, outcome: str = "", who: SignedIn = Depends(require(Action.VIEW_PROVINCE))
) -> Response:
    _, province = _province(request)
    kept = outcome if outcome in ("applied", "refused") else ""
    return page(request, "province_changes.html", who, changes=province.changes(kept, 200), outcome=kept)
