"""The province's pure rules (`kiosk.province`): the red list, targets, months."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from kiosk.province import (
    StationHealth,
    TargetProblem,
    check_period,
    check_target,
    month_bounds,
    progress,
    red_list,
)

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
