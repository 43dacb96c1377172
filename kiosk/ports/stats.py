"""The statistics port: aggregated rows the core turns into report figures (`kiosk.stats`).

A repository answers with counts grouped in the database (`db/stats.py`: GROUP BY, never one row
per dossier), each keyed by the station's local calendar day as "YYYY-MM-DD". Local days are the
UTC moments shifted by `utc_offset`: the core asks once per stretch of days with one offset, so a
repository needs no time-zone database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DayRange:
    """Local days `first`..`last` (inclusive) and the station's offset from UTC on them."""

    first: dt.date
    last: dt.date
    utc_offset: dt.timedelta

    @property
    def start(self) -> dt.datetime:
        """The UTC moment the first local day starts."""
        return dt.datetime.combine(self.first, dt.time(), dt.UTC) - self.utc_offset

    @property
    def end(self) -> dt.datetime:
        """The UTC moment after the last local day ends (exclusive bound)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), dt.UTC) - self.utc_offset


@dataclass(frozen=True)
class SubmittedCount:
    """Dossiers submitted on `day` for `service_code`, assisted by an officer or not."""

    day: str
    service_code: str
    assisted: bool
    count: int


@dataclass(frozen=True)
class FinishedCount:
    """Dossiers finished (done or rejected) on `day`, submitted on `submitted_day`."""

    day: str
    service_code: str
    submitted_day: str
    count: int


@dataclass(frozen=True)
class SecondsCount:
    """`count` dossiers submitted on `day` (or of `service_code`) whose citizen spent `seconds`
    (rounded down to a multiple of the step asked for) at the kiosk."""

    day: str  # "" in the answer by service
    service_code: str  # "" in the answer by day
    seconds: int
    count: int


@dataclass(frozen=True)
class AbandonedCount:
    """Kiosk sessions started on `day` that ended without a submission, by the step they ended on."""

    day: str
    service_code: str  # "" when the citizen left before choosing a service
    last_step: str
    count: int


@dataclass(frozen=True)
class PurgedCount:
    """A `daily_counts` row: dossiers of a day purged by retention, by the status they had."""

    day: str
    service_code: str
    status: str
    count: int


@dataclass(frozen=True)
class TargetRow:
    period: str  # "2026-12", "2026-W49" or "2026-12-01"
    metric: str
    service_code: str  # "": every service
    target: int


class StatsSource(Protocol):
    """What the statistics need from storage, grouped by local day."""

    def submitted(self, days: DayRange) -> list[SubmittedCount]: ...

    def finished(self, days: DayRange) -> list[FinishedCount]:
        """Dossiers whose `finished_at` falls on the range; `submitted_day` in the same offset."""
        ...

    def kiosk_seconds_by_day(self, days: DayRange, step: int) -> list[SecondsCount]:
        """Submitted dossiers with a known `session_seconds`, by submission day and seconds."""
        ...

    def kiosk_seconds_by_service(self, days: DayRange, step: int) -> list[SecondsCount]:
        """The same over the whole range, by service and seconds."""
        ...

    def abandoned(self, days: DayRange) -> list[AbandonedCount]: ...

    def purged(self, first: dt.date, last: dt.date) -> list[PurgedCount]:
        """`daily_counts` rows of the days `first`..`last` (already in local days)."""
        ...

    def targets(self, periods: list[str]) -> list[TargetRow]: ...

    def station_name(self) -> str | None:
        """The name the station head set in the console (`station_settings` "name"), if any."""
        ...


@dataclass(frozen=True)
class ChangeMark:
    """Where the database's history stands, for `kiosk.stats_cache`: the newest `dossier_events`
    id, and the `daily_counts` rows and their total (a purge adds to them)."""

    newest_event: int
    purged_rows: int
    purged_total: int


class StatsChanges(Protocol):
    """What can still change the counts of a day that has ended, as the database records it."""

    def change_mark(self) -> ChangeMark: ...

    def finished_since(self, event_id: int) -> list[dt.datetime]:
        """The times (UTC) of the status changes to done or rejected after event `event_id`."""
        ...
