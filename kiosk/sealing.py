"""Personal data at rest: JSON objects sealed with AES-256-GCM.

Blob layout: ``version (1 byte) | nonce (12 bytes) | ciphertext + GCM tag (16 bytes)``.
The version byte and the caller's `context` (e.g. the tracking code of the row) are authenticated
as associated data, so a blob copied into another row, or a version byte flipped, fails to open
instead of yielding someone else's data.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.keyfile import KeyFileSizeError, read_or_create_key

KEY_SIZE = 32
VERSION = 1
_NONCE_SIZE = 12  # 96-bit random nonces: safe far beyond a station's lifetime of writes per key
_HEADER = 1 + _NONCE_SIZE
_TAG_SIZE = 16


class SealError(Exception):
    """Cannot open a sealed blob (wrong key, altered or truncated data) or use a key."""


class Sealer:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise SealError(f"sealing key must be {KEY_SIZE} bytes, got {len(key)}")
        self._aead = AESGCM(key)

    def seal(self, obj: dict[str, Any], *, context: bytes = b"") -> bytes:
        """Encrypt a JSON-serialisable dict; `context` must be given again to open it."""
        plaintext = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
        nonce = os.urandom(_NONCE_SIZE)
        header = bytes([VERSION]) + nonce
        return header + self._aead.encrypt(nonce, plaintext, header[:1] + context)

    def open(self, blob: bytes, *, context: bytes = b"") -> dict[str, Any]:
        if len(blob) < _HEADER + _TAG_SIZE:
            raise SealError(f"sealed blob too short ({len(blob)} bytes): truncated or not sealed")
        if blob[0] != VERSION:
            raise SealError(f"unknown sealed-blob version {blob[0]} (this program reads {VERSION})")
        try:
            plaintext = self._aead.decrypt(blob[1:_HEADER], blob[_HEADER:], blob[:1] + context)
        except InvalidTag:
            msg = "sealed data failed authentication: wrong key, or the data was altered"
            raise SealError(msg) from None
        try:
            obj = json.loads(plaintext)
        except ValueError as exc:  # authenticated but not JSON: written by a buggy program
            raise SealError(f"sealed data is not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise SealError(f"sealed data is a JSON {type(obj).__name__}, expected an object")
        return obj


def load_or_create_key(path: Path) -> bytes:
    """Read the station's sealing key, creating a random one (mode 0600) on first start.

    Losing this file makes every stored dossier unreadable: back it up with the database.
    """
    try:
        return read_or_create_key(path, KEY_SIZE)
    except KeyFileSizeError as exc:
        raise SealError(
            f"key file {path} holds {exc.size} bytes, expected {KEY_SIZE}: refusing to use it "
            "(a truncated or wrong file; restore it from backup rather than replacing it, or "
            "stored dossiers cannot be read)"
        ) from None
