"""Statistics for officers and upward reports: per day, week or month and per service.

The figures come from counts the database grouped by local day (`kiosk.ports.stats`): dossiers
submitted (alone or with an officer's help), finished, finished on time, the time citizens spent
at the kiosk, sessions abandoned and at which step, e-ID activations helped, each against the
station head's targets (chỉ tiêu). Dossiers purged by retention still count as submitted and
finished, through `daily_counts` (their timings are gone: they count in no on-time or time figure).

Conventions, stated once here:
- days are the station's local calendar days (`tz`, Asia/Ho_Chi_Minh at a station); weeks are ISO
  weeks (Monday to Sunday, "2026-W49"), months "2026-12";
- "finished" is done or rejected; "on time" means within the service's processing days in the
  catalog, counted in working days (Monday to Friday, public holidays not known here) after the day
  of submission; a service without processing days is "không áp dụng" (not applicable);
- time at the kiosk is counted in steps of `SECONDS_STEP` (10 s, rounded down), per day for all
  services and per service over the whole report; median and p90 interpolate between the two
  nearest values (the usual definition: the median of 10, 20, 30, 40 s is 25 s).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from kiosk.ports.stats import DayRange, PurgedCount, StatsSource

FINISHED_STATUSES = frozenset({"done", "rejected"})
NOT_APPLICABLE = "không áp dụng"
ALL_SERVICES = ""  # service code of the rows and targets that cover every service
NO_SERVICE = "-"  # the row of sessions abandoned before a service was chosen (stored as "")
SECONDS_STEP = 10  # time at the kiosk, rounded down to this (keeps the histograms short)
MAX_DAYS = 3 * 366  # a report longer than this is a mistyped date, not a report


class StatsProblem(Exception):
    """A report that cannot be made as asked (dates the wrong way round, too long a range)."""


class Grain(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Metric(enum.StrEnum):
    """What a target (`targets.metric`) counts."""

    DOSSIERS = "dossiers"  # submitted
    FINISHED = "finished"
    ON_TIME = "on_time"
    ASSISTED = "assisted"
    EID_ACTIVATIONS = "eid_activations"


METRIC_LABELS: Mapping[Metric, str] = {
    Metric.DOSSIERS: "Hồ sơ tiếp nhận",
    Metric.FINISHED: "Hồ sơ đã giải quyết",
    Metric.ON_TIME: "Giải quyết đúng hạn",
    Metric.ASSISTED: "Hồ sơ có cán bộ hỗ trợ",
    Metric.EID_ACTIVATIONS: "Kích hoạt định danh điện tử",
}


@dataclass(frozen=True)
class ServiceInfo:
    """What the report knows of a service from the catalog."""

    code: str
    name: str
    processing_days: int | None = None  # working days; None: the catalog gives none
    eid: bool = False  # its dossiers are e-ID (VNeID) activations


def period_of(day: dt.date, grain: Grain) -> str:
    if grain is Grain.DAY:
        return day.isoformat()
    if grain is Grain.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"


def period_days(period: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a period written as `period_of` writes it; None if malformed."""
    try:
        if "-W" in period:
            year, week = period.split("-W")
            first = dt.date.fromisocalendar(int(year), int(week), 1)
            return first, first + dt.timedelta(days=6)
        if len(period) == 7:
            first = dt.date.fromisoformat(period + "-01")
            after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return first, after - dt.timedelta(days=1)
        day = dt.date.fromisoformat(period)
        return day, day
    except ValueError:
        return None


def days_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


@functools.lru_cache(maxsize=65536)  # a month's finished counts ask the same pairs of days again
def working_days_after(start: dt.date, end: dt.date) -> int:
    """Working days (Monday to Friday) after `start` up to and including `end`."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    extra = sum(1 for i in range(1, rest + 1) if (start + dt.timedelta(days=i)).weekday() < 5)
    return full_weeks * 5 + extra


def quantile(histogram: Mapping[int, int], q: float) -> float | None:
    """The q-quantile of values given as {value: count}, interpolating linearly; None if empty."""
    n = sum(histogram.values())
    if n == 0:
        return None
    position = (n - 1) * q
    below, above = math.floor(position), math.ceil(position)

    def at(index: int) -> int:
        seen = 0
        for value in sorted(histogram):
            seen += histogram[value]
            if index < seen:
                return value
        raise AssertionError("index past the histogram")

    low, high = at(below), at(above)
    return low + (high - low) * (position - below)


@dataclass
class Tally:
    """The figures of one service (or all) over one period: sums of daily tallies."""

    submitted: int = 0
    assisted: int = 0
    finished: int = 0
    timed: int = 0  # finished dossiers of services with processing days (on-time denominator)
    on_time: int = 0
    applicable: bool = False  # some counted service has processing days
    abandoned: int = 0
    eid: int = 0
    seconds: Counter[int] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.submitted += other.submitted
        self.assisted += other.assisted
        self.finished += other.finished
        self.timed += other.timed
        self.on_time += other.on_time
        self.applicable |= other.applicable
        self.abandoned += other.abandoned
        self.eid += other.eid
        self.seconds.update(other.seconds)

    def achieved(self, metric: Metric) -> int:
        return {
            Metric.DOSSIERS: self.submitted,
            Metric.FINISHED: self.finished,
            Metric.ON_TIME: self.on_time,
            Metric.ASSISTED: self.assisted,
            Metric.EID_ACTIVATIONS: self.eid,
        }[metric]


@dataclass(frozen=True)
class Row:
    """One line of a report: a period ("" for the whole range) and a service ("" for all)."""

    period: str
    service_code: str
    service_name: str
    submitted: int
    assisted: int
    finished: int
    on_time: int | None  # None: not applicable (no processing days known)
    timed: int
    median_seconds: float | None
    p90_seconds: float | None
    abandoned: int
    eid: int

    @property
    def alone(self) -> int:
        return self.submitted - self.assisted

    @property
    def on_time_share(self) -> float | None:
        return None if self.on_time is None or self.timed == 0 else self.on_time / self.timed


@dataclass(frozen=True)
class TargetLine:
    period: str
    metric: Metric
    service_code: str
    service_name: str
    achieved: int
    target: int

    @property
    def label(self) -> str:
        label = METRIC_LABELS[self.metric]
        return f"{label} — {self.service_name}" if self.service_code else label

    @property
    def share(self) -> float | None:
        return self.achieved / self.target if self.target > 0 else None

    @property
    def text(self) -> str:
        return achieved_text(self.achieved, self.target)


@dataclass(frozen=True)
class Figures:
    first: dt.date
    last: dt.date
    grain: Grain
    periods: tuple[str, ...]  # in order
    rows: tuple[Row, ...]  # per period, each with every service seen then its all-services row
    totals: tuple[Row, ...]  # the whole range: every service seen, then all services
    abandoned_steps: tuple[tuple[str, int], ...]  # (step, sessions), most first
    targets: tuple[TargetLine, ...]
    station_name: str = ""

    @property
    def total(self) -> Row:
        return self.totals[-1]

    def row(self, period: str, service_code: str = ALL_SERVICES) -> Row | None:
        source = self.totals if period == "" else self.rows
        return next((r for r in source if r.period == period and r.service_code == service_code), None)


# -- Vietnamese number formatting --------------------------------------------------------------


def vi_int(value: int) -> str:
    """60905 -> "60.905": Vietnamese groups thousands with dots."""
    return f"{value:,}".replace(",", ".")


def vi_decimal(value: float, places: int = 2) -> str:
    """86.2237 -> "86,22": a decimal comma, thousands with dots."""
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vi_percent(share: float | None) -> str:
    return "—" if share is None else f"{vi_decimal(share * 100)}%"


def achieved_text(achieved: int, target: int) -> str:
    """Achieved / target — share: "60.905 / 70.636 — 86,22%"."""
    share = achieved / target if target > 0 else None
    return f"{vi_int(achieved)} / {vi_int(target)} — {vi_percent(share)}"


def seconds_text(seconds: float | None) -> str:
    """372.5 -> "6 phút 13 giây"; None -> "—"."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{minutes} phút {rest:02d} giây" if minutes else f"{rest} giây"


# -- computing the figures ---------------------------------------------------------------------


def day_ranges(first: dt.date, last: dt.date, tz: dt.tzinfo) -> list[DayRange]:
    """The local days split into stretches with one UTC offset each (one, where there is no DST)."""
    ranges: list[DayRange] = []
    for day in days_between(first, last):
        offset = dt.datetime.combine(day, dt.time(12), tz).utcoffset() or dt.timedelta()
        if ranges and ranges[-1].utc_offset == offset:
            ranges[-1] = DayRange(ranges[-1].first, day, offset)
        else:
            ranges.append(DayRange(day, day, offset))
    return ranges


@dataclass
class _Seconds:
    """Time-at-kiosk histograms: per day for all services, per service for the whole range (a
    histogram per day and service would be nearly a row per dossier at a busy station)."""

    by_day: dict[dt.date, Counter[int]] = field(default_factory=dict)
    by_service: dict[str, Counter[int]] = field(default_factory=dict)

    def into(self, sums: dict[tuple[str, str], Tally], grain: Grain) -> None:
        for day, histogram in self.by_day.items():
            key = (period_of(day, grain), ALL_SERVICES)
            sums.setdefault(key, Tally()).seconds.update(histogram)
        for code, histogram in self.by_service.items():
            sums.setdefault(("", code), Tally()).seconds.update(histogram)
            sums.setdefault(("", ALL_SERVICES), Tally()).seconds.update(histogram)


KEPT_FIGURES = 64  # whole ended reports kept (a month by day is ~600 rows); least recent go first


class Statistics:
    """Computes `Figures` from a `StatsSource`, with the catalog's services and the station's zone.

    `ended(last)`, when given (`kiosk.stats_cache.ClosedDaysCache.ended_generation`), says whether
    every day up to `last` has ended and which generation of kept counts answers for them: the
    figures of such a range are then kept whole, and given again while the generation, the purged
    counts and the targets (both read at every view) are the same. Counting a month afresh from
    kept counts is ~35 ms of Python (bench/README_console.md); a kept one costs those reads."""

    def __init__(
        self,
        source: StatsSource,
        services: Iterable[ServiceInfo],
        tz: dt.tzinfo,
        ended: Callable[[dt.date], int | None] | None = None,
    ) -> None:
        self._source = source
        self._services = {s.code: s for s in services}
        self._tz = tz
        self._ended = ended
        self._kept: OrderedDict[tuple[object, ...], tuple[object, Figures]] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # figures counted, not given again (tests, benches)

    def service(self, code: str) -> ServiceInfo:
        if code == NO_SERVICE:
            return ServiceInfo(code, "(chưa chọn dịch vụ)")
        return self._services.get(code) or ServiceInfo(code, code)

    def figures(
        self, first: dt.date, last: dt.date, grain: Grain = Grain.DAY, station_name: str = ""
    ) -> Figures:
        if last < first:
            raise StatsProblem(f"the report ends ({last}) before it starts ({first})")
        if (last - first).days >= MAX_DAYS:
            raise StatsProblem(f"a report covers at most {MAX_DAYS} days")
        generation = self._ended(last) if self._ended is not None else None
        if generation is None:
            return self._figures(first, last, grain, station_name, self._source.purged(first, last))
        purged = self._source.purged(first, last)
        inside, _spans = self._target_periods(first, last)
        # Read before counting: a change made meanwhile gives the next view another stamp.
        stamp = (generation, tuple(purged), tuple(self._source.targets(inside)))
        key = (first, last, grain, station_name)
        with self._lock:
            found = self._kept.get(key)
            if found is not None and found[0] == stamp:
                self._kept.move_to_end(key)
                return found[1]
        figures = self._figures(first, last, grain, station_name, purged)
        with self._lock:
            self._kept[key] = (stamp, figures)
            self._kept.move_to_end(key)
            while len(self._kept) > KEPT_FIGURES:
                self._kept.popitem(last=False)
        return figures

    def _figures(
        self, first: dt.date, last: dt.date, grain: Grain, station_name: str, purged: list[PurgedCount]
    ) -> Figures:
        self.computed += 1
        daily, steps, seconds = self._daily(first, last, purged)
        periods = tuple(dict.fromkeys(period_of(d, grain) for d in days_between(first, last)))
        codes = sorted({code for _, code in daily})
        sums = self._sums(daily, grain)
        seconds.into(sums, grain)
        rows = [row for period in periods for row in self._rows(period, codes, sums)]
        totals = self._rows("", codes, sums)
        return Figures(
            first,
            last,
            grain,
            periods,
            tuple(rows),
            tuple(totals),
            tuple(sorted(steps.items(), key=lambda item: (-item[1], item[0]))),
            tuple(self._targets(first, last, daily)),
            station_name,
        )

    # Tallies per (local day, service code), from every query of the source.
    def _daily(
        self, first: dt.date, last: dt.date, purged: list[PurgedCount]
    ) -> tuple[dict[tuple[dt.date, str], Tally], Counter[str], _Seconds]:
        daily: dict[tuple[dt.date, str], Tally] = {}
        steps: Counter[str] = Counter()
        seconds = _Seconds()

        def tally(day: str, code: str) -> Tally:
            key = (dt.date.fromisoformat(day), code)
            if key not in daily:
                daily[key] = Tally(applicable=self.service(code).processing_days is not None)
            return daily[key]

        for days in day_ranges(first, last, self._tz):
            for s in self._source.submitted(days):
                t = tally(s.day, s.service_code)
                t.submitted += s.count
                t.assisted += s.count if s.assisted else 0
                t.eid += s.count if self.service(s.service_code).eid else 0
            for f in self._source.finished(days):
                t = tally(f.day, f.service_code)
                t.finished += f.count
                limit = self.service(f.service_code).processing_days
                if limit is not None:
                    t.timed += f.count
                    taken = working_days_after(
                        dt.date.fromisoformat(f.submitted_day), dt.date.fromisoformat(f.day)
                    )
                    t.on_time += f.count if taken <= limit else 0
            for k in self._source.kiosk_seconds_by_day(days, SECONDS_STEP):
                seconds.by_day.setdefault(dt.date.fromisoformat(k.day), Counter())[k.seconds] += k.count
            for k in self._source.kiosk_seconds_by_service(days, SECONDS_STEP):
                seconds.by_service.setdefault(k.service_code, Counter())[k.seconds] += k.count
            for a in self._source.abandoned(days):
                tally(a.day, a.service_code or NO_SERVICE).abandoned += a.count
                steps[a.last_step or "(chưa rõ)"] += a.count
        for p in purged:
            t = tally(p.day, p.service_code)
            t.submitted += p.count
            t.eid += p.count if self.service(p.service_code).eid else 0
            t.finished += p.count if p.status in FINISHED_STATUSES else 0
        return daily, steps, seconds

    def _sums(self, daily: Mapping[tuple[dt.date, str], Tally], grain: Grain) -> dict[tuple[str, str], Tally]:
        """Each daily tally added once into its period's and the whole range's, per service and for
        all services: keys (period, code), "" standing for the whole range and for all services."""
        sums: dict[tuple[str, str], Tally] = {}
        for (day, code), t in daily.items():
            period = period_of(day, grain)
            for key in ((period, code), (period, ALL_SERVICES), ("", code), ("", ALL_SERVICES)):
                if key not in sums:
                    sums[key] = Tally(
                        applicable=bool(key[1]) and self.service(code).processing_days is not None
                    )
                sums[key].add(t)
        return sums

    def _rows(self, period: str, codes: list[str], sums: Mapping[tuple[str, str], Tally]) -> list[Row]:
        """A row per service, then the all-services row."""
        rows = [
            self._row(period, code, self.service(code).name, sums.get((period, code)) or self._empty(code))
            for code in codes
        ]
        rows.append(
            self._row(period, ALL_SERVICES, "Tất cả dịch vụ", sums.get((period, ALL_SERVICES)) or Tally())
        )
        return rows

    def _empty(self, code: str) -> Tally:
        return Tally(applicable=self.service(code).processing_days is not None)

    @staticmethod
    def _row(period: str, code: str, name: str, t: Tally) -> Row:
        return Row(
            period,
            code,
            name,
            t.submitted,
            t.assisted,
            t.finished,
            t.on_time if t.applicable else None,
            t.timed,
            quantile(t.seconds, 0.5),
            quantile(t.seconds, 0.9),
            t.abandoned,
            t.eid,
        )

    @staticmethod
    def _target_periods(
        first: dt.date, last: dt.date
    ) -> tuple[list[str], dict[str, tuple[dt.date, dt.date] | None]]:
        """The days, weeks and months lying wholly within the range, and every period's days."""
        periods = list(
            dict.fromkeys(
                period_of(d, g)
                for g in (Grain.MONTH, Grain.WEEK, Grain.DAY)
                for d in days_between(first, last)
            )
        )
        spans = {p: period_days(p) for p in periods}
        inside = [
            p for p in periods if (span := spans[p]) is not None and first <= span[0] and span[1] <= last
        ]
        return inside, spans

    def _targets(
        self, first: dt.date, last: dt.date, daily: Mapping[tuple[dt.date, str], Tally]
    ) -> Iterator[TargetLine]:
        """The targets of every day, week and month lying wholly within the report's range."""
        inside, spans = self._target_periods(first, last)
        order = {p: i for i, p in enumerate(inside)}
        metrics = {m.value: m for m in Metric}
        rows = [t for t in self._source.targets(inside) if t.metric in metrics and t.period in order]
        for t in sorted(rows, key=lambda r: (order[r.period], list(metrics).index(r.metric), r.service_code)):
            span = spans[t.period]
            assert span is not None
            sums = Tally()
            for (day, code), tally in daily.items():
                if span[0] <= day <= span[1] and t.service_code in (ALL_SERVICES, code):
                    sums.add(tally)
            metric = metrics[t.metric]
            name = self.service(t.service_code).name if t.service_code else ""
            yield TargetLine(t.period, metric, t.service_code, name, sums.achieved(metric), t.target)
