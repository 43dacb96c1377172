"""Station records by request key id, kept for a second or so in each hub process.

Every signed request needs its station's record (public key, revocation) before anything else;
asking PostgreSQL each time was one round trip per request (bench/README_hub.md). A record is
kept `ttl` at most, so a revocation (`kiosk hub revoke`, made by another process) reaches every
hub process within `ttl`: that is the bound the docs state (docs/hub-province.md) and a test
holds. An unknown key is never kept: a station enrolling just now is seen at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from db.hub import StationRecord

KEY_CACHE_SECONDS = 1.0  # how long a revocation may take to reach a hub process
MAX_ENTRIES = 10_000  # ~100 stations a province; a flood of keys must not grow the process


class StationKeyCache:
    def __init__(
        self,
        lookup: Callable[[str], StationRecord | None],
        ttl_seconds: float = KEY_CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lookup = lookup
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._kept: dict[str, tuple[float, StationRecord]] = {}
        self._lock = threading.Lock()  # the API's thread pool asks from several threads

    def station(self, key_id: str) -> StationRecord | None:
        now = self._monotonic()
        with self._lock:
            kept = self._kept.get(key_id)
        if kept is not None and now - kept[0] < self._ttl:
            return kept[1]
        record = self._lookup(key_id)
        with self._lock:
            if record is None or self._ttl <= 0:
                self._kept.pop(key_id, None)
            else:
                if len(self._kept) >= MAX_ENTRIES:
                    self._kept.clear()
                self._kept[key_id] = (now, record)
        return record

    def forget(self, station_id: str) -> None:
        """This process revoked or re-enrolled the station: drop its record now, not in `ttl`."""
        with self._lock:
            for key_id in [k for k, (_, r) in self._kept.items() if r.station_id == station_id]:
                del self._kept[key_id]
