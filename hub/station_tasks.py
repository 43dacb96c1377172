"""The station's province tasks (worker): the heartbeat, and officers' changes sent to the hub.

Both go through the station's signed client (`hub.client.HubClient`). A network fault or a 5xx
raises `DeliveryDeferred` and the worker tries again at the next pass: a heartbeat lost is simply
the next one's job, and a change not answered stays first in the station's queue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from db.province import SqlStationChanges
from hub.client import HubAnswer, HubClient
from kiosk.province import NOT_HERE, REFUSED, ChangeAnswer, DeviceState


def heartbeat_body(
    station_id: str, now: dt.datetime, version: str, backlog: int, devices: Mapping[str, DeviceState]
) -> dict[str, Any]:
    return {
        "station_id": station_id,
        "sent_at": now.astimezone(dt.UTC).isoformat(),
        "version": version,
        "backlog": backlog,
        "devices": {n: {"ok": d.ok, "state": d.state, "detail": d.detail[:300]} for n, d in devices.items()},
    }


def send_heartbeat(client: HubClient, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = client.request("POST", "/v1/heartbeats", body)
    return answer


@dataclass(frozen=True)
class ChangesReport:
    applied: int = 0
    refused: int = 0
    waiting: int = 0  # changes of dossiers the hub does not hold yet: sent again next pass


def forward_changes(client: HubClient, changes: SqlStationChanges, now: dt.datetime) -> ChangesReport:
    """Send this station's officers' status changes to the hub, oldest first, and keep each
    answer. A change whose dossier has not reached the hub yet stops the pass (the delivery
    task sends the dossier first); the hub's refusal of the request itself (4xx) is kept as
    a refused change, so one bad change never blocks the ones behind it."""
    applied = refused = 0
    for change in changes.pending():
        body = {
            "station_id": client.station_id,
            "event_id": change.event_id,
            "tracking_code": change.tracking_code,
            "status": change.status,
            "note_for_citizen": change.note_for_citizen,
            "actor": change.actor[:32],
            "made_at": change.at.astimezone(dt.UTC).isoformat(),
        }
        try:
            data = client.request("POST", "/v1/changes", body)
            answer = ChangeAnswer(
                str(data["outcome"]), str(data.get("reason", "")), str(data.get("status", ""))
            )
        except HubAnswer as exc:
            answer = ChangeAnswer(REFUSED, f"hub answered {exc.status} {exc.reason}: {exc.detail}", "")
        if answer.outcome == NOT_HERE:
            return ChangesReport(applied, refused, len(changes.pending()))
        changes.answered(change, answer, now)
        if answer.outcome == REFUSED:
            refused += 1
        else:
            applied += 1
    return ChangesReport(applied, refused, 0)
