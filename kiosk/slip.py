"""The signed QR on the status slip: the tracking code, the issuing station and a MAC.

Payload (every character in the QR alphanumeric set, so the QR stays small; no character needs
Shift on a US keyboard except the letters, which keyboard-wedge scanners send reliably)::

    KS1.DEMO-STATION.7K3QXM9T2B.4M.0123456789ABCDEF
    |   |            |          |  +-- MAC: 16 Crockford base32 characters = 80 bits
    |   |            |          +----- key id: 2 characters (10 bits of a hash of the key)
    |   |            +---------------- tracking code, canonical (kiosk.trackcode)
    |   +----------------------------- station id, folded to [0-9A-Z-], at most 20 characters
    +--------------------------------- format and version: "KS" (kiosk slip) + 1

With the longest station id the payload is 55 characters: QR version 3 at error correction M
(capacity 61 alphanumeric characters at version 3, 90 at version 4; the limit we keep is 6).

Why HMAC-SHA256 truncated to 80 bits and not Ed25519:
- The only verifier is the station that issued the slip: its kiosk and its officers look the
  dossier up in the station's own database. Nobody without the station's key needs to verify,
  which is what a public-key signature would buy.
- An Ed25519 signature is 64 bytes = 103 base32 characters: the payload would be ~140
  characters, QR version 6 at level M — the largest we allow, with modules too small for a
  58 mm thermal slip to scan reliably. The MAC keeps it at version 3.
- 80 bits is far beyond what can be guessed: a forger cannot test guesses offline (the key never
  leaves the station), only by presenting slips to the kiosk one at a time. NIST SP 800-107
  allows truncated HMAC tags of 64 bits and more for such online use.

Keys rotate (`kiosk keys rotate --slip`): the key id says which key signed a slip; the old key is
kept as ``slip.key.retired-<id>`` and old slips still verify with it. Which key file may be used
or made is `kiosk.keys`' decision. The version lets a future format change the layout or the MAC
length while old slips are still recognised.

Scanned text is upper-cased before checking: a wedge scanner with Caps Lock on inverts the case
of everything it types, and the payload has no lower-case characters, so nothing is lost.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.trackcode import ALPHABET, is_valid

KEY_SIZE = 32
VERSION = 1
PREFIX = "KS"
SEPARATOR = "."
MAC_CHARS = 16  # 80 bits
KEY_ID_CHARS = 2  # 10 bits
STATION_MAX = 20

_MAC_CONTEXT = b"kiosk-slip-mac\x00"
_KEY_ID_CONTEXT = b"kiosk-slip-key-id\x00"
_CROCKFORD = re.escape(ALPHABET)
_SHAPE = re.compile(
    rf"KS(?P<version>[0-9]+)\.(?P<station>[0-9A-Z-]{{1,{STATION_MAX}}})\.(?P<code>[{_CROCKFORD}]{{10}})"
    rf"\.(?P<kid>[{_CROCKFORD}]{{{KEY_ID_CHARS}}})\.(?P<mac>[{_CROCKFORD}]{{{MAC_CHARS}}})"
)
_LOOKS_LIKE = re.compile(r"KS[0-9]+\..*", re.DOTALL)


class SlipError(Exception):
    """A slip key that cannot be used (wrong size, unreadable file)."""


class SlipProblemKind(enum.Enum):
    MALFORMED = "malformed"  # not a slip payload of a format this program reads
    UNSUPPORTED_VERSION = "unsupported_version"  # "KS<n>" with a version this program does not read
    WRONG_STATION = "wrong_station"  # issued by another station: cannot be checked here
    UNKNOWN_KEY = "unknown_key"  # this station, but a key it does not hold (lost or replaced key file)
    FORGED = "forged"  # the MAC does not match: altered or made up


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


def looks_like_slip(text: str) -> bool:
    """True when `text` is meant as a slip payload (right prefix), whether or not it verifies."""
    return _LOOKS_LIKE.fullmatch(text.strip().upper()) is not None


def slip_station_id(station_id: str) -> str:
    """The station id as carried in payloads: accents folded, upper case, other characters '-'."""
    decomposed = unicodedata.normalize("NFKD", station_id.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    folded = re.sub(r"[^0-9A-Z]+", "-", ascii_only).strip("-")[:STATION_MAX].rstrip("-")
    if not folded:
        raise SlipError(f"station id {station_id!r} has no letters or digits to put on a slip")
    return folded


def _base32(digest: bytes, chars: int) -> str:
    bits = int.from_bytes(digest, "big") >> (len(digest) * 8 - chars * 5)
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range(chars)))


def key_id(key: bytes) -> str:
    return _base32(hashlib.sha256(_KEY_ID_CONTEXT + key).digest(), KEY_ID_CHARS)


class SlipSigner:
    """Signs tracking codes for this station's slips and checks scanned payloads.

    `retired_keys`: earlier keys of this station, still accepted for verification, never used
    to sign.
    """

    def __init__(self, key: bytes, station_id: str, *, retired_keys: Sequence[bytes] = ()) -> None:
        for k in (key, *retired_keys):
            if len(k) != KEY_SIZE:
                raise SlipError(f"slip key must be {KEY_SIZE} bytes, got {len(k)}")
        self._key = key
        self.station_id = slip_station_id(station_id)
        self.key_id = key_id(key)
        self._keys: dict[str, list[bytes]] = {}
        for k in (key, *retired_keys):
            self._keys.setdefault(key_id(k), []).append(k)

    def _mac(self, key: bytes, signed: str) -> str:
        return _base32(
            hmac.new(key, _MAC_CONTEXT + signed.encode("ascii"), hashlib.sha256).digest(), MAC_CHARS
        )

    def sign(self, tracking_code: str) -> str:
        """The QR payload for a canonical tracking code."""
        if not is_valid(tracking_code):
            raise ValueError(f"not a canonical tracking code: {tracking_code!r}")
        signed = SEPARATOR.join((f"{PREFIX}{VERSION}", self.station_id, tracking_code, self.key_id))
        return f"{signed}{SEPARATOR}{self._mac(self._key, signed)}"

    def verify(self, payload: str) -> VerifiedSlip | SlipProblem:
        text = payload.strip().upper()
        shape = _SHAPE.fullmatch(text)
        if shape is None:
            version = re.match(r"KS([0-9]+)\.", text)
            if version is not None and version.group(1) != str(VERSION):
                return SlipProblem(
                    SlipProblemKind.UNSUPPORTED_VERSION, f"slip format KS{version.group(1)} is not read here"
                )
            return SlipProblem(SlipProblemKind.MALFORMED, "not a slip payload (wrong fields or characters)")
        if shape["version"] != str(VERSION):
            return SlipProblem(
                SlipProblemKind.UNSUPPORTED_VERSION, f"slip format KS{shape['version']} is not read here"
            )
        if shape["station"] != self.station_id:
            return SlipProblem(
                SlipProblemKind.WRONG_STATION,
                f"slip issued by station {shape['station']}, this is {self.station_id}",
            )
        candidates = self._keys.get(shape["kid"])
        if not candidates:
            return SlipProblem(
                SlipProblemKind.UNKNOWN_KEY, f"slip signed with key {shape['kid']}, which this station lacks"
            )
        signed = text[: shape.start("mac") - 1]
        if not any(hmac.compare_digest(self._mac(k, signed), shape["mac"]) for k in candidates):
            return SlipProblem(SlipProblemKind.FORGED, "the slip's MAC does not match: altered or forged")
        if not is_valid(shape["code"]):  # only a signer bug could get here
            return SlipProblem(SlipProblemKind.MALFORMED, "signed slip carries an invalid tracking code")
        return VerifiedSlip(shape["code"], shape["station"], shape["kid"], VERSION)
