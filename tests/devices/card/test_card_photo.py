"""The DG2 face made displayable: whatever the chip holds, `displayable` gives a Photo or raises
PhotoError — decompression bombs, sizes beyond any face, corrupt and truncated images included."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from devices.card.emulated import face
from devices.card.icao.lds.dg2 import build_dg2, parse_dg2
from devices.card.photo import MAX_FACE_PIXELS, PhotoError, displayable, jpeg2000_supported

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JPEG, WIDTH, HEIGHT = face.make_face_jpeg("photo")
needs_jp2 = pytest.mark.skipif(not jpeg2000_supported(), reason="Pillow without OpenJPEG")


def _through_dg2(image: bytes) -> bytes:
    """The image as the reader gets it back: inside a DG2 facial record, parsed out again."""
    return parse_dg2(build_dg2(image, WIDTH, HEIGHT)).image


def _jp2_declaring(width: int, height: int) -> bytes:
    """A JPEG 2000 face whose header box (ISO/IEC 15444-1 §I.5.3.1 ihdr) and codestream (SIZ,
    §A.5.1) both claim `width` × `height`."""
    jp2, _, _ = face.make_face_jpeg("photo", image_format=face.JP2)
    at = jp2.index(b"ihdr") + 4  # HEIGHT (4), WIDTH (4)
    jp2 = jp2[:at] + height.to_bytes(4, "big") + width.to_bytes(4, "big") + jp2[at + 8 :]
    siz = jp2.index(b"\xff\x51") + 6  # marker, Lsiz (2), Rsiz (2), then Xsiz (4) and Ysiz (4)
    return jp2[:siz] + width.to_bytes(4, "big") + height.to_bytes(4, "big") + jp2[siz + 8 :]


def test_a_valid_face_is_shown() -> None:
    photo = displayable(_through_dg2(JPEG))
    assert (photo.mime, photo.width, photo.height, photo.data) == ("image/jpeg", WIDTH, HEIGHT, JPEG)


def test_a_decompression_bomb_is_a_photo_error(face_bomb: bytes) -> None:
    assert len(face_bomb) < 10_000
    with pytest.raises(PhotoError) as info:
        displayable(_through_dg2(face_bomb))
    assert isinstance(info.value.__cause__, Image.DecompressionBombError)  # was raised as is


def test_a_size_beyond_any_face_is_refused_before_decoding(
    jpeg_declaring: Callable[[bytes, int, int], bytes],
) -> None:
    # Under Pillow's own bomb limit (~89 Mpx), far over a face: refused from the header alone.
    big = jpeg_declaring(JPEG, 3000, 3000)
    assert MAX_FACE_PIXELS < 3000 * 3000
    with pytest.raises(PhotoError, match="3000 × 3000"):
        displayable(_through_dg2(big))


@needs_jp2
def test_a_jpeg2000_bomb_is_a_photo_error() -> None:
    with pytest.raises(PhotoError) as info:
        displayable(_through_dg2(_jp2_declaring(0xFFFFF, 0xFFFFF)))
    assert isinstance(info.value.__cause__, Image.DecompressionBombError)
    with pytest.raises(PhotoError, match="3000 × 3000"):
        displayable(_through_dg2(_jp2_declaring(3000, 3000)))


def test_a_jpeg_header_on_other_data_is_a_photo_error() -> None:
    with pytest.raises(PhotoError):
        displayable(b"\xff\xd8\xff" + b"GIF89a" * 20)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=100_000))
def test_a_truncated_face_is_shown_or_refused(cut: int) -> None:
    with contextlib.suppress(PhotoError):
        displayable(JPEG[: cut % len(JPEG)])


@FUZZ
@given(data=st.data())
def test_a_mutated_face_is_shown_or_refused(data: st.DataObject) -> None:
    image = bytearray(JPEG)
    for _ in range(data.draw(st.integers(1, 8))):
        image[data.draw(st.integers(3, len(image) - 1))] = data.draw(st.integers(0, 255))
    with contextlib.suppress(PhotoError):
        displayable(bytes(image))


@needs_jp2
@FUZZ
@given(data=st.data())
def test_a_mutated_jpeg2000_face_is_shown_or_refused(data: st.DataObject) -> None:
    jp2, _, _ = face.make_face_jpeg("photo", image_format=face.JP2)
    image = bytearray(jp2)
    for _ in range(data.draw(st.integers(1, 8))):
        image[data.draw(st.integers(12, len(image) - 1))] = data.draw(st.integers(0, 255))
    with contextlib.suppress(PhotoError):
        displayable(bytes(image))
