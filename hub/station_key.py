"""A station's request key: Ed25519, 32 raw private bytes in a 0600 file (`kiosk.keyfile` rules).

Made only by `kiosk hub enrol`; a key already there is kept, never replaced behind anyone's back
(re-enrolling with it binds the same key again). Its id, the signatures' `keyid`, is derived from
the public key, so the hub and the station compute the same one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.keyfile import KeyFileSizeError, KeyProblem, create_key, read_key

KEY_SIZE = 32


def request_key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(b"kiosk-hub-request-key\x00" + raw).hexdigest()[:32]


def _read(path: Path) -> bytes | None:
    try:
        return read_key(path, KEY_SIZE)
    except KeyFileSizeError as exc:
        raise KeyProblem(
            f"hub request key file {exc.path} holds {exc.size} bytes, expected {KEY_SIZE}: restore it, "
            "or move it away and enrol again with a new code"
        ) from None
    except OSError as exc:
        raise KeyProblem(f"hub request key file {path} cannot be read: {exc.strerror or exc}") from None


def load_request_key(path: Path) -> Ed25519PrivateKey:
    """The station's key; `KeyProblem` when there is none (the station was never enrolled)."""
    raw = _read(path)
    if raw is None:
        raise KeyProblem(
            f"hub request key file {path} is missing: enrol this station with `kiosk hub enrol --hub URL "
            "CODE` (a code from the hub), or restore the file"
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


def make_request_key(path: Path) -> Ed25519PrivateKey:
    """The key at `path`, made if there is none (only `kiosk hub enrol` calls this)."""
    raw = _read(path)
    if raw is None:
        try:
            raw = create_key(path, KEY_SIZE)
        except OSError as exc:
            raise KeyProblem(f"hub request key file {path} cannot be made: {exc.strerror or exc}") from None
    return Ed25519PrivateKey.from_private_bytes(raw)
