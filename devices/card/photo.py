"""The DG2 face image in a form any UI can show.

Chips store JPEG or JPEG 2000. Qt and most toolkits show JPEG; JPEG 2000 needs a plugin that is
often missing, so `displayable` converts it to PNG with Pillow (built with OpenJPEG:
`PIL.features.check("jpg_2000")`). Nothing here imports a UI toolkit.

The image comes from the chip, so it is untrusted: only the one decoder its magic names is
used, its declared size is checked before any pixel is decoded, and whatever Pillow raises
becomes `PhotoError` (the citizen then goes on without a photo).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from devices.card.icao.lds.dg2 import image_format
from devices.card.icao.lds.errors import LdsError

# ISO/IEC 19794-5 faces on ID documents are well under a megapixel (CCCD: 480 × 640); four
# megapixels leaves room for any real document and keeps a decoded face under 16 MB of RGBA.
# Pillow's own limit (Image.MAX_IMAGE_PIXELS, ~89 Mpx) is global and far too generous here.
MAX_FACE_PIXELS = 4_000_000
_PILLOW_FORMATS = {"jpeg": ["JPEG"], "jp2": ["JPEG2000"]}


class PhotoError(ValueError):
    """The image cannot be decoded (corrupt, too large, or JPEG 2000 without OpenJPEG support)."""


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
    """JPEG passes through (validated); JPEG 2000 becomes PNG. Raises `PhotoError` only."""
    from PIL import Image

    try:
        kind = image_format(image)
    except LdsError as exc:
        raise PhotoError(str(exc)) from exc
    if kind == "jp2" and not jpeg2000_supported():
        raise PhotoError("this Pillow has no JPEG 2000 (OpenJPEG) support")
    try:
        with Image.open(io.BytesIO(image), formats=_PILLOW_FORMATS[kind]) as picture:
            width, height = picture.size
            if width * height > MAX_FACE_PIXELS:
                raise PhotoError(f"the face image declares {width} × {height} pixels")
            picture.load()
            if kind == "jpeg":
                return Photo(image, "image/jpeg", width, height)
            out = io.BytesIO()
            picture.convert("RGB").save(out, "PNG")
            return Photo(out.getvalue(), "image/png", width, height)
    except PhotoError:
        raise
    except Exception as exc:
        # Pillow's decoders raise OSError, SyntaxError, struct.error, DecompressionBombError,
        # MemoryError…: none of it may fail a card read.
        raise PhotoError(f"the face image cannot be decoded: {exc!r}") from exc
