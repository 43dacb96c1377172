"""The order of the services on the menu: the station's busiest first (issue 11).

A commune station near a university takes mostly temporary residence; one in a tourist town
mostly lodging notices. The counts are the station's own stored dossiers per service; ties and
services never used keep the catalog's order (its `order` key, then group)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from kiosk.catalog import Service
from kiosk.ports.stats import StatsSource
from kiosk.stats import day_ranges

COUNTED_DAYS = 90  # a season: long enough to be steady, short enough to follow a new university year


def busiest_first(services: Sequence[Service], counts: Mapping[str, int]) -> tuple[str, ...]:
    """Service codes, most dossiers first; `services` in catalog order breaks ties."""
    position = {service.code: index for index, service in enumerate(services)}
    ranked = sorted(services, key=lambda s: (-counts.get(s.code, 0), position[s.code]))
    return tuple(service.code for service in ranked)


def recent_counts(source: StatsSource, today: dt.date, zone: dt.tzinfo) -> dict[str, int]:
    """Dossiers submitted at this station per service over the last `COUNTED_DAYS` days."""
    counts: dict[str, int] = {}
    for days in day_ranges(today - dt.timedelta(days=COUNTED_DAYS - 1), today, zone):
        for row in source.submitted(days):
            counts[row.service_code] = counts.get(row.service_code, 0) + row.count
    return counts
