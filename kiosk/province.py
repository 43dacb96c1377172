"""The province's view of its stations: their health from heartbeats, the red list, targets.

Pure rules; the hub's tables are read by `db/province.py` and shown by the province console
(`console/routes/province.py`). A station is on the **red list** when the hub has not heard from
it for more than `OFFLINE_AFTER` (or never since it enrolled), or its last heartbeat says the
receipt printer is out of paper: both leave citizens without a slip until someone goes there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

OFFLINE_AFTER = dt.timedelta(hours=1)
HEARTBEAT_EVERY_S = 300.0  # a station says it is alive every 5 minutes: 12 misses make it red
MAX_TARGET = 1_000_000
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class DeviceState:
    ok: bool
    state: str  # e.g. "ready", "paper_out", "ok", "fault"
    detail: str = ""


@dataclass(frozen=True)
class StationHealth:
    """One enrolled station as the province console lists it."""

    station_id: str
    commune: str
    name: str
    revoked: bool
    heard_at: dt.datetime | None  # the hub's clock when its newest heartbeat arrived
    version: str = ""
    backlog: int = 0
    paper_out: bool = False
    devices: Mapping[str, DeviceState] = field(default_factory=dict)


@dataclass(frozen=True)
class RedLine:
    station: StationHealth
    reasons: tuple[str, ...]  # Vietnamese, for the console


def _ago(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} phút"
    hours = minutes // 60
    return f"{hours} giờ" if hours < 48 else f"{hours // 24} ngày"


def red_reasons(
    station: StationHealth, now: dt.datetime, offline_after: dt.timedelta = OFFLINE_AFTER
) -> list[str]:
    """Why `station` needs someone's attention now (empty: it does not)."""
    if station.revoked:
        return []  # no longer a station of the province
    reasons = []
    if station.heard_at is None:
        reasons.append("Chưa gửi tín hiệu nào từ khi đăng ký")
    elif now - station.heard_at > offline_after:
        reasons.append(f"Mất liên lạc {_ago(now - station.heard_at)}")
    if station.paper_out:
        reasons.append("Máy in hết giấy")
    return reasons


def red_list(
    stations: Iterable[StationHealth], now: dt.datetime, offline_after: dt.timedelta = OFFLINE_AFTER
) -> list[RedLine]:
    """Stations offline for more than `offline_after` or out of paper, longest silent first."""
    lines = [RedLine(s, tuple(r)) for s in stations if (r := red_reasons(s, now, offline_after))]
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(lines, key=lambda line: (line.station.heard_at or oldest, line.station.station_id))


APPLIED, REFUSED, NOT_HERE = "applied", "refused", "not_here"


@dataclass(frozen=True)
class ChangeAnswer:
    outcome: str  # applied / refused / not_here (the dossier has not reached the hub yet)
    reason: str
    status: str  # the dossier's status at the hub after the change ("" when not here)


@dataclass(frozen=True)
class ChangeRecord:
    station_id: str
    tracking_code: str
    status: str
    actor: str
    made_at: dt.datetime
    arrived_at: dt.datetime
    outcome: str
    reason: str


@dataclass(frozen=True)
class RefusedDelivery:
    """A dossier of this station the hub refused to take (4xx): kept in the outbox with the
    hub's reason, tried again now and then (`kiosk.outbox.REJECTED_RETRY`), shown to officers."""

    tracking_code: str
    submitted_at: dt.datetime
    attempts: int
    reason: str  # the hub's words, as stored (`console.refusals` says them plainly)


class TargetProblem(Exception):
    """A target the province head typed is not usable; the message says why. Nothing was stored."""


def check_period(text: str) -> str:
    text = text.strip()
    if not PERIOD.match(text):
        raise TargetProblem("tháng phải có dạng NNNN-TT, ví dụ 2026-12")
    return text


def check_target(text: str) -> int:
    text = text.strip().replace(".", "").replace(",", "")
    if not text.isdigit() or not 0 <= int(text) <= MAX_TARGET:
        raise TargetProblem(f"chỉ tiêu là một số nguyên từ 0 đến {MAX_TARGET:,}".replace(",", "."))
    return int(text)


def month_bounds(period: str, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The month `period` (YYYY-MM) as [start, end) in the province's local time."""
    year, month = int(period[:4]), int(period[5:7])
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


def progress(done: int, target: int | None) -> int | None:
    """Per cent of the target reached (None: no target set; a zero target is met)."""
    if target is None:
        return None
    return 100 if target == 0 else round(100 * done / target)
