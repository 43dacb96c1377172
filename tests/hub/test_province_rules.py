"""The province's pure rules (`kiosk.province`): the red list, targets, months."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from kiosk.dossier import StoredDossier
from kiosk.permissions import WHOLE_DATABASE, Action, Role, may
from kiosk.province import (
    StationHealth,
    TargetProblem,
    check_period,
    check_target,
    month_bounds,
    progress,
    red_list,
)
from kiosk.status import HubStatus, HubUnreachable, LookupOutcome, StatusLookup
from kiosk.trackcode import new_code

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def _station(
    station_id: str, heard: dt.timedelta | None, paper_out: bool = False, revoked: bool = False
) -> StationHealth:
    return StationHealth(
        station_id, "Xã Tân Lập", f"Công an xã {station_id}", revoked, None if heard is None else NOW - heard,
        paper_out=paper_out,
    )  # fmt: skip


def test_the_red_list_holds_silent_stations_and_stations_out_of_paper_longest_silent_first() -> None:
    stations = [
        _station("hour", dt.timedelta(hours=1)),  # exactly an hour: not yet
        _station("late", dt.timedelta(hours=1, minutes=1)),
        _station("paper", dt.timedelta(minutes=4), paper_out=True),
        _station("never", None),
        _station("days", dt.timedelta(days=3)),
        _station("gone", dt.timedelta(days=9), revoked=True),  # revoked: no longer the province's
    ]
    lines = red_list(stations, NOW)
    assert [line.station.station_id for line in lines] == ["never", "days", "late", "paper"]
    reasons = {line.station.station_id: line.reasons for line in lines}
    assert reasons["late"] == ("Mất liên lạc 61 phút",)
    assert reasons["days"] == ("Mất liên lạc 3 ngày",)
    assert reasons["paper"] == ("Máy in hết giấy",)
    assert reasons["never"] == ("Chưa gửi tín hiệu nào từ khi đăng ký",)
    both = red_list([_station("both", dt.timedelta(hours=5), paper_out=True)], NOW)
    assert both[0].reasons == ("Mất liên lạc 5 giờ", "Máy in hết giấy")


def test_targets_and_months() -> None:
    assert check_period(" 2026-12 ") == "2026-12"
    for bad in ("2026-13", "26-12", "2026-1", ""):
        with pytest.raises(TargetProblem):
            check_period(bad)
    assert check_target("1.200") == 1200
    for bad in ("-3", "abc", "2000000", ""):
        with pytest.raises(TargetProblem):
            check_target(bad)
    zone = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    start, end = month_bounds("2026-12", zone)
    assert (start.isoformat(), end.isoformat()) == ("2026-12-01T00:00:00+07:00", "2027-01-01T00:00:00+07:00")
    assert (progress(2, 4), progress(5, 0), progress(3, None)) == (50, 100, None)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_an_account_of_one_station_never_gets_a_whole_database_action(role: Role, action: Action) -> None:
    whole_only = {
        Action.MANAGE_OFFICERS, Action.EDIT_SETTINGS, Action.VIEW_AUDIT, Action.VIEW_STATISTICS,
        Action.EXPORT_REPORT, Action.VIEW_PROVINCE, Action.SET_COMMUNE_TARGETS,
    }  # fmt: skip
    assert whole_only == WHOLE_DATABASE  # written out here: a page added to it by mistake fails
    expected = may(role, action) and action not in whole_only
    assert may(role, action, station_scoped=True) is expected


class FakeHub:
    def __init__(self, answers: dict[str, HubStatus], up: bool = True) -> None:
        self.answers, self.up, self.asked = answers, up, 0

    def look_up(self, tracking_code: str) -> HubStatus | None:
        self.asked += 1
        if not self.up:
            raise HubUnreachable("connection refused")
        return self.answers.get(tracking_code)

    def synced_at(self) -> dt.datetime | None:
        return NOW - dt.timedelta(minutes=42)


def test_the_lookup_asks_the_hub_first_and_says_how_old_its_own_copy_is() -> None:
    theirs, mine, neither = new_code(), new_code(), new_code()
    copy = {mine: StoredDossier(mine, "received", NOW, NOW, None)}
    hub = FakeHub({theirs: HubStatus("processing", "1.003677", NOW, NOW, "Đang xác minh")})
    lookup = StatusLookup(copy, None, hub, clock=lambda: NOW)
    found = lookup(theirs)
    assert (found.outcome, found.status, found.note, found.stale_minutes) == (
        LookupOutcome.FOUND, "processing", "Đang xác minh", None,
    )  # fmt: skip
    # Not at the hub yet (not delivered): this station's copy, as of its last sync.
    assert (lookup(mine).status, lookup(mine).stale_minutes) == ("received", 42)
    assert lookup(neither).outcome is LookupOutcome.UNKNOWN
    hub.up = False
    assert (lookup(mine).status, lookup(mine).stale_minutes) == ("received", 42)
    assert lookup(theirs).outcome is LookupOutcome.UNKNOWN  # only the hub knew it
    asked = hub.asked
    assert lookup("not a code").outcome is LookupOutcome.MISTYPED and hub.asked == asked
