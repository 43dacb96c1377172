"""The statistics page (`kiosk.stats` figures, chart drawn on the server) and its report downloads:
the same CSV and one-page PDF as `kiosk report`, each written to the audit chain first so that the
chain head printed on it is that row."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from console.app import page
from console.auth import SignedIn, require
from console.services import ConsoleServices
from console.stats_view import render_stats
from kiosk.permissions import Action
from kiosk.report import ReportHeader, to_csv
from kiosk.stats import Figures, Grain, StatsProblem

router = APIRouter()


def _period(services: ConsoleServices, first: str, last: str, by: str) -> tuple[dt.date, dt.date, Grain]:
    """The asked period; by default this month up to today, by day."""
    today = services.clock().date()
    try:
        start = dt.date.fromisoformat(first) if first else today.replace(day=1)
        end = dt.date.fromisoformat(last) if last else today
        grain = Grain(by) if by else Grain.DAY
    except ValueError:
        raise StatsProblem("ngày viết theo dạng 2026-12-01; nhóm theo day, week hoặc month") from None
    return start, end, grain


def _figures(services: ConsoleServices, first: str, last: str, by: str) -> Figures:
    if services.statistics is None:
        raise StatsProblem("thống kê chưa được cấu hình cho bảng điều khiển này")
    start, end, grain = _period(services, first, last, by)
    station = services.settings.get_all().get("station_name") or services.station_name
    return services.statistics.figures(start, end, grain, station)


# Plain `def`s: FastAPI runs them in its thread pool, so that a month's figures (a second or more
# at 1,000,000 dossiers) never hold the event loop, and the other officers' pages with it.
@router.get("/stats")
def stats(
    request: Request,
    first: str = "",
    last: str = "",
    by: str = "",
    who: SignedIn = Depends(require(Action.VIEW_STATISTICS)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    try:
        figures = _figures(services, first, last, by)
    except StatsProblem as exc:
        return page(request, "stats.html", who, status_code=400, problem=str(exc), body="", query={})
    query = {"first": figures.first.isoformat(), "last": figures.last.isoformat(), "by": figures.grain.value}
    return page(
        request,
        "stats.html",
        who,
        body=render_stats(figures),  # escaped inside: service names come from station files
        query=query,
        may_export=who.may(Action.EXPORT_REPORT),
        problem="",
    )


@router.get("/stats/report.{kind}")
def report(
    request: Request,
    kind: str,
    first: str = "",
    last: str = "",
    by: str = "",
    who: SignedIn = Depends(require(Action.EXPORT_REPORT)),
) -> Response:
    services: ConsoleServices = request.app.state.services
    if kind not in ("csv", "pdf") or (kind == "pdf" and services.report_pdf is None):
        return Response("no such report format", status_code=404)
    try:
        figures = _figures(services, first, last, by)
    except StatsProblem as exc:
        return Response(str(exc), status_code=400, media_type="text/plain; charset=utf-8")
    officer = who.officer.officer_id
    services.audit.record(officer, Action.EXPORT_REPORT.value, f"{figures.first}..{figures.last} {kind}")
    chain = services.audit.verify_for_report()  # from the stored checkpoint (`kiosk.audit`)
    head = chain.head.short if chain.ok else f"{chain.head.short} (CHUỖI HỎNG: {len(chain.problems)} lỗi)"
    header = ReportHeader(figures.station_name, head, services.clock())
    name = f"bao-cao-{figures.first}-{figures.last}.{kind}"
    if kind == "csv":
        data, media = to_csv(figures, header), "text/csv; charset=utf-8"
    else:
        assert services.report_pdf is not None
        data, media = services.report_pdf(figures, header), "application/pdf"
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
