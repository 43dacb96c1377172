"""What the province console needs from the hub's tables (`db/province.py` implements it)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from kiosk.province import ChangeRecord, RefusedDelivery, StationHealth


class ProvinceRepository(Protocol):
    def stations(self) -> list[StationHealth]:
        """Every enrolled station with its newest heartbeat, by commune then name."""
        ...

    def open_by_station(self) -> dict[str, dict[str, int]]:
        """Each station's dossiers not yet done or rejected, by status."""
        ...

    def submitted(
        self, since: dt.datetime, until: dt.datetime, by: str, commune: str = ""
    ) -> dict[str, dict[str, int]]:
        """Dossiers submitted in [since, until) per commune or per service ("commune"/"service")."""
        ...

    def targets(self, period: str) -> dict[str, int]: ...

    def set_target(self, period: str, commune: str, target: int, by: str) -> None: ...

    def communes(self) -> list[str]: ...

    def changes(self, outcome: str = "", limit: int = 50) -> list[ChangeRecord]: ...


class StationChangeLog(Protocol):
    """At a station delivering to a hub: its officers' changes sent there, and the answers."""

    def answers(self, limit: int = 100) -> list[ChangeRecord]: ...

    def refused_deliveries(self, limit: int = 100) -> list[RefusedDelivery]: ...

    def waiting(self) -> int: ...
