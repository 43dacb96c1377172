"""The station's side of the hub: enrolment, the `hub` submission target, the status pull.

Every request is signed with the station's request key (`kiosk.request_signing`, a fresh nonce
each time). Answers are classified as the outbox needs them: 2xx done; a network fault, 5xx or
429 is `DeliveryDeferred` (retried with the outbox's backoff, at least the hub's Retry-After);
any other 4xx is `DeliveryRejected` (the row keeps the reason, the rest of the queue goes on).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from db.hub import SqlHubLink
from hub.service import change_from_json
from hub.station_key import request_key_id
from kiosk.dossier import Dossier
from kiosk.ports.storage import OutboxItem
from kiosk.ports.target import DeliveryDeferred, DeliveryRejected, DossierSource
from kiosk.request_signing import public_key_text, sign_request

MAX_RETRY_AFTER = dt.timedelta(hours=1)


class HubAnswer(Exception):
    """The hub answered with a refusal; `status` and `reason` as it gave them."""

    def __init__(self, status: int, reason: str, detail: str) -> None:
        super().__init__(f"hub answered {status} {reason}: {detail}")
        self.status = status
        self.reason = reason
        self.detail = detail


def dossier_json(dossier: Dossier) -> dict[str, Any]:
    return {
        "tracking_code": dossier.tracking_code,
        "service_code": dossier.service_code,
        "service_version": dossier.service_version,
        "station_id": dossier.station_id,
        "submitted_at": dossier.submitted_at.isoformat(),
        "fields": dossier.fields,
        "holder": dossier.holder,
        "consented_at": dossier.consented_at.isoformat() if dossier.consented_at else None,
        "fee_amount": dossier.fee_amount,
    }


def _retry_after(response: httpx.Response) -> dt.timedelta | None:
    value = response.headers.get("retry-after", "")
    if value.isdigit():
        return min(dt.timedelta(seconds=int(value)), MAX_RETRY_AFTER)
    return None


class HubClient:
    def __init__(
        self,
        base_url: str,
        station_id: str,
        key: Ed25519PrivateKey,
        *,
        timeout_s: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.station_id = station_id
        self._key = key
        self.key_id = request_key_id(key.public_key())
        self._http = httpx.Client(timeout=timeout_s, transport=transport)

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Any:
        """Send one signed request (a JSON `body`, or `raw` bytes); the answer's JSON, or
        `HubAnswer` (a refusal), or `DeliveryDeferred` (network, 5xx, 429: try again later)."""
        url = self.base_url + path + (f"?{urlencode(query)}" if query else "")
        content = b"" if body is None else json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
        if raw is not None:
            content = raw
        signed = sign_request(method, url, content, key_id=self.key_id, key=self._key)
        sent = {**(headers or {}), **signed}
        if body is not None:
            sent["content-type"] = "application/json"
        elif raw is not None:
            sent["content-type"] = "application/octet-stream"
        try:
            response = self._http.request(method, url, content=content, headers=sent)
        except httpx.HTTPError as exc:  # refused, reset, timed out, cut mid-answer
            raise DeliveryDeferred(f"hub not reached: {type(exc).__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise DeliveryDeferred(f"hub answered {response.status_code}", _retry_after(response))
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if not response.is_success:
            raise HubAnswer(
                response.status_code,
                str(answer.get("reason", "")) if isinstance(answer, dict) else "",
                str(answer.get("detail", response.text[:200])) if isinstance(answer, dict) else "",
            )
        return answer

    def enrol(self, code: str, slip_keys: Sequence[Ed25519PublicKey]) -> dict[str, Any]:
        body = {
            "code": code,
            "station_id": self.station_id,
            "request_key": public_key_text(self._key.public_key()),
            "slip_keys": [public_key_text(k) for k in slip_keys],
        }
        answer: dict[str, Any] = self.request("POST", "/v1/enrol", body)
        return answer

    def submit(self, dossier: Dossier, idempotency_key: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.request(
            "POST", "/v1/submissions", dossier_json(dossier), headers={"Idempotency-Key": idempotency_key}
        )
        return answer

    def statuses(self, after: int) -> dict[str, Any]:
        answer: dict[str, Any] = self.request("GET", "/v1/statuses", query={"after": str(after)})
        return answer


def upload_attachment(
    client: HubClient,
    tracking_code: str,
    name: str,
    media_type: str,
    data: bytes,
    *,
    chunk_size: int | None = None,
    acked: Callable[[int], None] = lambda received: None,
) -> int:
    """Send an attachment of a dossier the hub holds, in chunks, from wherever the hub's copy
    has come to: after a cut link, calling this again resumes at the last acknowledged chunk.
    Returns how many bytes this call sent; `DeliveryDeferred` when the link fails (call again
    later), `HubAnswer` when the hub refuses (a `gap` or `mismatch` is mended by calling again).
    `acked(received)` is told each acknowledgement."""
    state = client.request(
        "POST",
        "/v1/uploads",
        {
            "tracking_code": tracking_code, "name": name, "media_type": media_type, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )  # fmt: skip
    step = min(chunk_size or state["chunk_size"], state["chunk_size"])
    received, sent = int(state["received"]), 0
    while not state["complete"] and received < len(data):
        piece = data[received : received + step]
        state = client.request("PUT", f"/v1/uploads/{state['upload_id']}/chunks/{received}", raw=piece)
        sent += len(piece)
        received = int(state["received"])
        acked(received)
    return sent


class HubTarget:
    """`kiosk.ports.target.SubmissionTarget`: the province hub."""

    def __init__(self, client: HubClient) -> None:
        self._client = client

    def deliver(self, item: OutboxItem, source: DossierSource) -> None:
        stored = source.get(item.tracking_code)
        if stored is None or stored.dossier is None:
            reason = stored.problem if stored is not None else "the dossier is not in the station database"
            raise DeliveryRejected(f"{item.tracking_code}: {reason}")
        try:
            self._client.submit(stored.dossier, item.idempotency_key)
        except HubAnswer as exc:
            raise DeliveryRejected(str(exc)) from exc


@dataclass(frozen=True)
class SyncReport:
    changes: int = 0  # dossiers of this station whose status changed
    cursor: int = 0

    @property
    def idle(self) -> bool:
        return not self.changes


def pull_statuses(client: HubClient, link: SqlHubLink, now: dt.datetime) -> SyncReport:
    """Pull every status change after the stored cursor, apply it, page by page; the cursor and
    the sync time move only with what was applied."""
    applied = 0
    cursor = link.cursor()
    while True:
        answer = client.statuses(cursor)
        changes = [change_from_json(c) for c in answer["changes"]]
        applied += link.apply(changes, answer.get("slip_keys"), now)
        cursor = int(answer["cursor"])
        if not answer.get("more"):
            return SyncReport(applied, cursor)
