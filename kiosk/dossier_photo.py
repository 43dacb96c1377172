"""The applicant's face from the chip (DG2), kept with the dossier for the officer who checks it.

It is personal data like the rest: sealed (`kiosk.sealing`) before it reaches the repository,
bound to the dossier's tracking code, stored apart from the dossier's row (lists and searches
never read it) and purged with the dossier. The face is the one the kiosk showed the citizen:
JPEG as on the chip, or PNG where the chip held JPEG 2000 (`kiosk.ports.card.CardRead.face`),
so any browser shows it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from kiosk.sealing import Sealer

_CONTEXT = b"dossier-photo\x00"
_KINDS = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
MAX_BYTES = 512 * 1024  # a chip's face is ~15–20 KB; anything far larger is not one


@dataclass(frozen=True)
class Photo:
    media_type: str
    image: bytes


def photo_context(tracking_code: str) -> bytes:
    return _CONTEXT + tracking_code.encode()


def media_type(image: bytes) -> str | None:
    """image/jpeg or image/png by the file's own signature; None for anything else."""
    return next((kind for magic, kind in _KINDS if image.startswith(magic)), None)


def seal_photo(sealer: Sealer, tracking_code: str, image: bytes) -> bytes | None:
    """The sealed photo, or None when `image` is no JPEG or PNG face (nothing is stored then)."""
    kind = media_type(image)
    if kind is None or len(image) > MAX_BYTES:
        return None
    content = {"media_type": kind, "image": base64.b64encode(image).decode("ascii")}
    return sealer.seal(content, context=photo_context(tracking_code))


def open_photo(sealer: Sealer, tracking_code: str, sealed: bytes) -> Photo:
    """Raises `kiosk.sealing.SealError` when it cannot be opened (wrong key, altered, moved)."""
    content = sealer.open(sealed, context=photo_context(tracking_code))
    return Photo(str(content["media_type"]), base64.b64decode(content["image"]))
