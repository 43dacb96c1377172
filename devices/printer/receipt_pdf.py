"""The receipt as a PDF page sized for an 80 mm roll.

Layout is measured first (every block knows its height before anything is drawn), then the page
is created exactly as tall as the content and the blocks are drawn top-down: one pass of drawing,
no blank tail for the cutter to waste paper on.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from devices.printer import layout
from devices.printer.layout import (
    BOLD,
    CAP_HEIGHT,
    GLYPH_BOTTOM,
    GLYPH_TOP,
    LEADING,
    REGULAR,
    SEMIBOLD,
    Block,
    Code,
    Field,
    Qr,
    Rule,
    Section,
    Style,
    Text,
)
from kiosk.receipt import Receipt

PAGE_WIDTH = 80 * mm
# 80 mm thermal heads print 72 mm (576 dots at 203 dpi), centred on the roll.
MARGIN_X = 4 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
MARGIN_TOP = 5 * mm
MARGIN_BOTTOM = 8 * mm  # clear of the tear bar / cutter
GAP = 1.8 * mm  # between blocks
QR_SIZE = 38 * mm  # phones read it at arm's length; version 6 (49 modules with the quiet zone): ≥ 0.75 mm
QR_QUIET_ZONE = 4  # modules of white round the symbol

# Be Vietnam Pro's glyph box reaches 1.223 em above the baseline (capitals with stacked marks,
# e.g. "Ẫ") and 0.263 em below. Lines reserve that much, so nothing is clipped or overlaps.
# (font, size in pt) per text style
STYLES: dict[Style, tuple[str, float]] = {
    Style.STATION: (SEMIBOLD, 9.5),
    Style.DOC_TITLE: (BOLD, 12.5),
    Style.SERVICE: (BOLD, 10.5),
    Style.META: (REGULAR, 8.5),
    Style.NOTE: (REGULAR, 8),
}
FIELD_SIZE = 9.5
EMPHASIS_SIZE = 12.5
EMPHASIS_MIN_SIZE = 10.5
CODE_LABEL_SIZE = 9
CODE_MAX_SIZE = 26


@functools.cache
def register_fonts() -> None:
    """Register the bundled Be Vietnam Pro faces with reportlab (once per process).

    reportlab always embeds TTFs as subsets, so each PDF carries only the glyphs it uses.
    """
    fonts = files("resources.fonts")
    for name in (REGULAR, SEMIBOLD, BOLD):
        data = fonts.joinpath(f"{name}.ttf").read_bytes()
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


Words = list[list[tuple[str, float]]]  # paragraphs of (word, width in pt)


def _measure(text: str, font: str, size: float) -> Words:
    # Each word measured once: a TTF's stringWidth is a plain sum of advances (no kerning), so
    # line widths can be added up instead of re-measuring every candidate line.
    return [[(w, _width(w, font, size)) for w in para.split()] for para in text.split("\n")]


def _break(
    words: Words, font: str, size: float, width: float, first_width: float | None = None
) -> list[str]:
    space = _width(" ", font, size)
    lines: list[str] = []
    limit = width if first_width is None else first_width
    for paragraph in words:
        current: list[str] = []
        used = 0.0
        for word, w in paragraph:
            needed = used + space + w if current else w
            if needed <= limit:
                current.append(word)
                used = needed
                continue
            if current or w <= width:
                lines.append(" ".join(current))
                current, used, limit = [], 0.0, width
                if w <= limit:
                    current, used = [word], w
                    continue
            while w > limit:  # longer than a whole line: break between letters
                cut = len(word) - 1
                while cut > 1 and _width(word[:cut], font, size) > limit:
                    cut -= 1
                lines.append(word[:cut])
                word, limit = word[cut:], width
                w = _width(word, font, size)
            current, used = [word], w
        lines.append(" ".join(current))
        limit = width
    return lines


def wrap(text: str, font: str, size: float, width: float, first_width: float | None = None) -> list[str]:
    """Greedy word wrap measured in `font`; words wider than a line are broken between letters.

    `first_width` is the room left on the first line (after an inline label). If not even the
    first word fits there, the first line comes back empty and the text starts on the next.
    """
    return _break(_measure(text, font, size), font, size, width, first_width)


def balanced_wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """As few lines as `wrap`, but evened out: centred headings don't end on one orphan word."""
    words = _measure(text, font, size)
    lines = _break(words, font, size, width)
    if len(lines) < 2:
        return lines
    low, high = 0.0, width
    for _ in range(8):  # narrowest width (to ~1 pt) that still needs no extra line
        middle = (low + high) / 2
        if len(_break(words, font, size, middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return _break(words, font, size, high)


def _text_height(n_lines: int, size: float) -> float:
    return (GLYPH_TOP + GLYPH_BOTTOM) * size + (n_lines - 1) * LEADING * size


Draw = Callable[[Canvas, float], None]  # draws a block whose top edge is at y


@dataclass(frozen=True)
class _Placed:
    height: float
    draw: Draw


def _lines_block(lines: list[str], font: str, size: float, centered: bool) -> _Placed:
    def draw(c: Canvas, top: float) -> None:
        c.setFont(font, size)
        y = top - GLYPH_TOP * size
        for line in lines:
            if centered:
                c.drawCentredString(PAGE_WIDTH / 2, y, line)
            else:
                c.drawString(MARGIN_X, y, line)
            y -= LEADING * size

    return _Placed(_text_height(len(lines), size), draw)


def _text(block: Text) -> _Placed:
    font, size = STYLES[block.style]
    split = balanced_wrap if block.centered else wrap
    return _lines_block(split(block.text, font, size, CONTENT_WIDTH), font, size, block.centered)


def _field(block: Field) -> _Placed:
    label = f"{block.label}:"
    if block.emphasis:
        # Label on its own line, the value large beneath it (citizen name, queue number).
        # A long name is shrunk a little to stay on one line, then wrapped if still too long.
        head = _lines_block([label], SEMIBOLD, FIELD_SIZE, centered=False)
        widest = max(_width(line, BOLD, 1) for line in block.value.split("\n"))
        fit = 0.999 * CONTENT_WIDTH / max(widest, 1e-6)  # 0.999: sums of floats may round up
        size = max(EMPHASIS_MIN_SIZE, min(EMPHASIS_SIZE, fit))
        value_lines = wrap(block.value, BOLD, size, CONTENT_WIDTH)
        body = _lines_block(value_lines, BOLD, size, centered=False)
        return _stack([head, body], spacing=0.4 * mm)

    size = FIELD_SIZE
    label_width = _width(label + " ", SEMIBOLD, size)
    if label_width > 0.6 * CONTENT_WIDTH:
        # A label this long leaves no useful room beside it: wrap it, value on the lines below.
        head = _lines_block(wrap(label, SEMIBOLD, size, CONTENT_WIDTH), SEMIBOLD, size, False)
        body = _lines_block(wrap(block.value, REGULAR, size, CONTENT_WIDTH), REGULAR, size, False)
        return _stack([head, body], spacing=0)
    lines = wrap(block.value, REGULAR, size, CONTENT_WIDTH, CONTENT_WIDTH - label_width)

    def draw(c: Canvas, top: float) -> None:
        y = top - GLYPH_TOP * size
        c.setFont(SEMIBOLD, size)
        c.drawString(MARGIN_X, y, label)
        c.setFont(REGULAR, size)
        for i, line in enumerate(lines):
            c.drawString(MARGIN_X + (label_width if i == 0 else 0), y, line)
            y -= LEADING * size

    return _Placed(_text_height(len(lines), size), draw)


def _section(block: Section) -> _Placed:
    head = _lines_block([block.title], SEMIBOLD, FIELD_SIZE, centered=False)
    body = _lines_block(
        wrap(block.text, REGULAR, FIELD_SIZE, CONTENT_WIDTH), REGULAR, FIELD_SIZE, centered=False
    )
    return _stack([head, body], spacing=0)


def _code(block: Code) -> _Placed:
    # The largest size up to CODE_MAX_SIZE at which the code fits the box on one line.
    pad = 1.8 * mm
    size = min(CODE_MAX_SIZE, (CONTENT_WIDTH - 4 * pad) / _width(block.code or " ", BOLD, 1))
    label = _lines_block([block.label], SEMIBOLD, CODE_LABEL_SIZE, centered=True)
    # Codes are capitals and digits: reserve cap height and a little below, not stacked marks.
    code_height = (CAP_HEIGHT + 0.12) * size
    box_height = pad + label.height + 1 * mm + code_height + pad

    def draw(c: Canvas, top: float) -> None:
        c.setLineWidth(1.2)
        c.roundRect(MARGIN_X, top - box_height, CONTENT_WIDTH, box_height, 2 * mm)
        label.draw(c, top - pad)
        c.setFont(BOLD, size)
        c.drawCentredString(PAGE_WIDTH / 2, top - box_height + pad + 0.12 * size, block.code)

    return _Placed(box_height, draw)


def qr_png(payload: str) -> bytes:
    """The QR as a 1-bit PNG, one pixel per module, with the 4-module quiet zone (ISO/IEC 18004).

    One pixel per module keeps the image tiny; at print resolutions the PDF scales it up more
    than 4×, where renderers (poppler, Ghostscript) draw hard module edges instead of smoothing.
    The library tries all 8 masks and keeps the lowest penalty score, as the standard asks;
    that search is most of the QR's cost and about half of a render (bench/README_receipt.md).
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=QR_QUIET_ZONE)
    qr.add_data(payload)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().save(out, format="PNG")
    return out.getvalue()


def _qr(block: Qr) -> _Placed:
    image = ImageReader(io.BytesIO(qr_png(block.payload)))
    caption = _text(Text(block.caption, Style.NOTE))

    def draw(c: Canvas, top: float) -> None:
        c.drawImage(image, (PAGE_WIDTH - QR_SIZE) / 2, top - QR_SIZE, QR_SIZE, QR_SIZE)
        caption.draw(c, top - QR_SIZE)

    # The quiet zone inside the image already gives white space above and below.
    return _Placed(QR_SIZE + caption.height, draw)


def _rule() -> _Placed:
    height = 2 * mm

    def draw(c: Canvas, top: float) -> None:
        c.setLineWidth(0.6)
        c.setDash(1.5, 1.5)
        c.line(MARGIN_X, top - height / 2, PAGE_WIDTH - MARGIN_X, top - height / 2)
        c.setDash()

    return _Placed(height, draw)


def _stack(parts: list[_Placed], spacing: float) -> _Placed:
    height = sum(p.height for p in parts) + spacing * (len(parts) - 1)

    def draw(c: Canvas, top: float) -> None:
        for part in parts:
            part.draw(c, top)
            top -= part.height + spacing

    return _Placed(height, draw)


def _place(block: Block) -> _Placed:
    match block:
        case Text():
            return _text(block)
        case Field():
            return _field(block)
        case Section():
            return _section(block)
        case Code():
            return _code(block)
        case Qr():
            return _qr(block)
        case Rule():
            return _rule()
    raise TypeError(f"unknown block {block!r}")


def render_receipt_pdf(receipt: Receipt) -> bytes:
    """One PDF page, 80 mm wide and as tall as the content, fonts embedded as subsets."""
    register_fonts()
    body = _stack([_place(b) for b in layout.receipt_blocks(receipt)], spacing=GAP)
    height = MARGIN_TOP + body.height + MARGIN_BOTTOM

    out = io.BytesIO()
    # invariant: no timestamps or random ids, so the same receipt gives the same bytes.
    c = Canvas(
        out,
        pagesize=(PAGE_WIDTH, height),
        invariant=True,
        pageCompression=True,
        initialFontName=REGULAR,  # else reportlab references Helvetica, unembedded
    )
    c.setTitle(f"{layout.DOC_TITLE} {layout.nfc(receipt.tracking_code)}")
    c.setAuthor(layout.nfc(receipt.station_name))
    c.setCreator("kiosk")
    c.setFillGray(0)
    c.setStrokeGray(0)
    body.draw(c, height - MARGIN_TOP)
    c.showPage()
    c.save()
    return out.getvalue()
