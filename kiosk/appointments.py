"""Which days and times a citizen can book: from the station's opening days and slots (config)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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

    def accepts(self, booking: Mapping[str, Any], today: dt.date) -> bool:
        """Whether `booking` ({"date": ISO, "time": "HH:MM"}) is one of the days and times offered:
        the same `open_days` the picker shows, so a day never offered (today) is never accepted."""
        try:
            day = dt.date.fromisoformat(str(booking.get("date", "")))
        except ValueError:
            return False
        return day in self.open_days(today) and booking.get("time") in self.slots
