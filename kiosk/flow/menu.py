"""The order of the services on the menu: the station's busiest first (issue 11).

A commune station near a university takes mostly temporary residence; one in a tourist town
mostly lodging notices. The counts are the station's own stored dossiers per service; ties and
services never used keep the catalog's order (its `order` key, then group)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kiosk.catalog import Service


def busiest_first(services: Sequence[Service], counts: Mapping[str, int]) -> tuple[str, ...]:
    """Service codes, most dossiers first; `services` in catalog order breaks ties."""
    position = {service.code: index for index, service in enumerate(services)}
    ranked = sorted(services, key=lambda s: (-counts.get(s.code, 0), position[s.code]))
    return tuple(service.code for service in ranked)
