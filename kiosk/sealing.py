"""Personal data at rest: JSON objects sealed with AES-256-GCM.

Blob layout (version 2): ``version (1 byte) | key id (4 bytes) | nonce (12 bytes) | ciphertext +
GCM tag (16 bytes)``. The key id (`key_id`, a hash of the key) says which key sealed a blob, so a
station holding several keys (after `kiosk keys rotate`, or a backup restored from before it)
opens each blob with the right one, and a blob it cannot open is reported as "sealed with key X,
this station has Y" rather than as damaged. Version 1 blobs (no key id, written before keys could
rotate) are still read: every held key is tried.

The version byte, the key id and the caller's `context` (e.g. the tracking code of the row) are
authenticated as associated data, so a blob copied into another row, or a header byte flipped,
fails to open instead of yielding someone else's data.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_SIZE = 32
VERSION = 2
_V1 = 1
_KEY_ID_SIZE = 4
_NONCE_SIZE = 12  # 96-bit random nonces: safe far beyond a station's lifetime of writes per key
_TAG_SIZE = 16
_KEY_ID_CONTEXT = b"kiosk-data-key-id\x00"


class SealError(Exception):
    """Cannot open a sealed blob (wrong key, altered or truncated data) or use a key."""


def key_id(key: bytes) -> str:
    """A data key's public name: 8 hex digits of a hash of it (never the key itself)."""
    return hashlib.sha256(_KEY_ID_CONTEXT + key).digest()[:_KEY_ID_SIZE].hex().upper()


def blob_key_id(blob: bytes) -> str | None:
    """The id of the key that sealed `blob`; None for a version 1 blob or one too short to say."""
    if len(blob) < 1 + _KEY_ID_SIZE or blob[0] != VERSION:
        return None
    return blob[1 : 1 + _KEY_ID_SIZE].hex().upper()


class Sealer:
    """Seals with `key`; opens with it or any of `old_keys` (kept so older rows stay readable)."""

    def __init__(self, key: bytes, *, old_keys: Sequence[bytes] = ()) -> None:
        for k in (key, *old_keys):
            if len(k) != KEY_SIZE:
                raise SealError(f"sealing key must be {KEY_SIZE} bytes, got {len(k)}")
        self.key_id = key_id(key)
        self._aead = AESGCM(key)
        self._by_id: dict[str, AESGCM] = {key_id(k): AESGCM(k) for k in (*old_keys, key)}

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Every key this sealer opens with, the sealing key first."""
        return (self.key_id, *sorted(set(self._by_id) - {self.key_id}))

    def seal(self, obj: dict[str, Any], *, context: bytes = b"") -> bytes:
        """Encrypt a JSON-serialisable dict; `context` must be given again to open it."""
        plaintext = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
        nonce = os.urandom(_NONCE_SIZE)
        header = bytes([VERSION]) + bytes.fromhex(self.key_id)
        return header + nonce + self._aead.encrypt(nonce, plaintext, header + context)

    def seal_bytes(self, data: bytes, *, context: bytes = b"") -> bytes:
        """Encrypt raw bytes (an attachment's chunk) the way `seal` does a dict."""
        nonce = os.urandom(_NONCE_SIZE)
        header = bytes([VERSION]) + bytes.fromhex(self.key_id)
        return header + nonce + self._aead.encrypt(nonce, data, header + context)

    def open_bytes(self, blob: bytes, *, context: bytes = b"") -> bytes:
        if not blob or blob[0] != VERSION:
            raise SealError("not a sealed byte string of this version: truncated or not sealed")
        return self._open_v2(blob, context)

    def open(self, blob: bytes, *, context: bytes = b"") -> dict[str, Any]:
        if not blob:
            raise SealError("sealed blob is empty: truncated or not sealed")
        if blob[0] == VERSION:
            plaintext = self._open_v2(blob, context)
        elif blob[0] == _V1:
            plaintext = self._open_v1(blob, context)
        else:
            raise SealError(f"unknown sealed-blob version {blob[0]} (this program reads 1 and {VERSION})")
        try:
            obj = json.loads(plaintext)
        except ValueError as exc:  # authenticated but not JSON: written by a buggy program
            raise SealError(f"sealed data is not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise SealError(f"sealed data is a JSON {type(obj).__name__}, expected an object")
        return obj

    def _open_v2(self, blob: bytes, context: bytes) -> bytes:
        header = 1 + _KEY_ID_SIZE
        if len(blob) < header + _NONCE_SIZE + _TAG_SIZE:
            raise SealError(f"sealed blob too short ({len(blob)} bytes): truncated or not sealed")
        kid = blob[1:header].hex().upper()
        aead = self._by_id.get(kid)
        if aead is None:
            have = ", ".join(self.key_ids)
            raise SealError(f"sealed with key {kid}, this station has key {have}: restore key {kid}")
        nonce, body = blob[header : header + _NONCE_SIZE], blob[header + _NONCE_SIZE :]
        try:
            return aead.decrypt(nonce, body, blob[:header] + context)
        except InvalidTag:
            raise SealError(f"sealed data (key {kid}) failed authentication: the data was altered") from None

    def _open_v1(self, blob: bytes, context: bytes) -> bytes:
        if len(blob) < 1 + _NONCE_SIZE + _TAG_SIZE:
            raise SealError(f"sealed blob too short ({len(blob)} bytes): truncated or not sealed")
        nonce, body = blob[1 : 1 + _NONCE_SIZE], blob[1 + _NONCE_SIZE :]
        for aead in self._by_id.values():
            try:
                return aead.decrypt(nonce, body, blob[:1] + context)
            except InvalidTag:
                continue
        msg = "sealed data failed authentication: wrong key, or the data was altered"
        raise SealError(msg)
