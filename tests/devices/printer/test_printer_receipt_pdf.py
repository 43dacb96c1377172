"""The rendered receipt PDF, checked the way a reader sees it: text, fonts, size, pixels, QR."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import subprocess
import unicodedata
from importlib.resources import files
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFile

from devices.printer import receipt_pdf
from devices.printer.receipt_pdf import render_receipt_pdf, wrap
from devices.printer.sample import sample_receipt
from kiosk.receipt import Receipt

NAME = "Hoàng Đình Nguyễn Thượng Khải Hoàn"
ADDRESS = (
    "Số 18, ngõ 124 phố Nguyễn Khắc Nhu, tổ dân phố số 7, phường Trúc Bạch, quận Ba Đình,"
    " thành phố Hà Nội, Việt Nam"
)
MM = 72 / 25.4


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def flat(text: str) -> str:
    """Extracted text as one NFC line: wrapping may put a line break anywhere between words."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def receipt() -> Receipt:
    # Name, address and station arrive decomposed (as from some card chips) and must print NFC.
    # The station name starts the page with stacked-mark capitals (Ễ, Ế): the tallest glyphs.
    return dataclasses.replace(
        sample_receipt(),
        station_name=nfd("CÔNG AN PHƯỜNG NGUYỄN TRÃI, QUẬN BẾN NGHÉ"),
        citizen_name=nfd(NAME),
        lines=[("Số định danh", "001090012345"), ("Nơi thường trú", nfd(ADDRESS))],
    )


@pytest.fixture(scope="module")
def pdf_path(receipt: Receipt, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("receipt") / "receipt.pdf"
    path.write_bytes(render_receipt_pdf(receipt))
    return path


def rasterise(pdf: Path, dpi: int) -> Path:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(prefix)], check=True)
    return prefix.with_suffix(".png")


def test_one_page_80_mm_wide(pdf_path: Path) -> None:
    pages = PdfReader(pdf_path).pages
    assert len(pages) == 1
    assert float(pages[0].mediabox.width) == pytest.approx(226.77, abs=0.01)


def test_text_extracts_exactly_with_pypdf(pdf_path: Path, receipt: Receipt) -> None:
    text = flat(PdfReader(pdf_path).pages[0].extract_text())
    assert NAME in text
    assert "7K3QX-M9T2B" in text
    assert ADDRESS in text
    assert "CÔNG AN PHƯỜNG NGUYỄN TRÃI, QUẬN BẾN NGHÉ" in text
    assert flat(receipt.service_title) in text
    assert "Mã thủ tục: 1.003677" in text
    assert "26/11/2026 14:05" in text
    assert "Không thu lệ phí" in text
    assert "015" in text
    assert flat(receipt.next_steps) in text
    assert flat(receipt.where_to_ask) in text


def test_text_extracts_with_pdftotext(pdf_path: Path) -> None:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], check=True, capture_output=True
    ).stdout.decode()
    # pdftotext hands back exactly what was drawn: NFC, no decomposed marks left over.
    assert unicodedata.is_normalized("NFC", out)
    # Long names shrink a little rather than wrap: the whole name stays on one line.
    assert NAME in [line.strip() for line in out.splitlines()]
    assert "7K3QX-M9T2B" in out


def test_fonts_embedded_as_subsets(pdf_path: Path) -> None:
    out = subprocess.run(["pdffonts", str(pdf_path)], check=True, capture_output=True, text=True)
    rows = out.stdout.splitlines()[2:]
    assert rows, out.stdout
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert re.fullmatch(r"[A-Z]{6}\+BeVietnamPro-(Regular|SemiBold|Bold)", name), row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_qr_decodes_to_payload(pdf_path: Path, receipt: Receipt) -> None:
    png = rasterise(pdf_path, 200)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == receipt.qr_payload


def test_ink_inside_margins_and_page_fitted(pdf_path: Path) -> None:
    """Nothing clipped at any edge (stacked marks on the top line included), no blank tail."""
    png = rasterise(pdf_path, 150)
    with Image.open(png) as img:
        gray = img.convert("L")
    ink = gray.point(lambda v: 255 if v < 160 else 0).getbbox()
    assert ink is not None
    left, top, right, bottom = (v / 150 * 25.4 for v in ink)  # mm
    width_mm, height_mm = gray.width / 150 * 25.4, gray.height / 150 * 25.4
    assert left >= 3.5 and width_mm - right >= 3.5  # inside the 72 mm printable band
    assert 3 <= top <= 8
    assert 3 <= height_mm - bottom <= 12


def test_height_follows_content(receipt: Receipt) -> None:
    short = dataclasses.replace(receipt, lines=[], next_steps="", where_to_ask="", queue_number="")
    long = dataclasses.replace(receipt, lines=[*receipt.lines] * 4)

    def height(r: Receipt) -> float:
        return float(PdfReader(io.BytesIO(render_receipt_pdf(r))).pages[0].mediabox.height)

    assert height(short) < height(receipt) < height(long)


def test_same_receipt_same_bytes(receipt: Receipt) -> None:
    assert render_receipt_pdf(receipt) == render_receipt_pdf(receipt)


def test_line_spacing_clears_the_fonts_tallest_glyphs() -> None:
    """If the bundled font changes, the clipping guard must be re-measured."""
    for face in ("Regular", "SemiBold", "Bold"):
        data = files("resources.fonts").joinpath(f"BeVietnamPro-{face}.ttf").read_bytes()
        font = TTFontFile(io.BytesIO(data))
        units = 1000  # all three faces are 1000 units per em
        _, y_min, _, y_max = font.bbox
        assert receipt_pdf.GLYPH_TOP * units >= y_max
        assert receipt_pdf.GLYPH_BOTTOM * units >= -y_min
    assert receipt_pdf.LEADING >= receipt_pdf.GLYPH_TOP + receipt_pdf.GLYPH_BOTTOM


class TestWrap:
    FONT = receipt_pdf.REGULAR
    SIZE = 9.5
    WIDTH = 72 * MM

    @pytest.fixture(autouse=True)
    def _fonts(self) -> None:
        receipt_pdf.register_fonts()

    def width(self, text: str) -> float:
        return receipt_pdf._width(text, self.FONT, self.SIZE)

    def test_lines_fit_and_keep_every_word(self) -> None:
        lines = wrap(ADDRESS, self.FONT, self.SIZE, self.WIDTH)
        assert len(lines) >= 2
        assert all(self.width(line) <= self.WIDTH for line in lines)
        assert " ".join(lines) == ADDRESS

    def test_greedy_fills_lines(self) -> None:
        lines = wrap(ADDRESS, self.FONT, self.SIZE, self.WIDTH)
        for line, following in itertools.pairwise(lines):
            assert self.width(f"{line} {following.split()[0]}") > self.WIDTH

    def test_word_longer_than_a_line_is_broken(self) -> None:
        word = "Nghiêng" * 20
        lines = wrap(word, self.FONT, self.SIZE, self.WIDTH)
        assert len(lines) > 1
        assert "".join(lines) == word
        assert all(self.width(line) <= self.WIDTH for line in lines)

    def test_first_line_after_label(self) -> None:
        lines = wrap(ADDRESS, self.FONT, self.SIZE, self.WIDTH, first_width=30 * MM)
        assert self.width(lines[0]) <= 30 * MM
        assert all(self.width(line) <= self.WIDTH for line in lines[1:])
        assert " ".join(lines) == ADDRESS
        # No room for even one word after the label: the value starts on the next line.
        assert wrap("Thượng", self.FONT, self.SIZE, self.WIDTH, first_width=1) == ["", "Thượng"]

    def test_line_breaks_kept(self) -> None:
        assert wrap("Bước 1\nBước 2", self.FONT, self.SIZE, self.WIDTH) == ["Bước 1", "Bước 2"]

    def test_balanced_wrap_has_no_orphan(self) -> None:
        text = "Công an phường Hoàn Kiếm, thành phố Hà Nội"
        greedy = wrap(text, receipt_pdf.SEMIBOLD, 9.5, self.WIDTH)
        balanced = receipt_pdf.balanced_wrap(text, receipt_pdf.SEMIBOLD, 9.5, self.WIDTH)
        assert len(balanced) == len(greedy) == 2
        assert len(balanced[-1].split()) > 1
        assert " ".join(balanced) == text


def test_qr_png_keeps_quiet_zone() -> None:
    """Four white modules round the symbol (ISO/IEC 18004): scanners need them on paper."""
    with Image.open(io.BytesIO(receipt_pdf.qr_png("https://example.vn/?ma=7K3QX-M9T2B"))) as img:
        gray = img.convert("L")
    quiet = 4  # modules, one pixel each
    ink = gray.point(lambda v: 255 if v < 128 else 0).getbbox()
    assert ink == (quiet, quiet, gray.width - quiet, gray.height - quiet)


def test_awkward_text_stays_inside_the_paper(tmp_path: Path) -> None:
    """Over-long labels, unbreakable values and codes wrap or shrink instead of running off."""
    awkward = dataclasses.replace(
        sample_receipt(),
        tracking_code="7K3QX-M9T2B-7K3QX-M9T2B-7K3QX",
        citizen_name="Tôn Nữ Thị Hoàng Phượng Nguyễn Huỳnh Thượng Khải Hoàn Anh",
        lines=[
            ("Nơi đăng ký thường trú trước khi chuyển đến nơi ở hiện tại", "Hà Nội"),
            ("Mã", "https://dichvucong.bocongan.gov.vn/tra-cuu/ho-so/7K3QX-M9T2B-000000000"),
        ],
    )
    pdf = tmp_path / "awkward.pdf"
    pdf.write_bytes(render_receipt_pdf(awkward))
    with Image.open(rasterise(pdf, 150)) as img:
        gray = img.convert("L")
    ink = gray.point(lambda v: 255 if v < 160 else 0).getbbox()
    assert ink is not None
    left, right = ink[0] / 150 * 25.4, ink[2] / 150 * 25.4
    assert left >= 3.5 and gray.width / 150 * 25.4 - right >= 3.5
    text = flat(PdfReader(pdf).pages[0].extract_text())
    assert "Nơi đăng ký thường trú trước khi chuyển đến nơi ở hiện tại" in text
    assert "7K3QX-M9T2B-7K3QX-M9T2B-7K3QX" in text
