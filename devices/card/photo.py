"""The DG2 face image in a form any UI can show.

Chips store JPEG or JPEG 2000. Qt and most toolkits show JPEG; JPEG 2000 needs a plugin that is
often missing, so `displayable` converts it to PNG with Pillow (built with OpenJPEG:
`PIL.features.check("jpg_2000")`). Nothing here imports a UI toolkit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from devices.card.icao.lds.dg2 import image_format
from devices.card.icao.lds.errors import LdsError


class PhotoError(ValueError):
    """The image cannot be decoded (corrupt, or JPEG 2000 without OpenJPEG support)."""


@dataclass(frozen=True)
class Photo:
    data: bytes
    mime: str  # "image/jpeg" or "image/png"
    width: int
    height: int


def jpeg2000_supported() -> bool:
    from PIL import features

    return bool(features.check("jpg_2000"))


def displayable(image: bytes) -> Photo:
    """JPEG passes through (validated); JPEG 2000 becomes PNG."""
    from PIL import Image, UnidentifiedImageError

    try:
        kind = image_format(image)
    except LdsError as exc:
        raise PhotoError(str(exc)) from exc
    if kind == "jp2" and not jpeg2000_supported():
        raise PhotoError("this Pillow has no JPEG 2000 (OpenJPEG) support")
    try:
        with Image.open(io.BytesIO(image)) as picture:
            picture.load()
            if kind == "jpeg":
                return Photo(image, "image/jpeg", picture.width, picture.height)
            out = io.BytesIO()
            picture.convert("RGB").save(out, "PNG")
            return Photo(out.getvalue(), "image/png", picture.width, picture.height)
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise PhotoError(f"the face image cannot be decoded: {exc}") from exc
