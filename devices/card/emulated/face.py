"""A generated face picture for the emulated chip's DG2 (no real person's photo is ever bundled)."""

from __future__ import annotations

import hashlib
import io
import random
from functools import lru_cache

from PIL import Image, ImageDraw

SMALL = "small"  # ~3–5 KB, fast tests
LARGE = "large"  # ~20 KB, like a real CCCD DG2


JPEG = "jpeg"
JP2 = "jp2"  # JPEG 2000 (needs Pillow built with OpenJPEG)


@lru_cache(maxsize=32)
def make_face_jpeg(seed: str, size: str = SMALL, image_format: str = JPEG) -> tuple[bytes, int, int]:
    """Return (image bytes, width, height) of a simple drawn portrait, deterministic per `seed`."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    width, height = (240, 320) if size == LARGE else (120, 160)
    image = Image.new("RGB", (width, height), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    skin = (rng.randint(190, 235), rng.randint(150, 200), rng.randint(120, 170))
    hair = (rng.randint(10, 60),) * 3
    cx, cy = width // 2, int(height * 0.45)
    rx, ry = int(width * 0.3), int(height * 0.3)
    draw.rectangle((cx - rx - 10, cy + ry - 10, cx + rx + 10, height), fill=(40, 60, 110))
    draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=skin)
    draw.chord((cx - rx, cy - ry - 6, cx + rx, cy), 180, 360, fill=hair)
    eye = max(3, width // 40)
    for dx in (-rx // 2, rx // 2):
        draw.ellipse((cx + dx - eye, cy - eye, cx + dx + eye, cy + eye), fill=(30, 30, 30))
    draw.arc((cx - rx // 2, cy + ry // 4, cx + rx // 2, cy + ry // 2 + 10), 20, 160, fill=(120, 40, 40))
    if size == LARGE:
        # Photographic grain, so the JPEG weighs what a real DG2 does (~20 KB).
        # Drawn from the seeded generator (not Image.effect_noise, which is unseeded), so that a
        # card weighs the same in every process and APDU counts are reproducible.
        grain = Image.frombytes("L", (width, height), rng.randbytes(width * height)).convert("RGB")
        image = Image.blend(image, grain, 0.1)
    out = io.BytesIO()
    if image_format == JP2:
        # ICAO 9303-10 allows JPEG 2000 in DG2; compression ratio picked to land near the JPEG sizes.
        image.save(
            out,
            "JPEG2000",
            irreversible=True,
            quality_mode="rates",
            quality_layers=[12 if size == LARGE else 40],
        )
    else:
        image.save(out, "JPEG", quality=85 if size == LARGE else 60)
    return out.getvalue(), width, height
