"""The signed QR on the status slip: the tracking code, the issuing station and a signature.

Payload (every character in the QR alphanumeric set, so the QR stays small; no character needs
Shift on a US keyboard except the letters, which keyboard-wedge scanners send reliably)::

    KS2.DEMO-STATION.7K3QXM9T2B.4M.<103 characters>
    |   |            |          |  +-- Ed25519 signature: 64 bytes in Crockford base32
    |   |            |          +----- key id: 2 characters (10 bits of a hash of the public key)
    |   |            +---------------- tracking code, canonical (kiosk.trackcode)
    |   +----------------------------- station id, folded to [0-9A-Z-], at most 20 characters
    +--------------------------------- format and version: "KS" (kiosk slip) + 2

Why a public-key signature (version 2): a province hub lets a slip printed at one station be
checked at any kiosk of the province and at the hub, and a station's key must never let it forge
another station's slips. Each station signs with its own Ed25519 key; the hub hands the stations'
public keys out at sync (`SlipKeyring`). With the longest station id the payload is 142
characters: QR version 6 at error correction M (capacity 154), the largest we allow.

Version 1 slips (``KS1…``, HMAC-SHA256 truncated to 80 bits, 16 characters) were printed before
the hub: only the issuing station holds the key, so they still verify there and nowhere else.

One slip key file per station, 32 random bytes: the HMAC key of version 1 and, through HKDF,
the seed of the Ed25519 key of version 2 (separate keys for the two algorithms, one file to
protect and rotate). Keys rotate (`kiosk keys rotate --slip`): the key id says which key signed a
slip; the old key is kept as ``slip.key.retired-<id>`` and old slips still verify with it. Which
key file may be used or made is `kiosk.keys`' decision.

Scanned text is upper-cased before checking: a wedge scanner with Caps Lock on inverts the case
of everything it types, and the payload has no lower-case characters, so nothing is lost.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.trackcode import ALPHABET, is_valid

KEY_SIZE = 32
VERSION = 2  # what `sign` writes
HMAC_VERSION = 1  # still verified at the issuing station
PREFIX = "KS"
SEPARATOR = "."
MAC_CHARS = 16  # version 1: 80 bits
SIGNATURE_CHARS = 103  # version 2: 512 bits, 5 per character
KEY_ID_CHARS = 2  # 10 bits
STATION_MAX = 20

_MAC_CONTEXT = b"kiosk-slip-mac\x00"
_KEY_ID_CONTEXT = b"kiosk-slip-key-id\x00"
_SIGNATURE_CONTEXT = b"kiosk-slip-ed25519\x00"  # signed before the payload: no other use can match
_SEED_INFO = b"kiosk slip ed25519 seed"
_CROCKFORD = re.escape(ALPHABET)
_SHAPE = re.compile(
    rf"KS(?P<version>[0-9]+)\.(?P<station>[0-9A-Z-]{{1,{STATION_MAX}}})\.(?P<code>[{_CROCKFORD}]{{10}})"
    rf"\.(?P<kid>[{_CROCKFORD}]{{{KEY_ID_CHARS}}})\.(?P<sig>[{_CROCKFORD}]+)"
)
_SIG_CHARS = {HMAC_VERSION: MAC_CHARS, VERSION: SIGNATURE_CHARS}


class SlipError(Exception):
    """A slip key that cannot be used (wrong size, unreadable file)."""


class SlipProblemKind(enum.Enum):
    MALFORMED = "malformed"  # not a slip payload of a format this program reads
    UNSUPPORTED_VERSION = "unsupported_version"  # "KS<n>" with a version this program does not read
    WRONG_STATION = "wrong_station"  # issued by a station whose keys are not known here
    UNKNOWN_KEY = "unknown_key"  # a known station, but a key it is not known to hold
    FORGED = "forged"  # the signature does not match: altered or made up


@dataclass(frozen=True)
class VerifiedSlip:
    tracking_code: str
    station_id: str  # as carried in the payload (folded)
    key_id: str
    version: int = VERSION


@dataclass(frozen=True)
class SlipProblem:
    kind: SlipProblemKind
    detail: str  # for logs and officers; never shown to citizens


# The province's other stations: their folded id -> their slip public keys (current and
# retired), as the hub hands them out at sync. Empty without a hub.
SlipKeyring = Callable[[str], Sequence[Ed25519PublicKey]]


def no_other_stations(_station: str) -> Sequence[Ed25519PublicKey]:
    return ()


def slip_station_id(station_id: str) -> str:
    """The station id as carried in payloads: accents folded, upper case, other characters '-'."""
    decomposed = unicodedata.normalize("NFKD", station_id.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    folded = re.sub(r"[^0-9A-Z]+", "-", ascii_only).strip("-")[:STATION_MAX].rstrip("-")
    if not folded:
        raise SlipError(f"station id {station_id!r} has no letters or digits to put on a slip")
    return folded


def _base32(digest: bytes, chars: int) -> str:
    """The first `chars` × 5 bits of `digest` in Crockford base32 (zero bits added at the end
    when `digest` is shorter)."""
    value = int.from_bytes(digest, "big")
    shift = len(digest) * 8 - chars * 5
    bits = value >> shift if shift >= 0 else value << -shift
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range(chars)))


def _unbase32(text: str, size: int) -> bytes | None:
    """`size` bytes back from `_base32(data, ceil(size × 8 / 5))`; None when the padding bits
    are not zero (another string that would decode to the same bytes)."""
    value = 0
    for ch in text:
        value = (value << 5) | ALPHABET.index(ch)
    padding = len(text) * 5 - size * 8
    if padding < 0 or value & ((1 << padding) - 1):
        return None
    return (value >> padding).to_bytes(size, "big")


def key_id(key: bytes) -> str:
    """Id of a slip key file (version 1 slips and the key ledger)."""
    return _base32(hashlib.sha256(_KEY_ID_CONTEXT + key).digest(), KEY_ID_CHARS)


def signing_key(key: bytes) -> Ed25519PrivateKey:
    """The Ed25519 key that a slip key file's 32 bytes stand for (version 2)."""
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEED_INFO).derive(key)
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_id(public: Ed25519PublicKey) -> str:
    """Id of a version-2 key as the payload carries it: anyone holding the public key computes it."""
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return _base32(hashlib.sha256(_KEY_ID_CONTEXT + raw).digest(), KEY_ID_CHARS)


class SlipSigner:
    """Signs tracking codes for this station's slips and checks scanned payloads: this station's
    (both versions) and, for version 2, other stations' whose public keys `keyring` gives.

    `retired_keys`: earlier keys of this station, still accepted for verification, never used
    to sign.
    """

    def __init__(
        self,
        key: bytes,
        station_id: str,
        *,
        retired_keys: Sequence[bytes] = (),
        keyring: SlipKeyring = no_other_stations,
    ) -> None:
        for k in (key, *retired_keys):
            if len(k) != KEY_SIZE:
                raise SlipError(f"slip key must be {KEY_SIZE} bytes, got {len(k)}")
        self._key = key
        self._signing_key = signing_key(key)
        self.public_key = self._signing_key.public_key()
        self.station_id = slip_station_id(station_id)
        self.key_id = key_id(key)  # the key file's id, as `kiosk.keys` records it
        self.public_key_id = public_key_id(self.public_key)  # what version-2 payloads carry
        self._keyring = keyring
        self._hmac_keys: dict[str, list[bytes]] = {}
        self._own_public: list[Ed25519PublicKey] = []
        for k in (key, *retired_keys):
            self._hmac_keys.setdefault(key_id(k), []).append(k)
            self._own_public.append(signing_key(k).public_key())

    @property
    def public_keys(self) -> list[Ed25519PublicKey]:
        """This station's slip public keys, current first: what it hands the hub."""
        return list(self._own_public)

    def _mac(self, key: bytes, signed: str) -> str:
        return _base32(
            hmac.new(key, _MAC_CONTEXT + signed.encode("ascii"), hashlib.sha256).digest(), MAC_CHARS
        )

    def sign(self, tracking_code: str) -> str:
        """The QR payload (version 2) for a canonical tracking code."""
        if not is_valid(tracking_code):
            raise ValueError(f"not a canonical tracking code: {tracking_code!r}")
        signed = SEPARATOR.join((f"{PREFIX}{VERSION}", self.station_id, tracking_code, self.public_key_id))
        signature = self._signing_key.sign(_SIGNATURE_CONTEXT + signed.encode("ascii"))
        return f"{signed}{SEPARATOR}{_base32(signature, SIGNATURE_CHARS)}"

    def sign_hmac(self, tracking_code: str) -> str:
        """A version-1 payload, as slips printed before the hub carry (tests and migration checks)."""
        if not is_valid(tracking_code):
            raise ValueError(f"not a canonical tracking code: {tracking_code!r}")
        kid = key_id(self._key)
        signed = SEPARATOR.join((f"{PREFIX}{HMAC_VERSION}", self.station_id, tracking_code, kid))
        return f"{signed}{SEPARATOR}{self._mac(self._key, signed)}"

    def verify(self, payload: str) -> VerifiedSlip | SlipProblem:
        text = payload.strip().upper()
        shape = _SHAPE.fullmatch(text)
        prefix = re.match(r"KS([0-9]+)\.", text)
        version_text = prefix.group(1) if prefix else None
        if version_text is not None and int(version_text) not in _SIG_CHARS:
            return SlipProblem(
                SlipProblemKind.UNSUPPORTED_VERSION, f"slip format KS{version_text} is not read here"
            )
        if shape is None or len(shape["sig"]) != _SIG_CHARS[int(shape["version"])]:
            return SlipProblem(SlipProblemKind.MALFORMED, "not a slip payload (wrong fields or characters)")
        if not is_valid(shape["code"]):
            return SlipProblem(SlipProblemKind.MALFORMED, "the slip carries an invalid tracking code")
        signed = text[: shape.start("sig") - 1]
        version = int(shape["version"])
        problem = (
            self._check_hmac(shape, signed)
            if version == HMAC_VERSION
            else self._check_signature(shape, signed)
        )
        return problem or VerifiedSlip(shape["code"], shape["station"], shape["kid"], version)

    def _check_hmac(self, shape: re.Match[str], signed: str) -> SlipProblem | None:
        if shape["station"] != self.station_id:  # only the issuing station holds the key
            return SlipProblem(
                SlipProblemKind.WRONG_STATION,
                f"version 1 slip issued by station {shape['station']}, this is {self.station_id}",
            )
        candidates = self._hmac_keys.get(shape["kid"])
        if not candidates:
            return SlipProblem(
                SlipProblemKind.UNKNOWN_KEY, f"slip signed with key {shape['kid']}, which this station lacks"
            )
        if not any(hmac.compare_digest(self._mac(k, signed), shape["sig"]) for k in candidates):
            return SlipProblem(SlipProblemKind.FORGED, "the slip's MAC does not match: altered or forged")
        return None

    def _check_signature(self, shape: re.Match[str], signed: str) -> SlipProblem | None:
        station = shape["station"]
        keys = self._own_public if station == self.station_id else list(self._keyring(station))
        if not keys:
            return SlipProblem(
                SlipProblemKind.WRONG_STATION,
                f"slip issued by station {station}, whose keys are not known here",
            )
        candidates = [k for k in keys if public_key_id(k) == shape["kid"]]
        if not candidates:
            return SlipProblem(
                SlipProblemKind.UNKNOWN_KEY,
                f"slip signed with key {shape['kid']}, not a key of station {station}",
            )
        signature = _unbase32(shape["sig"], 64)
        message = _SIGNATURE_CONTEXT + signed.encode("ascii")
        for candidate in candidates:
            if signature is None:  # non-zero padding bits: not what `sign` writes
                break
            try:
                candidate.verify(signature, message)
                return None
            except InvalidSignature:
                continue
        return SlipProblem(SlipProblemKind.FORGED, "the slip's signature does not match: altered or forged")
