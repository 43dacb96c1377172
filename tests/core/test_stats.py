"""Report figures from a seeded station database equal the figures worked out by hand.

The seed straddles the traps: a dossier at 23:30 and one at 00:30 local time on either side of a
week's end (the second is still the previous day in UTC), a dossier of 1 January 00:30 local that
is 31 December in UTC, purged days counted from `daily_counts`, on time in working days across a
weekend, and targets of a month and of a week. The same seed runs on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from db import migrate
from db.engine import make_engine
from db.models import DailyCountRow, DossierRow, KioskSessionRow, StationSettingRow, TargetRow
from db.stats import SqlStats
from kiosk.stats import (
    NO_SERVICE,
    NOT_APPLICABLE,
    Figures,
    Grain,
    Metric,
    ServiceInfo,
    Statistics,
    StatsProblem,
    achieved_text,
    period_days,
    quantile,
    vi_decimal,
    vi_int,
    vi_percent,
    working_days_after,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
A = "1.004194"  # 3 working days
B = "2.001159"  # no processing days: "không áp dụng"
E = "1.011411"  # e-ID, 3 working days
SERVICES = [
    ServiceInfo(A, "Đăng ký tạm trú", 3),
    ServiceInfo(B, "Thông báo lưu trú"),
    ServiceInfo(E, "Tài khoản định danh điện tử", 3, eid=True),
]


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


# (service, submitted, assisted, status, finished, session seconds)
DOSSIERS = [
    (A, local(2026, 12, 6, 23, 30), True, "received", None, 305),  # Sunday: week 49; 300 s in 10 s steps
    (A, local(2026, 12, 7, 0, 30), False, "done", local(2026, 12, 10, 10, 0), 600),  # 6 Dec in UTC; W50; 3 wd
    (
        A,
        local(2026, 12, 4, 9, 0),
        False,
        "rejected",
        local(2026, 12, 10, 16, 0),
        900,
    ),  # Fri -> Thu: 4 wd, late
    (B, local(2026, 12, 8, 10, 0), True, "done", local(2026, 12, 8, 15, 0), 120),
    (E, local(2026, 12, 9, 8, 0), False, "received", None, 200),
    (E, local(2026, 12, 31, 23, 30), False, "processing", None, 1000),  # 16:30 UTC: in December
    (A, local(2027, 1, 1, 0, 30), False, "received", None, 50),  # 31 Dec 17:30 UTC: January
    (A, local(2026, 11, 30, 20, 0), False, "done", local(2026, 12, 1, 9, 0), 40),  # submitted in November
    (B, local(2026, 12, 10, 9, 0), False, "done", local(2027, 1, 4, 9, 0), None),  # finished in January
]
PURGED = [("2026-12-02", A, "done", 5), ("2026-12-02", B, "received", 2), ("2026-11-15", A, "done", 9)]
# (service, started, last step, outcome)
SESSIONS = [
    (A, local(2026, 12, 3, 10, 0), "card", "abandoned"),
    (A, local(2026, 12, 14, 10, 0), "card", "abandoned"),
    (E, local(2026, 12, 15, 10, 0), "review", "timed_out"),
    (A, local(2026, 12, 15, 11, 0), "review", "submitted"),
    (A, local(2026, 11, 30, 10, 0), "card", "abandoned"),
    ("", local(2026, 12, 16, 10, 0), "intro", "abandoned"),  # left before choosing a service
]
TARGETS = [
    ("2026-12", "dossiers", "", 20),
    ("2026-12", "eid_activations", "", 4),
    ("2026-W50", "dossiers", A, 4),
    ("2026-W49", "dossiers", "", 5),  # 30 Nov - 6 Dec: not wholly in December, not shown
    ("2026-11", "dossiers", "", 99),
]


def seed(engine: sa.Engine) -> None:
    with Session(engine) as session, session.begin():
        for i, (service, submitted, assisted, status, finished, seconds) in enumerate(DOSSIERS):
            session.add(
                DossierRow(
                    tracking_code=f"T{i:09d}",
                    service_code=service,
                    service_version=1,
                    station_id="HN-BD-01",
                    status=status,
                    submitted_at=submitted,
                    updated_at=submitted,
                    payload=b"sealed",
                    assisted_by="CB001" if assisted else None,
                    finished_at=finished,
                    session_seconds=seconds,
                )
            )
        for day, service, status, count in PURGED:
            session.add(DailyCountRow(day=day, service_code=service, status=status, count=count))
        for service, started, step, outcome in SESSIONS:
            session.add(
                KioskSessionRow(
                    kiosk_id="k1",
                    started_at=started,
                    ended_at=started + dt.timedelta(minutes=3),
                    service_code=service,
                    last_step=step,
                    outcome=outcome,
                    assisted=False,
                )
            )
        for period, metric, service, target in TARGETS:
            session.add(TargetRow(period=period, metric=metric, service_code=service, target=target))
        session.add(StationSettingRow(key="name", value="Công an xã Bình Đà"))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    seed(engine)
    yield engine
    engine.dispose()


def december(engine: sa.Engine, grain: Grain = Grain.MONTH) -> Figures:
    return Statistics(SqlStats(engine), SERVICES, VN).figures(
        dt.date(2026, 12, 1), dt.date(2026, 12, 31), grain
    )


def check_december(figures: Figures) -> None:
    total = figures.total
    # d1, d2, d3, d4, d5, d6 (31 Dec 23:30), d9 + 5 + 2 purged
    assert total.submitted == 14
    assert (total.assisted, total.alone) == (2, 12)
    # d2, d3, d4 + d8 (submitted in November, finished 1 Dec) + 5 purged "done"
    assert total.finished == 9
    # A: d2 on time (3 wd), d3 late (4 wd), d8 on time (1 wd); B not applicable
    assert (total.on_time, total.timed) == (2, 3)
    # seconds 120, 200, 300 (305 rounded down), 600, 900, 1000: median (300 + 600) / 2, p90 between
    # 900 and 1000
    assert total.median_seconds == 450
    assert total.p90_seconds == pytest.approx(950)
    assert total.abandoned == 4
    assert total.eid == 2
    a, b, e = (figures.row("", code) for code in (A, B, E))
    assert a is not None and b is not None and e is not None
    assert (a.submitted, a.finished, a.on_time, a.timed) == (8, 8, 2, 3)
    assert (b.submitted, b.finished, b.on_time) == (4, 1, None)
    assert (e.submitted, e.finished, e.on_time, e.on_time_share, e.eid) == (2, 0, 0, None, 2)
    assert figures.abandoned_steps == (("card", 2), ("intro", 1), ("review", 1))
    none = figures.row("", NO_SERVICE)
    assert none is not None and none.abandoned == 1 and none.service_name == "(chưa chọn dịch vụ)"
    assert [r.service_code for r in figures.totals] == [NO_SERVICE, A, E, B, ""]
    targets = [(t.period, t.metric, t.service_code, t.achieved, t.target, t.text) for t in figures.targets]
    assert targets == [
        ("2026-12", Metric.DOSSIERS, "", 14, 20, "14 / 20 — 70,00%"),
        ("2026-12", Metric.EID_ACTIVATIONS, "", 2, 4, "2 / 4 — 50,00%"),
        ("2026-W50", Metric.DOSSIERS, A, 1, 4, "1 / 4 — 25,00%"),  # d2 only: d1 is Sunday of W49
    ]


def test_december_by_hand(engine: sa.Engine) -> None:
    figures = december(engine)
    assert figures.periods == ("2026-12",)
    check_december(figures)
    month = figures.row("2026-12")
    assert month is not None and month.submitted == 14 and month.finished == 9


def test_weeks_follow_local_time(engine: sa.Engine) -> None:
    figures = december(engine, Grain.WEEK)
    assert figures.periods == ("2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53")
    submitted = {p: r.submitted for p in figures.periods if (r := figures.row(p)) is not None}
    # W49 (1-6 Dec): d1 (Sunday 23:30), d3, 7 purged; W50: d2 (Monday 00:30, Sunday in UTC), d4, d5, d9
    assert submitted == {"2026-W49": 9, "2026-W50": 4, "2026-W51": 0, "2026-W52": 0, "2026-W53": 1}
    w49, w50 = figures.row("2026-W49", A), figures.row("2026-W50", A)
    assert w49 is not None and w50 is not None
    assert (w49.submitted, w49.assisted) == (7, 1) and (w50.submitted, w50.assisted) == (1, 0)


def test_days_follow_local_time(engine: sa.Engine) -> None:
    figures = december(engine, Grain.DAY)
    assert len(figures.periods) == 31
    by_day = {p: r.submitted for p in figures.periods if (r := figures.row(p)) is not None and r.submitted}
    assert by_day == {
        "2026-12-02": 7,
        "2026-12-04": 1,
        "2026-12-06": 1,
        "2026-12-07": 1,
        "2026-12-08": 1,
        "2026-12-09": 1,
        "2026-12-10": 1,
        "2026-12-31": 1,
    }
    finished = {p: r.finished for p in figures.periods if (r := figures.row(p)) is not None and r.finished}
    assert finished == {"2026-12-01": 1, "2026-12-02": 5, "2026-12-08": 1, "2026-12-10": 2}


def test_a_day_in_another_zone_moves_the_boundary(engine: sa.Engine) -> None:
    """The zone is the station's, not UTC's: in UTC, d2 (7 Dec 00:30 in Hà Nội) is a Sunday."""
    stats = Statistics(SqlStats(engine), SERVICES, dt.UTC)
    figures = stats.figures(dt.date(2026, 12, 6), dt.date(2026, 12, 7), Grain.DAY)
    six, seven = figures.row("2026-12-06"), figures.row("2026-12-07")
    assert six is not None and seven is not None
    assert (six.submitted, seven.submitted) == (2, 0)


def test_nothing_in_range_gives_zeros_and_not_applicable(engine: sa.Engine) -> None:
    figures = Statistics(SqlStats(engine), SERVICES, VN).figures(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert figures.totals[-1].submitted == 0 and figures.total.on_time is None
    assert figures.total.median_seconds is None and figures.targets == ()


def test_wrong_ranges_are_refused(engine: sa.Engine) -> None:
    stats = Statistics(SqlStats(engine), SERVICES, VN)
    with pytest.raises(StatsProblem, match="before it starts"):
        stats.figures(dt.date(2026, 12, 31), dt.date(2026, 12, 1))
    with pytest.raises(StatsProblem, match="at most"):
        stats.figures(dt.date(2020, 1, 1), dt.date(2026, 12, 1))


def test_station_name_from_the_settings(engine: sa.Engine) -> None:
    assert SqlStats(engine).station_name() == "Công an xã Bình Đà"


def test_monthly_query_is_grouped_in_the_database(engine: sa.Engine) -> None:
    """The repository answers counts per local day, service and help, in the station's offset."""
    from kiosk.ports.stats import DayRange

    rows = SqlStats(engine).submitted(
        DayRange(dt.date(2026, 12, 1), dt.date(2026, 12, 31), dt.timedelta(hours=7))
    )
    assert sorted((r.day, r.service_code, r.assisted, r.count) for r in rows) == [
        ("2026-12-04", A, False, 1),
        ("2026-12-06", A, True, 1),
        ("2026-12-07", A, False, 1),
        ("2026-12-08", B, True, 1),
        ("2026-12-09", E, False, 1),
        ("2026-12-10", B, False, 1),
        ("2026-12-31", E, False, 1),
    ]


# -- pure helpers ------------------------------------------------------------------------------


def test_vietnamese_numbers() -> None:
    assert achieved_text(60905, 70636) == "60.905 / 70.636 — 86,22%"
    assert achieved_text(17460, 61284) == "17.460 / 61.284 — 28,49%"
    assert achieved_text(3487, 8496) == "3.487 / 8.496 — 41,04%"
    assert vi_int(1234567) == "1.234.567" and vi_decimal(1234.5) == "1.234,50"
    assert vi_percent(None) == "—" and achieved_text(5, 0) == "5 / 0 — —"


def test_working_days_skip_weekends() -> None:
    friday = dt.date(2026, 12, 4)
    assert working_days_after(friday, friday) == 0
    assert working_days_after(friday, dt.date(2026, 12, 6)) == 0  # Sunday
    assert working_days_after(friday, dt.date(2026, 12, 7)) == 1  # Monday
    assert working_days_after(friday, dt.date(2026, 12, 18)) == 10
    assert working_days_after(dt.date(2026, 12, 7), dt.date(2026, 12, 10)) == 3


def test_quantiles_interpolate() -> None:
    assert quantile({}, 0.5) is None
    assert quantile({10: 1, 20: 1, 30: 1, 40: 1}, 0.5) == 25
    assert quantile({7: 3}, 0.9) == 7
    assert quantile({1: 9, 100: 1}, 0.9) == pytest.approx(10.9)


def test_periods() -> None:
    assert period_days("2026-12") == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert period_days("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_days("2026-W49") == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert period_days("2026-12-01") == (dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    assert period_days("December") is None


def test_not_applicable_wording() -> None:
    assert NOT_APPLICABLE == "không áp dụng"


# -- PostgreSQL --------------------------------------------------------------------------------


def test_the_same_figures_on_postgresql(pg_url: str) -> None:
    url = pg_url
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:  # a session zone other than UTC must not move the days
            name = sa.make_url(url).database
            conn.exec_driver_sql(f"ALTER DATABASE {name} SET timezone TO 'America/New_York'")
            conn.commit()
        seed(engine)
        engine.dispose()
        check_december(december(engine))
        weeks = december(engine, Grain.WEEK)
        w50 = weeks.row("2026-W50")
        assert w50 is not None and w50.submitted == 4
    finally:
        engine.dispose()


# -- the catalog's deadlines -------------------------------------------------------------------


def test_processing_days_agree_with_the_texts() -> None:
    from kiosk.catalog import load_catalog

    catalog = load_catalog()
    with_days = [s for s in catalog.services if s.processing_days is not None]
    assert len(with_days) >= 10
    for service in with_days:
        assert f"{service.processing_days} ngày làm việc" in service.processing_time.get("vi"), service.code
    assert [s.code for s in catalog.services if s.eid_activation] == ["1.011411"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("processing_days = 0", "processing_days must be a whole number"),
        ('processing_days = "7"', "processing_days must be a whole number"),
        ("eid_activation = 1", "eid_activation must be true or false"),
    ],
)
def test_bad_processing_days_are_named(tmp_path: Path, line: str, problem: str) -> None:
    from importlib.resources import files

    from kiosk.catalog import check_catalog

    text = files("resources.services").joinpath("khai_bao_tam_vang.toml").read_text("utf-8")
    (tmp_path / "khai_bao_tam_vang.toml").write_text(
        text.replace('slug = "', f'{line}\nslug = "', 1), "utf-8"
    )
    _, problems = check_catalog(tmp_path)
    assert any(problem in p for p in problems), problems
