"""What the hub does for stations, without HTTP: enrolment, signed requests checked, dossiers
accepted exactly once and sealed with the hub's own key, statuses handed back. Every refusal is
written to the hub's audit chain (`kiosk.audit`) before it is answered.

The station sends the plain dossier JSON inside TLS (the reverse proxy's, `hub/nginx.example.conf`)
and the hub seals it at once with its own data key: the station's key never leaves the station,
and the hub can open what it holds (search, officers' pages) without any station's key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from db.hub import (
    EnrolmentRefused,
    IdempotencyConflict,
    NonceReplayed,
    SqlHub,
    SqlNonceLog,
    StationRecord,
    StatusChange,
)
from hub.key_cache import StationKeyCache
from hub.station_key import request_key_id
from kiosk.audit import AuditLog
from kiosk.blind_index import BlindIndex
from kiosk.dossier import Dossier, TrackingCodeConflict
from kiosk.outbox import seal_dossier
from kiosk.ports.clock import Clock
from kiosk.ports.storage import SealedDossier
from kiosk.request_signing import (
    Refusal,
    RequestRefused,
    RequestVerifier,
    VerifiedRequest,
    load_public_key,
)
from kiosk.sealing import Sealer, SealError

CODE_VALID = dt.timedelta(hours=24)
CODE_GROUPS = 4  # XXXX-XXXX-XXXX-XXXX: 80 bits, typed once by a technician
MAX_IDEMPOTENCY_KEY = 60
STATUS_PAGE = 500
REVOKED = "revoked"
POSING = "posing_as_another"


class HubRefusal(Exception):
    """An answer other than success: the HTTP status, a short reason and a detail for the station."""

    def __init__(self, status: int, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.status = status
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class RequestView:
    """The parts of an HTTP request the checks need, from whatever server received it."""

    method: str
    path: str
    query: str
    headers: Iterable[tuple[str, str]]
    body: bytes
    client: str

    @property
    def url(self) -> str:
        # Only path and query are covered by the signature, so the host part is a placeholder.
        return f"http://hub{self.path}" + (f"?{self.query}" if self.query else "")


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode("ascii")).hexdigest()


def _new_code() -> str:
    text = base64.b32encode(secrets.token_bytes(5 * CODE_GROUPS // 2)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 4 * CODE_GROUPS, 4))


def _dossier_payload(dossier: Dossier) -> dict[str, Any]:
    # The same shape `kiosk.outbox.DossierStore` seals, so its `get` opens the hub's rows too.
    consented = dossier.consented_at.isoformat() if dossier.consented_at else None
    return {"fields": dossier.fields, "holder": dossier.holder, "consented_at": consented}


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)


class Hub:
    def __init__(
        self,
        store: SqlHub,
        nonces: SqlNonceLog,
        sealer: Sealer,
        audit: AuditLog,
        clock: Clock,
        index: BlindIndex | None = None,
        keys: StationKeyCache | None = None,
    ) -> None:
        self.store = store
        # Station records for a second (`hub.key_cache`): one query less per signed request.
        self._keys = keys or StationKeyCache(store.station_by_key)
        self._index = index
        self._nonces = nonces
        self._sealer = sealer
        self.audit = audit
        self._clock = clock

    def _now(self) -> dt.datetime:
        return self._clock().astimezone(dt.UTC)

    @property
    def sealer(self) -> Sealer:
        """The hub's data key: what it holds for stations (dossiers, attachments) is sealed with it."""
        return self._sealer

    @property
    def clock(self) -> Clock:
        return self._clock

    # --- refusals -------------------------------------------------------------------------

    def _refuse(self, request: RequestView, actor: str, status: int, reason: str, detail: str) -> HubRefusal:
        self.audit.record(
            actor[:64] or "unknown",
            "hub.refused",
            f"{reason}: {detail} ({request.method} {request.path} from {request.client})",
        )
        return HubRefusal(status, reason, detail)

    def _verify(
        self,
        request: RequestView,
        public_key: Callable[[str], Ed25519PublicKey | None],
        *,
        record_nonce: bool = True,
    ) -> VerifiedRequest:
        return RequestVerifier(public_key, self._nonces).verify(
            request.method, request.url, request.headers, request.body, record_nonce=record_nonce
        )

    def authenticate(self, request: RequestView) -> StationRecord:
        """The enrolled, unrevoked station that signed this request; else `HubRefusal` (audited).
        A revocation made by another process is seen within `hub.key_cache.KEY_CACHE_SECONDS`."""
        return self._authenticate(request, record_nonce=True)[0]

    def authenticate_for_submission(self, request: RequestView) -> tuple[StationRecord, VerifiedRequest]:
        """`authenticate` without recording the nonce: `submit` records it in the acceptance's
        own transaction (one commit per submission). Pass what this returns to `submit`."""
        return self._authenticate(request, record_nonce=False)

    def _authenticate(
        self, request: RequestView, *, record_nonce: bool
    ) -> tuple[StationRecord, VerifiedRequest]:
        seen: list[StationRecord] = []

        def public_key(key_id: str) -> Ed25519PublicKey | None:
            station = self._keys.station(key_id)
            if station is None:
                return None
            seen.append(station)
            return None if station.revoked_at is not None else load_public_key(station.request_key)

        try:
            verified = self._verify(request, public_key, record_nonce=record_nonce)
        except RequestRefused as exc:
            station = seen[0] if seen else None
            actor = station.station_id if station else "unknown"
            if station is not None and station.revoked_at is not None and exc.reason is Refusal.UNKNOWN_KEY:
                raise self._refuse(request, actor, 403, REVOKED, f"station {actor} is revoked") from None
            raise self._refuse(request, actor, 401, exc.reason.value, exc.detail) from None
        assert seen
        return seen[0], verified

    # --- enrolment ------------------------------------------------------------------------

    def new_code(self, station_id: str, province: str, commune: str, name: str) -> str:
        code = _new_code()
        self.store.add_code(code_hash(code), station_id, province, commune, name, self._now(), CODE_VALID)
        self.audit.record("hub", "hub.enrol_code", f"station {station_id} ({province}, {commune}, {name})")
        return code

    def enrol(self, request: RequestView, body: dict[str, Any]) -> StationRecord:
        """Bind the key in the body (which must have signed the request: proof of possession)
        and the station's slip keys to the code's station record."""
        station_id = str(body["station_id"])
        try:
            key = load_public_key(str(body["request_key"]))
            slip_keys = [str(k) for k in body["slip_keys"]]
            for slip_key in slip_keys:
                load_public_key(slip_key)
        except (ValueError, TypeError) as exc:
            raise self._refuse(request, station_id, 422, "bad_key", str(exc)) from None
        key_id = request_key_id(key)
        try:
            self._verify(request, lambda kid: key if kid == key_id else None)
        except RequestRefused as exc:
            raise self._refuse(request, station_id, 401, exc.reason.value, exc.detail) from None
        try:
            record = self.store.enrol(
                code_hash(str(body["code"])),
                station_id,
                key_id,
                str(body["request_key"]),
                slip_keys,
                self._now(),
            )
        except EnrolmentRefused as exc:
            raise self._refuse(request, station_id, 403, "enrolment_refused", str(exc)) from None
        self._keys.forget(station_id)
        self.audit.record(station_id, "hub.enrolled", f"request key {key_id}, {len(slip_keys)} slip key(s)")
        return record

    def revoke(self, station_id: str, actor: str = "hub") -> bool:
        done = self.store.revoke(station_id, self._now())
        self._keys.forget(station_id)  # other hub processes: within their cache's time
        if done:
            self.audit.record(actor, "hub.revoked", f"station {station_id}")
        return done

    # --- submissions ----------------------------------------------------------------------

    def submit(
        self,
        request: RequestView,
        station: StationRecord,
        idempotency_key: str,
        dossier: Dossier,
        verified: VerifiedRequest | None = None,
    ) -> dict[str, Any]:
        """Accept the dossier once. `verified` (from `authenticate_for_submission`): its nonce is
        recorded in the acceptance's transaction, and a replay is refused (audited) there."""
        if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
            raise HubRefusal(
                400,
                "idempotency_key",
                f"an Idempotency-Key of 1 to {MAX_IDEMPOTENCY_KEY} characters is needed",
            )
        if dossier.station_id != station.station_id:
            raise self._refuse(
                request,
                station.station_id,
                403,
                POSING,
                f"station {station.station_id} sent a dossier of station {dossier.station_id}",
            )
        now = self._now()
        code = dossier.tracking_code
        # Sealed and indexed as a station stores it, with the hub's own keys: the province
        # console searches the hub's copy by name as a station's console searches its own.
        sealed = seal_dossier(self._sealer, dossier, now, self._index)

        def same(existing: SealedDossier) -> bool:
            try:
                held = self._sealer.open(existing.payload, context=code.encode())
            except SealError:
                return False
            return _canonical(held) == _canonical(_dossier_payload(dossier)) and (
                existing.service_code,
                existing.submitted_at,
            ) == (dossier.service_code, dossier.submitted_at)

        nonce = None
        if verified is not None:
            nonce = self._nonces.for_acceptance(verified.key_id, verified.nonce, verified.created)

        try:
            accepted = self.store.accept(
                f"{station.station_id}:{idempotency_key}",
                station.station_id,
                hashlib.sha256(request.body).hexdigest(),
                sealed,
                now,
                same_dossier=same,
                nonce=nonce,
            )
        except NonceReplayed:
            detail = f"nonce already used by key {station.request_key_id}"
            raise self._refuse(request, station.station_id, 401, Refusal.REPLAY.value, detail) from None
        except (IdempotencyConflict, TrackingCodeConflict) as exc:
            raise HubRefusal(409, "conflict", str(exc)) from None
        return {"tracking_code": code, "stored": "duplicate" if accepted.duplicate else "new"}

    # --- statuses -------------------------------------------------------------------------

    def statuses(self, station: StationRecord, after: int) -> dict[str, Any]:
        changes = self.store.statuses(station.station_id, after, STATUS_PAGE)
        return {
            "changes": [_change_json(c) for c in changes],
            "cursor": changes[-1].cursor if changes else after,
            "more": len(changes) == STATUS_PAGE,
            "slip_keys": self.store.province_slip_keys(station.province),
        }

    def set_status(
        self,
        tracking_code: str,
        status: str,
        *,
        actor: str,
        note_for_citizen: str | None = None,
        national_number: str | None = None,
    ) -> StatusChange:
        change = self.store.set_status(
            tracking_code,
            status,
            actor=actor,
            now=self._now(),
            note_for_citizen=note_for_citizen,
            national_number=national_number,
        )
        self.audit.record(actor, "hub.status", f"{tracking_code} -> {status}")
        return change


def _change_json(change: StatusChange) -> dict[str, Any]:
    return {
        "cursor": change.cursor,
        "tracking_code": change.tracking_code,
        "status": change.status,
        "note_for_citizen": change.note_for_citizen,
        "national_number": change.national_number,
        "at": change.at.isoformat(),
    }


def change_from_json(data: dict[str, Any]) -> StatusChange:
    return StatusChange(
        int(data["cursor"]),
        str(data["tracking_code"]),
        str(data["status"]),
        str(data.get("note_for_citizen") or ""),
        data.get("national_number"),
        dt.datetime.fromisoformat(str(data["at"])),
    )
