"""Which days and times a citizen can book: from the station's opening days and slots (config)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class AppointmentSettings:
    """From the ``appointment.*`` config keys (their defaults are written there), built by the root."""

    days_ahead: int
    slots: tuple[str, ...]
    weekdays: tuple[str, ...]

    def open_days(self, today: dt.date) -> list[dt.date]:
        """Open days from tomorrow to `days_ahead` days out (the visit needs preparation)."""
        days = (today + dt.timedelta(days=n) for n in range(1, self.days_ahead + 1))
        return [day for day in days if WEEKDAY_KEYS[day.weekday()] in self.weekdays]
