"""The thermal raster: 1-bit, printer width, Vietnamese drawn (not code-paged), QR scannable."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from devices.printer import raster
from devices.printer.layout import receipt_blocks
from devices.printer.raster import (
    BOLD,
    MARGIN_TOP,
    REGULAR,
    QrSlot,
    font,
    native_qr_module_dots,
    render_receipt_image,
    render_receipt_raster,
)
from devices.printer.sample import sample_receipt


def ink_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box of the black dots of a mode "1" image."""
    return ImageChops.invert(image.convert("L")).getbbox()


@pytest.mark.parametrize("dot_width", [576, 512, 384])
def test_image_is_one_bit_at_the_printer_width(dot_width: int) -> None:
    image = render_receipt_image(sample_receipt(), dot_width)
    assert image.mode == "1" and image.width == dot_width
    box = ink_box(image)
    assert box is not None
    left, top, right, bottom = box
    assert left >= 1 and right <= dot_width - 1, "ink must stay inside the printable width"
    assert top >= MARGIN_TOP // 2 and bottom <= image.height - 1


def test_too_narrow_a_printer_is_refused() -> None:
    with pytest.raises(ValueError, match="too narrow"):
        render_receipt_raster(sample_receipt(), 96)


def test_cached_glyphs_match_pillows_own_drawing() -> None:
    # Face.draw pastes cached glyph bitmaps; Pillow drawing the string itself must agree on where
    # every line's ink is (to a dot), and on all but a few stray dots of it (5 % at the smallest size).
    lines = [
        "Nơi thường trú: Số 18, ngõ 124 phố Nguyễn Khắc Nhu",
        "PHIẾU TIẾP NHẬN HỒ SƠ — Ẫ ỹ Ợ ₫",
        "7K3QX-M9T2B",
    ]
    for face, size in [(REGULAR, 7.5), (REGULAR, 8.5), (BOLD, 12), (BOLD, 26)]:
        f = font(face, size)
        for line in lines:
            ours = Image.new("1", (1400, 140), 1)
            f.draw(ImageDraw.Draw(ours), 10, 100, line)
            theirs = Image.new("1", (1400, 140), 1)
            draw = ImageDraw.Draw(theirs)
            draw.fontmode = "1"
            draw.text((10, 100), line, font=f.font, fill=0, anchor="ls")
            a, b = ink_box(ours), ink_box(theirs)
            assert a is not None and b is not None
            assert all(abs(p - q) <= 1 for p, q in zip(a, b, strict=True)), (face, size, line, a, b)
            ink = ImageChops.invert(theirs.convert("L")).histogram()[255]
            # Pillow puts the whole string a row higher when some symbols (₫) are in it; ours
            # keeps every line on its baseline. Compare at the best of the three alignments.
            differing = min(
                ImageChops.difference(
                    ours.convert("L"), ImageChops.offset(theirs, 0, dy).convert("L")
                ).histogram()[255]
                for dy in (-1, 0, 1)
            )
            assert differing <= 0.05 * ink, (face, size, line, differing, ink)


def test_stacked_marks_are_not_clipped() -> None:
    # Capitals with two marks reach highest; the first line must still start below the top edge.
    receipt = dataclasses.replace(sample_receipt(), station_name="ẪỄỖ ẴẲ ỀỂ")
    image = render_receipt_image(receipt)
    box = ink_box(image)
    assert box is not None and box[1] > 2


def test_diacritics_are_drawn_not_replaced() -> None:
    # Every Vietnamese letter differs from its bare form on the slip (no '?' from a code page).
    plain = dataclasses.replace(sample_receipt(), citizen_name="Nguyen Thi Hong")
    marked = dataclasses.replace(sample_receipt(), citizen_name="Nguyễn Thị Hồng")
    a, b = render_receipt_image(plain), render_receipt_image(marked)
    assert a.size == b.size
    diff = ImageChops.difference(a.convert("L"), b.convert("L")).getbbox()
    assert diff is not None
    question = dataclasses.replace(sample_receipt(), citizen_name="Nguy?n Th? H?ng")
    c = render_receipt_image(question)
    assert ImageChops.difference(b.convert("L"), c.convert("L")).getbbox() is not None


def test_decomposed_input_prints_like_composed() -> None:
    import unicodedata

    name = "Hoàng Đình Nguyễn Thượng Khải Hoàn"
    nfd = dataclasses.replace(sample_receipt(), citizen_name=unicodedata.normalize("NFD", name))
    nfc = dataclasses.replace(sample_receipt(), citizen_name=name)
    a, b = render_receipt_image(nfd), render_receipt_image(nfc)
    assert ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


def test_every_block_takes_room() -> None:
    # Drawn from receipt_blocks, as the PDF: taking any optional part away shortens the slip.
    full = render_receipt_image(sample_receipt()).height
    for change in [{"queue_number": ""}, {"fee_text": ""}, {"next_steps": ""}, {"lines": []}]:
        shorter = dataclasses.replace(sample_receipt(), **change)  # type: ignore[arg-type]
        assert len(receipt_blocks(shorter)) < len(receipt_blocks(sample_receipt()))
        assert render_receipt_image(shorter).height < full, change


def test_native_qr_leaves_a_slot_between_two_images() -> None:
    receipt = sample_receipt()
    pieces = render_receipt_raster(receipt, native_qr=True)
    assert [type(p) for p in pieces] == [Image.Image, QrSlot, Image.Image]
    slot = pieces[1]
    assert isinstance(slot, QrSlot) and slot.payload == receipt.qr_payload
    # 33 modules (version 4) x 8 dots ≈ 33 mm, as the PDF's 34 mm.
    assert slot.module_dots == 9  # 38 mm × 8 dots // 33 modules (version 4)
    assert native_qr_module_dots("x" * 600) >= 1  # a huge payload still gets a valid size


def test_image_qr_scans(tmp_path: Path) -> None:
    exe = shutil.which("zbarimg")
    assert exe, "zbarimg (Debian zbar-tools) is needed"
    receipt = dataclasses.replace(
        sample_receipt(), qr_payload="https://example.vn/tra-cuu?ma=7K3QX-M9T2B&x=1"
    )
    path = tmp_path / "slip.png"
    render_receipt_image(receipt).save(path)
    out = subprocess.run([exe, "--raw", "-q", str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == receipt.qr_payload


def test_qr_modules_are_whole_dots() -> None:
    image = raster.qr_image("7K3QXM9T2B")
    n = len(raster.qr_matrix("7K3QXM9T2B"))
    assert image.width == image.height and image.width % n == 0
    assert image.width <= raster.QR_SIZE


def test_measured_widths_stay_bounded_over_many_receipts() -> None:
    """Each receipt brings texts never seen before (names, codes): the width memo must not grow
    with every receipt a station prints."""
    from devices.printer.raster import BOLD, WIDTHS_KEPT, Face

    face = Face(BOLD, 12)
    for n in range(3 * WIDTHS_KEPT):
        assert face.length(f"Mã hồ sơ {n:06d}") == face.font.getlength(f"Mã hồ sơ {n:06d}")
    assert 0 < len(face._widths) <= WIDTHS_KEPT
