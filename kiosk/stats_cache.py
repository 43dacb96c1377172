"""The counts of days that have ended, kept between views of the statistics page.

A month's figures are a second of GROUP BYs at 1,000,000 dossiers; a day that has ended does not
change, so the console keeps its counts (a `StatsSource` in front of the database's) and asks the
database only for the days still open, plus two cheap reads that say whether an ended day changed:

- a day counts as ended `SETTLE` after its local midnight: longer than a kiosk session lives, so
  an abandoned session begun before midnight (written when it ends) is in before its day is kept;
- dossiers are submitted now, and an officer's status change finishes a dossier now: neither
  touches an ended day. A status change that finishes a dossier at an earlier time does (the
  hub's answers reach a station later, with the hub's time: `db/hub.py`); each one is a
  `dossier_events` row with that time, so the kept ranges holding the time of any final status
  change newer than the last one seen are dropped;
- a purge (`kiosk.retention`) moves dossiers into `daily_counts` (no timings then): any change
  there drops everything, and so does a newest event id going back (a restored backup);
- targets, purged counts and the station's name are not kept: small tables, read each time.

Any process may make these changes (the worker pulls the hub's answers and purges): the marks
are read from the database, never from this process's memory. The rule assumes event ids grow in
commit order, as they do on SQLite (one writer at a time), the station's database.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from kiosk.ports.clock import Clock
from kiosk.ports.stats import (
    AbandonedCount,
    ChangeMark,
    DayRange,
    FinishedCount,
    PurgedCount,
    SecondsCount,
    StatsChanges,
    StatsSource,
    SubmittedCount,
    TargetRow,
)

SETTLE = dt.timedelta(hours=1)  # after its midnight, a day's counts no longer move
MAX_KEPT = 512  # ranges kept (a handful of queries each); the least recently used go first
_DAY = dt.timedelta(days=1)

Counts = TypeVar("Counts")


class ClosedDaysCache:
    """A `StatsSource` that keeps what `source` answered for ended days (see the module)."""

    def __init__(
        self,
        source: StatsSource,
        changes: StatsChanges,
        clock: Clock,
        tz: dt.tzinfo,
        settle: dt.timedelta = SETTLE,
    ) -> None:
        self._source = source
        self._changes = changes
        self._clock = clock
        self._tz = tz
        self._settle = settle
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[Any, ...], tuple[DayRange, list[Any]]] = OrderedDict()
        self._mark: ChangeMark | None = None
        self._generation = 0  # one more each time kept counts are dropped (`ended_generation`)
        self.computed = 0  # answers asked of the source for ended days (for tests and benches)

    # -- what changed since the last look -------------------------------------------------------

    def _look(self) -> ChangeMark:
        """The database's mark now, after dropping the kept ranges it says changed."""
        mark = self._changes.change_mark()
        with self._lock:
            seen = self._mark
        finished: list[dt.datetime] = []
        if seen is not None and mark.newest_event > seen.newest_event:
            finished = self._changes.finished_since(seen.newest_event)
        with self._lock:
            purged = seen is None or (mark.purged_rows, mark.purged_total) != (
                seen.purged_rows,
                seen.purged_total,
            )
            if purged or mark.newest_event < seen.newest_event:  # type: ignore[union-attr]
                self._kept.clear()
                self._generation += 1
            else:
                changed = [
                    key
                    for key, (days, _counts) in self._kept.items()
                    if any(days.start <= at < days.end for at in finished)
                ]
                for key in changed:
                    del self._kept[key]
                self._generation += 1 if changed else 0
            if self._mark == seen:  # another thread may have looked meanwhile: keep the newest
                self._mark = mark
            return mark

    def ended_generation(self, last: dt.date) -> int | None:
        """None while `last` has not ended; else, after a look at the database, a number that
        changes whenever kept counts are dropped (`kiosk.stats.Statistics` keeps whole figures of
        ended ranges by it). Ranges let go for room do not count: what they said still holds."""
        if last >= self._first_open_day():
            return None
        self._look()
        with self._lock:
            return self._generation

    def _first_open_day(self) -> dt.date:
        return (self._clock().astimezone(self._tz) - self._settle).date()

    def _counts(
        self, kind: str, days: DayRange, ask: Callable[[DayRange], list[Counts]], *extra: object
    ) -> list[Counts]:
        open_from = self._first_open_day()
        if days.first >= open_from:
            return ask(days)
        ended = days if days.last < open_from else DayRange(days.first, open_from - _DAY, days.utc_offset)
        key = (kind, ended, *extra)
        mark = self._look()
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
        if found is None:
            counts = ask(ended)
            self.computed += 1
            with self._lock:
                # Kept only if nobody saw a change while it was counted: else the next view counts.
                if self._mark == mark:
                    self._kept[key] = (ended, counts)
                    while len(self._kept) > MAX_KEPT:
                        self._kept.popitem(last=False)
            found = (ended, counts)
        if ended is days:
            return list(found[1])
        return [*found[1], *ask(DayRange(open_from, days.last, days.utc_offset))]

    # -- StatsSource ----------------------------------------------------------------------------

    def submitted(self, days: DayRange) -> list[SubmittedCount]:
        return self._counts("submitted", days, self._source.submitted)

    def finished(self, days: DayRange) -> list[FinishedCount]:
        return self._counts("finished", days, self._source.finished)

    def kiosk_seconds_by_day(self, days: DayRange, step: int) -> list[SecondsCount]:
        return self._counts("seconds_day", days, lambda d: self._source.kiosk_seconds_by_day(d, step), step)

    def kiosk_seconds_by_service(self, days: DayRange, step: int) -> list[SecondsCount]:
        return self._counts(
            "seconds_service", days, lambda d: self._source.kiosk_seconds_by_service(d, step), step
        )

    def abandoned(self, days: DayRange) -> list[AbandonedCount]:
        return self._counts("abandoned", days, self._source.abandoned)

    def purged(self, first: dt.date, last: dt.date) -> list[PurgedCount]:
        return self._source.purged(first, last)

    def targets(self, periods: list[str]) -> list[TargetRow]:
        return self._source.targets(periods)

    def station_name(self) -> str | None:
        return self._source.station_name()
