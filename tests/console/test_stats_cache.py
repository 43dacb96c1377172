"""The counts of ended days kept between statistics views (`kiosk.stats_cache`), over a real
station database: kept while nothing changes them, dropped when a late status change, a purge or
a restore does, and the figures always equal those counted afresh."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from db.desk import SqlDesk
from db.engine import make_engine
from db.models import OutboxRow
from kiosk.app.root import make_desk, make_officer_desk, make_retention, make_stats_source, purge_old
from kiosk.officers import Actor
from kiosk.ports.desk import DossierEvent
from kiosk.stats import Grain, ServiceInfo, Statistics
from kiosk.stats_cache import ClosedDaysCache
from tests.console.conftest import FakeClock, Station

UTC = dt.UTC
DEC_3 = dt.datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
KINDS = 5  # source answers per range: submitted, finished, seconds by day and by service, abandoned
SERVICES = [ServiceInfo("1.003677", "Thường trú", 5), ServiceInfo("1.014063", "Căn cước", 7)]


def _pair(station: Station, clock: FakeClock) -> tuple[ClosedDaysCache, Statistics, Statistics]:
    source = make_stats_source(station.config)
    cache = ClosedDaysCache(source, source, clock, UTC)
    return cache, Statistics(cache, SERVICES, UTC), Statistics(source, SERVICES, UTC)


def test_an_ended_month_is_counted_once_until_something_changes_it(fresh_station: Station) -> None:
    clock = FakeClock(DEC_3)
    cache, kept, fresh = _pair(fresh_station, clock)
    first = kept.figures(*NOVEMBER)
    assert first == fresh.figures(*NOVEMBER) and first.total.submitted == 3
    assert cache.computed == KINDS
    assert kept.figures(*NOVEMBER, Grain.WEEK) == fresh.figures(*NOVEMBER, Grain.WEEK)
    assert cache.computed == KINDS  # the same days by week: the kept counts

    # An officer finishes a November dossier today: December's figures move, November's do not.
    officer_desk = make_officer_desk(fresh_station.config, clock)
    desk = make_desk(fresh_station.config, officer_desk, clock)
    head = Actor.officer(officer_desk.officers.get("head"))  # type: ignore[arg-type]
    code = fresh_station.codes[0]
    desk.change_status(head, code, "processing")
    desk.change_status(head, code, "done")
    assert kept.figures(*NOVEMBER) == fresh.figures(*NOVEMBER)
    assert cache.computed == KINDS
    december = (dt.date(2026, 12, 1), dt.date(2026, 12, 3))
    assert kept.figures(*december).total.finished == 1  # today is counted each time
    assert cache.computed == 2 * KINDS  # 1 and 2 December are kept

    # The hub's answer arrives late: a dossier finished on 25 November, as db/hub.py writes it.
    late = dt.datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    repository = SqlDesk(make_engine(fresh_station.config.database_url))
    event = DossierEvent(late, "hub", "status", "rejected", "thiếu giấy tờ", "")
    assert repository.change_status(fresh_station.codes[1], "received", event, late)
    after = kept.figures(*NOVEMBER)
    assert after == fresh.figures(*NOVEMBER) and after.total.finished == 1
    assert cache.computed == 3 * KINDS  # November counted again
    assert kept.figures(*december) == fresh.figures(*december)
    assert cache.computed == 3 * KINDS  # December's ended days were not touched by it


def test_a_purge_drops_what_was_kept(fresh_station: Station) -> None:
    clock = FakeClock(DEC_3)
    cache, kept, fresh = _pair(fresh_station, clock)
    kept.figures(*NOVEMBER)
    assert cache.computed == KINDS
    with make_engine(fresh_station.config.database_url).begin() as conn:  # delivered: may go
        conn.execute(sa.update(OutboxRow).values(sent_at=DEC_3))
    years_later = DEC_3 + dt.timedelta(days=3650)
    report = purge_old(fresh_station.config, make_retention(fresh_station.config), lambda: years_later)
    assert report.dossiers == 3
    assert kept.figures(*NOVEMBER) == fresh.figures(*NOVEMBER)
    assert cache.computed == 2 * KINDS


def test_a_day_is_kept_only_an_hour_after_its_midnight(fresh_station: Station) -> None:
    clock = FakeClock(dt.datetime(2026, 11, 21, 0, 30, tzinfo=UTC))
    cache, kept, _fresh = _pair(fresh_station, clock)
    day = dt.date(2026, 11, 20)
    kept.figures(day, day)
    kept.figures(day, day)
    assert cache.computed == 0  # 30 minutes after midnight: a kiosk session may still be writing
    clock.now = dt.datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    kept.figures(day, day)
    kept.figures(day, day)
    assert cache.computed == KINDS


def test_the_figures_of_an_ended_month_are_kept_whole_until_a_count_a_target_or_a_purge_moves(
    fresh_station: Station,
) -> None:
    from db.desk import SqlTargets
    from kiosk.ports.desk import Target

    clock = FakeClock(DEC_3)
    source = make_stats_source(fresh_station.config)
    cache = ClosedDaysCache(source, source, clock, UTC)
    kept = Statistics(cache, SERVICES, UTC, ended=cache.ended_generation)
    fresh = Statistics(source, SERVICES, UTC)
    first = kept.figures(*NOVEMBER)
    assert kept.figures(*NOVEMBER) is first and kept.computed == 1  # given again, not counted
    assert kept.figures(*NOVEMBER, Grain.WEEK) is not first and kept.computed == 2  # its own key

    # Work today (a November dossier finished on 3 December) leaves November's figures as they are.
    officer_desk = make_officer_desk(fresh_station.config, clock)
    desk = make_desk(fresh_station.config, officer_desk, clock)
    head = Actor.officer(officer_desk.officers.get("head"))  # type: ignore[arg-type]
    desk.change_status(head, fresh_station.codes[0], "processing")
    desk.change_status(head, fresh_station.codes[0], "done")
    assert kept.figures(*NOVEMBER) is first and first == fresh.figures(*NOVEMBER)

    december = (dt.date(2026, 12, 1), dt.date(2026, 12, 3))  # today is in it: counted each view
    kept.figures(*december)
    kept.figures(*december)
    assert kept.computed == 4

    # A late status change inside November (the hub's answer) moves it: counted again.
    late = dt.datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    repository = SqlDesk(make_engine(fresh_station.config.database_url))
    event = DossierEvent(late, "hub", "status", "rejected", "thiếu giấy tờ", "")
    assert repository.change_status(fresh_station.codes[1], "received", event, late)
    moved = kept.figures(*NOVEMBER)
    assert moved is not first and moved == fresh.figures(*NOVEMBER) and moved.total.finished == 1

    # A target the station head sets for November: the page shows it at the next view.
    SqlTargets(make_engine(fresh_station.config.database_url)).put(Target("2026-11", "dossiers", 10))
    targeted = kept.figures(*NOVEMBER)
    assert targeted.targets and targeted == fresh.figures(*NOVEMBER)
    assert kept.figures(*NOVEMBER) is targeted

    # A purge moves dossiers into daily counts: counted again, the same figures as afresh.
    with make_engine(fresh_station.config.database_url).begin() as conn:
        conn.execute(sa.update(OutboxRow).values(sent_at=DEC_3))
    years_later = DEC_3 + dt.timedelta(days=3650)
    assert purge_old(fresh_station.config, make_retention(fresh_station.config), lambda: years_later).dossiers
    purged = kept.figures(*NOVEMBER)
    assert purged is not targeted and purged == fresh.figures(*NOVEMBER)


def test_the_page_body_of_kept_figures_is_made_once(fresh_station: Station) -> None:
    import dataclasses

    from console.stats_view import render_stats

    figures = Statistics(make_stats_source(fresh_station.config), SERVICES, UTC).figures(*NOVEMBER)
    body = render_stats(figures)
    assert render_stats(figures) is body  # the same object: the body made for it
    renamed = dataclasses.replace(figures, station_name="Công an xã Tân Lập")  # another: its own
    assert "Công an xã Tân Lập" in render_stats(renamed) and "Tân Lập" not in body
