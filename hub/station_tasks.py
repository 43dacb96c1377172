"""The station's province tasks (worker): the heartbeat, and officers' changes sent to the hub.

Both go through the station's signed client (`hub.client.HubClient`). A network fault or a 5xx
raises `DeliveryDeferred` and the worker tries again at the next pass: a heartbeat lost is simply
the next one's job, and a change not answered stays first in the station's queue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from db.hub import SqlHubLink
from db.province import SqlStationChanges
from hub.client import HubAnswer, HubClient
from kiosk.keyfile import KeyProblem
from kiosk.ports.target import DeliveryDeferred
from kiosk.province import NOT_HERE, REFUSED, ChangeAnswer, DeviceState
from kiosk.status import HubStatus, HubUnreachable


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
    answer. A change whose dossier still waits in the outbox stops the pass (the delivery task
    sends the dossier first); one the hub will never hold, or a request the hub refuses (4xx),
    is kept as a refused change, so it never blocks the ones behind it."""
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
            if changes.on_its_way(change.tracking_code):  # delivered soon: this change waits
                return ChangesReport(applied, refused, len(changes.pending()))
            # Never sent to this hub (made before the station was linked to it): kept as
            # refused, so it does not hold up the changes behind it.
            answer = ChangeAnswer(REFUSED, f"{answer.reason}: it was never delivered there", "")
        changes.answered(change, answer, now)
        if answer.outcome == REFUSED:
            refused += 1
        else:
            applied += 1
    return ChangesReport(applied, refused, 0)


def _when(text: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(str(text)) if text else None


class HubStatusSource:
    """`kiosk.status.ProvinceHub` over the signed client: the hub's answer for a code, and the
    station's last sync (`SqlHubLink`) for when the station's own copy must answer."""

    def __init__(self, client: Callable[[], HubClient], link: SqlHubLink) -> None:
        self._client = client  # made at the first lookup: a station not enrolled yet has no key
        self._link = link

    def look_up(self, tracking_code: str) -> HubStatus | None:
        try:
            data = self._client().request("GET", "/v1/lookup", query={"code": tracking_code})
        except (DeliveryDeferred, HubAnswer) as exc:
            raise HubUnreachable(str(exc)) from exc
        except (KeyProblem, OSError, ValueError) as exc:  # no request key (not enrolled), a damaged one
            raise HubUnreachable(f"no usable request key: {exc}") from exc
        if not data.get("found"):
            return None
        return HubStatus(
            status=str(data["status"]),
            service_code=str(data.get("service_code", "")),
            submitted_at=_when(data.get("submitted_at")),
            updated_at=_when(data.get("updated_at")),
            note=str(data.get("note_for_citizen", "")),
        )

    def synced_at(self) -> dt.datetime | None:
        return self._link.synced_at()
