"""Signed requests between a station and its province hub (RFC 9421 HTTP Message Signatures).

Every request a station sends is signed with the station's Ed25519 key over its method, path,
query and body digest (RFC 9530 `Content-Digest`), with a creation time and a single-use nonce:

    Content-Digest: sha-256=:<base64 of the body's SHA-256>:
    Signature-Input: kiosk=("@method" "@path" "@query" "content-digest")
                     ;created=…;keyid="…";alg="ed25519";nonce="…";tag="kiosk-station"   (one line)
    Signature: kiosk=:<base64 Ed25519 signature of the RFC 9421 signature base>:

The hub refuses, each with its own reason (`Refusal`), a request whose key is unknown or revoked,
whose signature or digest does not match, whose creation time is further than `CLOCK_SKEW` from
the hub's clock either way (station clocks drift; a few minutes are tolerated), or whose nonce
was already used by that key. Which station a key belongs to, and whether the body speaks for
that station, is the hub's check (`station posing as another`), not this module's.

The RFC's mechanics come from `http-message-signatures` (pyauth); this module fixes the profile.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hashlib
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature as InvalidSignatureError
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)

LABEL = "kiosk"
TAG = "kiosk-station"  # RFC 9421 `tag`: names this profile, so no other signature is mistaken for it
COVERED = ("@method", "@path", "@query", "content-digest")
CLOCK_SKEW = dt.timedelta(minutes=5)
NONCE_BYTES = 16


class Refusal(enum.StrEnum):
    MALFORMED = "malformed"  # missing or unreadable signature fields
    UNKNOWN_KEY = "unknown_key"  # no enrolled station holds this key, or it was revoked
    BAD_SIGNATURE = "bad_signature"  # signed by another key, or a covered part was altered
    BAD_DIGEST = "bad_digest"  # the body is not the one the signature covers
    STALE = "stale"  # created too long ago, or too far in the future
    REPLAY = "replay"  # this key already used this nonce


class RequestRefused(Exception):
    def __init__(self, reason: Refusal, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class VerifiedRequest:
    key_id: str
    created: dt.datetime
    nonce: str


class NonceLog(Protocol):
    """Nonces seen per key, kept at least as long as a signature can be fresh (2 × CLOCK_SKEW)."""

    def first_use(self, key_id: str, nonce: str, created: dt.datetime) -> bool:
        """Record the nonce; False when this key had already used it."""
        ...


class MemoryNonceLog:
    """A `NonceLog` for one hub process. Several hub processes share a database-backed one."""

    def __init__(self, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self._clock = clock
        self._seen: dict[tuple[str, str], dt.datetime] = {}
        self._lock = threading.Lock()

    def first_use(self, key_id: str, nonce: str, created: dt.datetime) -> bool:
        with self._lock:
            horizon = self._clock() - 2 * CLOCK_SKEW
            if len(self._seen) > 1024:  # prune: anything older is refused as stale anyway
                self._seen = {k: at for k, at in self._seen.items() if at >= horizon}
            if (key_id, nonce) in self._seen:
                return False
            self._seen[(key_id, nonce)] = created
            return True


def public_key_text(key: Ed25519PublicKey) -> str:
    """The 32 raw bytes of a public key in base64: what enrolment sends and the hub stores."""
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def load_public_key(text: str) -> Ed25519PublicKey:
    raw = base64.b64decode(text.strip(), validate=True)
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, got {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass
class _Message:
    """The request view the library signs and verifies: method, full URL, header fields."""

    method: str
    url: str
    headers: _Headers


class _Headers(dict[str, str]):
    """Case-insensitive on lookup, as HTTP header names are."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(k.lower() == name.lower() for k in self.keys())

    def __getitem__(self, name: str) -> str:
        for key, value in self.items():
            if key.lower() == name.lower():
                return value
        raise KeyError(name)


class _Keys(HTTPSignatureKeyResolver):
    def __init__(
        self,
        public: Callable[[str], Ed25519PublicKey | None] | None = None,
        private: Ed25519PrivateKey | None = None,
    ) -> None:
        self._public = public
        self._private = private
        self.unknown = False

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey | None:
        key = self._public(key_id) if self._public is not None else None
        self.unknown = key is None
        return key

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        assert self._private is not None
        return self._private


def sign_request(
    method: str,
    url: str,
    body: bytes,
    *,
    key_id: str,
    key: Ed25519PrivateKey,
    now: dt.datetime | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers (Content-Digest, Signature-Input, Signature) to send with this request."""
    message = _Message(method.upper(), url, _Headers())
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_Keys(private=key))
    signer.sign(
        message,
        key_id=key_id,
        created=now or dt.datetime.now(dt.UTC),
        nonce=nonce or secrets.token_urlsafe(NONCE_BYTES),
        label=LABEL,
        tag=TAG,
        covered_component_ids=COVERED,
        body=body,
    )
    return dict(message.headers)


class _Verifier(HTTPMessageVerifier):
    max_clock_skew = CLOCK_SKEW


# The one shape `sign_request` writes (the library's own serialisation of this profile). A request
# in exactly this shape is checked by `_verify_own_shape` without the library's general parsing,
# which was a quarter of the hub's CPU per submission (bench/README_hub.md); anything else, and
# anything that fails there, goes through the library, which gives the refusal its reason.
_OWN_INPUT = re.compile(
    rf'{LABEL}=(\("@method" "@path" "@query" "content-digest"\);created=(\d{{1,12}});'
    rf'keyid="([0-9a-f]{{1,64}})";alg="ed25519";nonce="([A-Za-z0-9_-]{{1,64}})";tag="{TAG}")'
)
_OWN_SIGNATURE = re.compile(rf"{LABEL}=:([A-Za-z0-9+/]{{86}}==):")
_OWN_DIGEST = re.compile(r"sha-256=:([A-Za-z0-9+/]{43}=):")
_PLAIN_TARGET = re.compile(r"http://hub(/[A-Za-z0-9/_.~-]*)(?:\?([A-Za-z0-9_.~=&-]*))?")


def _verify_own_shape(
    method: str,
    url: str,
    fields: dict[str, str],
    body: bytes,
    public_keys: Callable[[str], Ed25519PublicKey | None],
    now: dt.datetime,
) -> VerifiedRequest | None:
    """The request verified, if it is in `sign_request`'s exact shape and everything holds;
    None sends it to the library (which accepts it too, or says why not). Never refuses: a base
    built wrongly here only fails to verify, and the library decides."""
    target = _PLAIN_TARGET.fullmatch(url)
    given = _OWN_INPUT.fullmatch(fields.get("signature-input", ""))
    signature = _OWN_SIGNATURE.fullmatch(fields.get("signature", ""))
    digest = _OWN_DIGEST.fullmatch(fields.get("content-digest", ""))
    if target is None or given is None or signature is None or digest is None or not method.isalpha():
        return None
    params, created_text, key_id, nonce = given.groups()
    created = dt.datetime.fromtimestamp(int(created_text), dt.UTC)
    if abs(now - created) > CLOCK_SKEW:
        return None
    if base64.b64decode(digest.group(1)) != hashlib.sha256(body).digest():
        return None
    key = public_keys(key_id)
    if key is None:
        return None
    path, query = target.group(1), target.group(2) or ""
    base = (  # RFC 9421 §2.5: one line per covered component, then "@signature-params"
        f'"@method": {method}\n"@path": {path}\n"@query": ?{query}\n'
        f'"content-digest": {fields["content-digest"]}\n"@signature-params": {params}'
    )
    try:
        key.verify(base64.b64decode(signature.group(1)), base.encode("ascii"))
    except InvalidSignatureError:
        return None
    return VerifiedRequest(key_id, created, nonce)


class RequestVerifier:
    """The hub's check of a station's request; raises `RequestRefused` with the reason."""

    def __init__(self, public_keys: Callable[[str], Ed25519PublicKey | None], nonces: NonceLog) -> None:
        self._public_keys = public_keys
        self._nonces = nonces

    def verify(
        self,
        method: str,
        url: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        *,
        record_nonce: bool = True,
    ) -> VerifiedRequest:
        """The request's key, time and nonce once its signature verifies. `record_nonce=False`
        leaves the nonce to the caller, who must record it (`NonceLog.first_use` or the same
        insert in its own transaction) before it acts on the request: else replays pass."""
        fields = _Headers()
        lower: dict[str, str] = {}
        for name, value in headers:  # a repeated signature field is malformed, not merged
            low = name.lower()
            if low in ("signature", "signature-input", "content-digest") and low in lower:
                raise RequestRefused(Refusal.MALFORMED, f"{name} given twice")
            fields[name] = value
            lower[low] = value
        for name in ("signature", "signature-input", "content-digest"):
            if name not in lower:
                raise RequestRefused(Refusal.MALFORMED, f"no {name} field")
        quick = _verify_own_shape(
            method.upper(), url, lower, body, self._public_keys, dt.datetime.now(dt.UTC)
        )
        verified = quick or self._verify_with_library(method.upper(), url, fields, body)
        if record_nonce and not self._nonces.first_use(verified.key_id, verified.nonce, verified.created):
            raise RequestRefused(Refusal.REPLAY, f"nonce already used by key {verified.key_id}")
        return verified

    def _verify_with_library(self, method: str, url: str, fields: _Headers, body: bytes) -> VerifiedRequest:
        """The general RFC 9421 check (`http-message-signatures`): every shape, every reason."""
        message = _Message(method, url, fields)
        keys = _Keys(public=self._public_keys)
        verifier = _Verifier(signature_algorithm=algorithms.ED25519, key_resolver=keys)
        try:
            results = verifier.verify(
                message,
                max_age=dt.timedelta(0),  # the age allowed is the clock skew alone, both ways
                expect_tag=TAG,
                expect_label=LABEL,
                require_components=COVERED,
                body=body,
            )
        except InvalidSignature as exc:
            raise RequestRefused(_reason(exc, keys), str(exc) or "the signature does not verify") from exc
        (result,) = results
        nonce = result.nonce
        if not nonce:
            raise RequestRefused(Refusal.MALFORMED, "the signature carries no nonce")
        key_id = str(result.parameters["keyid"])
        created = dt.datetime.fromtimestamp(int(result.parameters["created"]), dt.UTC)
        return VerifiedRequest(key_id, created, nonce)


def _reason(exc: InvalidSignature, keys: _Keys) -> Refusal:
    text = str(exc).lower()
    if keys.unknown or "resolve verification key" in text:
        return Refusal.UNKNOWN_KEY
    if "future" in text or "age exceeds" in text or "expired" in text:
        return Refusal.STALE
    if "digest" in text:
        return Refusal.BAD_DIGEST
    if "malformed" in text or "missing" in text or "expected" in text or "not covered" in text:
        return Refusal.MALFORMED
    return Refusal.BAD_SIGNATURE
