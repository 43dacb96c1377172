"""The receipt as 1-bit raster images for a thermal printer, drawn from the same blocks as the PDF.

Thermal printers have no Vietnamese code page worth the name (their code pages hold few of the
precomposed letters with tone marks): every line of text is drawn here with Pillow and the bundled
Be Vietnam Pro faces, and sent as a bit image.
Geometry follows the PDF (`receipt_pdf`) in physical units (203 dpi heads print 8 dots per mm),
text a step smaller (see STYLES). The image is exactly the printer's printable width
(`dot_width`: 576 for 80 mm, 512 for TM-T88, 384 for 58 mm).

Text is drawn without anti-aliasing (FreeType's monochrome, hinted rendering): grey edges
thresholded later come out ragged, hinted outlines snap stems to whole dots.

`render_receipt_raster` returns pieces in print order: images, and where the QR goes either the QR
drawn into the image or a `QrSlot` the printer fills with its own QR command (~90 bytes instead of
kilobytes of bitmap).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

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

DOTS_PER_MM = 8  # 203 dpi
PX_PER_PT = 203.2 / 72
DOT_WIDTH_80MM = 576

MARGIN_X = 8  # dots inside the printable width: nothing touches the edge of the head
MARGIN_TOP = 2 * DOTS_PER_MM  # the printer has fed past the previous cut already
MARGIN_BOTTOM = 2 * DOTS_PER_MM  # the cut command feeds on before cutting
GAP = round(1.8 * DOTS_PER_MM)
QR_SIZE = 38 * DOTS_PER_MM  # as on the PDF: phones read it at arm's length (QR version 6: 0.75 mm modules)
QR_QUIET_ZONE = 4  # modules (ISO/IEC 18004)

# (face, size in pt) per style. Faces as on the PDF; sizes a step smaller, near a thermal printer's
# own Font A (12x24 dots): every text row is raster on the wire, and bytes grow with the square of
# the size (a serial printer at 9600 baud takes a second per kilobyte). Regular strokes still come
# out 2 dots wide, dark enough on thermal paper.
STYLES: dict[Style, tuple[str, float]] = {
    Style.STATION: (SEMIBOLD, 9),
    Style.DOC_TITLE: (BOLD, 12),
    Style.SERVICE: (BOLD, 10),
    Style.META: (REGULAR, 8),
    Style.NOTE: (REGULAR, 7.5),
}
FIELD_SIZE = 8.5
EMPHASIS_SIZE = 11
EMPHASIS_MIN_SIZE = 9.5
CODE_LABEL_SIZE = 8.5
CODE_MAX_SIZE = 26

WHITE, BLACK = 1, 0  # mode "1" pixel values
RULE_THICK = 3  # dots: the rules round the tracking code


@dataclass(frozen=True)
class QrSlot:
    """Where the printer draws the QR itself (`GS ( k`): payload and module size in dots."""

    payload: str
    module_dots: int


Piece = Image.Image | QrSlot


# Texts measured per face and size: a receipt's labels and common words recur; its names, addresses
# and codes do not, and would otherwise grow the memo by every receipt printed.
WIDTHS_KEPT = 4096


@functools.cache
def _font_bytes(face: str) -> bytes:
    return files("resources.fonts").joinpath(f"{face}.ttf").read_bytes()


class Face:
    """One face at one size: widths and glyph bitmaps, each computed once per process.

    Pillow rasterises the whole string on every `ImageDraw.text` call (~2-4 ms a line here);
    pasting cached glyph bitmaps at their advances costs a tenth of that. Pen positions are the
    sum of advances, as in Pillow's basic layout, which is all Vietnamese needs once text is NFC
    (precomposed letters, no shaping). Each glyph lands on a whole dot, so a letter prints the
    same wherever it stands; Pillow's own drawing differs from this by a stray dot on a few
    glyphs (fractional pen positions), checked in tests/devices/printer/test_raster.py.
    """

    def __init__(self, face: str, size_pt: float) -> None:
        self.font = ImageFont.truetype(
            io.BytesIO(_font_bytes(face)), _px(size_pt), layout_engine=ImageFont.Layout.BASIC
        )
        self._widths: dict[str, float] = {}
        self._glyphs: dict[str, tuple[Image.Image | None, int, int, float]] = {}

    def length(self, text: str) -> float:
        width = self._widths.get(text)
        if width is None:
            if len(self._widths) >= WIDTHS_KEPT:  # names and codes differ on every receipt: bounded
                self._widths.clear()
            width = self._widths[text] = self.font.getlength(text)
        return width

    __call__ = length

    def _glyph(self, ch: str) -> tuple[Image.Image | None, int, int, float]:
        glyph = self._glyphs.get(ch)
        if glyph is None:
            left, top, right, bottom = (int(v) for v in self.font.getbbox(ch, anchor="ls"))
            mask: Image.Image | None = None
            if right > left and bottom > top:
                mask = Image.new("1", (right - left, bottom - top), 0)
                draw = ImageDraw.Draw(mask)
                draw.fontmode = "1"
                draw.text((-left, -top), ch, font=self.font, fill=1, anchor="ls")
            glyph = (mask, left, top, self.font.getlength(ch))
            self._glyphs[ch] = glyph
        return glyph

    def draw(self, d: ImageDraw.ImageDraw, x: float, baseline: float, text: str) -> None:
        """Draw `text` in black with its baseline's left end at (x, baseline)."""
        y = round(baseline)
        for ch in text:
            mask, left, top, advance = self._glyph(ch)
            if mask is not None:
                d.bitmap((round(x) + left, y + top), mask, fill=BLACK)
            x += advance

    def draw_centred(self, d: ImageDraw.ImageDraw, centre: float, baseline: float, text: str) -> None:
        self.draw(d, centre - self.length(text) / 2, baseline, text)


@functools.cache
def font(face: str, size_pt: float) -> Face:
    """A bundled face at `size_pt` points on a 203 dpi head (cached for the process)."""
    return Face(face, size_pt)


def _px(size_pt: float) -> int:
    return round(size_pt * PX_PER_PT)


def _break(text: str, measure: Face, width: float, first_width: float | None = None) -> list[str]:
    """Greedy word wrap; a word wider than a line is broken between letters."""
    space = measure(" ")
    lines: list[str] = []
    limit = width if first_width is None else first_width
    for paragraph in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for word in paragraph.split():
            w = measure(word)
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
            while w > limit:
                cut = len(word) - 1
                while cut > 1 and measure(word[:cut]) > limit:
                    cut -= 1
                lines.append(word[:cut])
                word, limit = word[cut:], width
                w = measure(word)
            current, used = [word], w
        lines.append(" ".join(current))
        limit = width
    return lines


def wrap(text: str, face: str, size_pt: float, width: float, first_width: float | None = None) -> list[str]:
    return _break(text, font(face, size_pt), width, first_width)


def balanced_wrap(text: str, face: str, size_pt: float, width: float) -> list[str]:
    """As few lines as `wrap`, evened out, as centred headings are on the PDF."""
    measure = font(face, size_pt)
    lines = _break(text, measure, width)
    if len(lines) < 2:
        return lines
    low, high = 0.0, width
    for _ in range(8):
        middle = (low + high) / 2
        if len(_break(text, measure, middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return _break(text, measure, high)


def _text_height(n_lines: int, size_pt: float) -> int:
    px = _px(size_pt)
    return round((GLYPH_TOP + GLYPH_BOTTOM) * px + (n_lines - 1) * LEADING * px)


Draw = Callable[[ImageDraw.ImageDraw, int], None]  # draws a block whose top edge is at y


@dataclass(frozen=True)
class _Placed:
    height: int
    draw: Draw


class _Page:
    """Geometry of one printer width."""

    def __init__(self, dot_width: int) -> None:
        self.width = dot_width
        self.content = dot_width - 2 * MARGIN_X


def _lines_block(page: _Page, lines: list[str], face: str, size_pt: float, centered: bool) -> _Placed:
    f = font(face, size_pt)
    px = _px(size_pt)

    def draw(d: ImageDraw.ImageDraw, top: int) -> None:
        y = top + GLYPH_TOP * px
        for line in lines:
            if centered:
                f.draw_centred(d, page.width / 2, y, line)
            else:
                f.draw(d, MARGIN_X, y, line)
            y += LEADING * px

    return _Placed(_text_height(len(lines), size_pt), draw)


def _text(page: _Page, block: Text) -> _Placed:
    face, size = STYLES[block.style]
    split = balanced_wrap if block.centered else wrap
    return _lines_block(page, split(block.text, face, size, page.content), face, size, block.centered)


def _field(page: _Page, block: Field) -> _Placed:
    label = f"{block.label}:"
    if block.emphasis:
        head = _lines_block(page, [label], SEMIBOLD, FIELD_SIZE, centered=False)
        widest = max(font(BOLD, EMPHASIS_SIZE).length(line) for line in block.value.split("\n"))
        fit = EMPHASIS_SIZE * page.content / max(widest, 1e-6)  # the size at which it just fits
        size = max(EMPHASIS_MIN_SIZE, min(EMPHASIS_SIZE, int(fit * 2) / 2))  # half points, rounded down
        body = _lines_block(page, wrap(block.value, BOLD, size, page.content), BOLD, size, centered=False)
        return _stack([head, body], spacing=3)

    size = FIELD_SIZE
    label_width = font(SEMIBOLD, size)(label + " ")
    if label_width > 0.6 * page.content:
        head = _lines_block(page, wrap(label, SEMIBOLD, size, page.content), SEMIBOLD, size, False)
        body = _lines_block(page, wrap(block.value, REGULAR, size, page.content), REGULAR, size, False)
        return _stack([head, body], spacing=0)
    lines = wrap(block.value, REGULAR, size, page.content, page.content - label_width)
    bold, regular, px = font(SEMIBOLD, size), font(REGULAR, size), _px(size)

    def draw(d: ImageDraw.ImageDraw, top: int) -> None:
        y = top + GLYPH_TOP * px
        bold.draw(d, MARGIN_X, y, label)
        for i, line in enumerate(lines):
            regular.draw(d, MARGIN_X + (label_width if i == 0 else 0), y, line)
            y += LEADING * px

    return _Placed(_text_height(len(lines), size), draw)


def _section(page: _Page, block: Section) -> _Placed:
    head = _lines_block(page, [block.title], SEMIBOLD, FIELD_SIZE, centered=False)
    body = _lines_block(
        page, wrap(block.text, REGULAR, FIELD_SIZE, page.content), REGULAR, FIELD_SIZE, centered=False
    )
    return _stack([head, body], spacing=0)


def _code(page: _Page, block: Code) -> _Placed:
    pad = round(1.8 * DOTS_PER_MM)
    unit = font(BOLD, CODE_MAX_SIZE).length(block.code or " ") / CODE_MAX_SIZE  # width per pt
    size = min(CODE_MAX_SIZE, (page.content - 4 * pad) / unit)
    size = int(size * 2) / 2  # half points: a handful of cached font objects, never one per receipt
    label = _lines_block(page, [block.label], SEMIBOLD, CODE_LABEL_SIZE, centered=True)
    px = _px(size)
    code_height = round((CAP_HEIGHT + 0.12) * px)
    box_height = pad + label.height + DOTS_PER_MM + code_height + pad
    f = font(BOLD, size)

    def draw(d: ImageDraw.ImageDraw, top: int) -> None:
        # Ruled above and below rather than boxed: a box's sides would make every row of it
        # full width on the wire (10 KB), the rules cost a few hundred bytes.
        right = page.width - MARGIN_X - 1
        d.rectangle((MARGIN_X, top, right, top + RULE_THICK - 1), fill=BLACK)
        d.rectangle((MARGIN_X, top + box_height - RULE_THICK, right, top + box_height - 1), fill=BLACK)
        label.draw(d, top + pad)
        f.draw_centred(d, page.width / 2, top + box_height - pad - 0.12 * px, block.code)

    return _Placed(box_height, draw)


def qr_matrix(payload: str) -> list[list[bool]]:
    """Modules of the QR (error correction M, as on the PDF), quiet zone included."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=QR_QUIET_ZONE)
    qr.add_data(payload)
    qr.make(fit=True)
    return qr.get_matrix()


def _qr_mask(payload: str, size: int) -> Image.Image:
    """Mode "1", set (1) where a module is dark; whole dots per module, at most `size` wide."""
    matrix = qr_matrix(payload)
    n = len(matrix)
    small = Image.frombytes("L", (n, n), bytes(255 if dark else 0 for row in matrix for dark in row))
    scale = max(1, size // n)
    return small.resize((n * scale, n * scale), Image.Resampling.NEAREST).convert("1")


def qr_image(payload: str, size: int = QR_SIZE) -> Image.Image:
    """The QR as printed in the raster: mode "1", black (0) modules, quiet zone included."""
    mask = _qr_mask(payload, size)
    image = Image.new("1", mask.size, WHITE)
    ImageDraw.Draw(image).bitmap((0, 0), mask, fill=BLACK)
    return image


def native_qr_module_dots(payload: str, size: int = QR_SIZE) -> int:
    """Module size for the printer's own QR command, so its symbol is about `size` dots wide.

    Only the version is needed (cheap: no mask search); the printer adds no quiet zone, so the
    caller leaves white space round it.
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    qr.add_data(payload)
    modules = 17 + 4 * qr.best_fit()
    return max(1, min(16, size // modules))  # GS ( k function 167 takes 1..16


def _qr_image_block(page: _Page, block: Qr) -> _Placed:
    mask = _qr_mask(block.payload, min(QR_SIZE, page.content))
    caption = _text(page, Text(block.caption, Style.NOTE))

    def draw(d: ImageDraw.ImageDraw, top: int) -> None:
        d.bitmap(((page.width - mask.width) // 2, top), mask, fill=BLACK)
        caption.draw(d, top + mask.height)

    return _Placed(mask.height + caption.height, draw)


def _rule(page: _Page) -> _Placed:
    height = 2 * DOTS_PER_MM
    dash = round(1.5 * DOTS_PER_MM)

    def draw(d: ImageDraw.ImageDraw, top: int) -> None:
        y = top + height // 2
        for x in range(MARGIN_X, page.width - MARGIN_X, 2 * dash):
            d.rectangle((x, y - 1, min(x + dash, page.width - MARGIN_X) - 1, y), fill=BLACK)

    return _Placed(height, draw)


def _stack(parts: list[_Placed], spacing: int) -> _Placed:
    height = sum(p.height for p in parts) + spacing * (len(parts) - 1)

    def draw(d: ImageDraw.ImageDraw, top: int) -> None:
        for part in parts:
            part.draw(d, top)
            top += part.height + spacing

    return _Placed(height, draw)


def _place(page: _Page, block: Block) -> _Placed:
    match block:
        case Text():
            return _text(page, block)
        case Field():
            return _field(page, block)
        case Section():
            return _section(page, block)
        case Code():
            return _code(page, block)
        case Qr():
            return _qr_image_block(page, block)
        case Rule():
            return _rule(page)
    raise TypeError(f"unknown block {block!r}")


def _draw(page: _Page, placed: list[_Placed], top: int, bottom: int) -> Image.Image:
    body = _stack(placed, spacing=GAP)
    image = Image.new("1", (page.width, top + body.height + bottom), WHITE)
    body.draw(ImageDraw.Draw(image), top)
    return image


def render_receipt_raster(
    receipt: Receipt, dot_width: int = DOT_WIDTH_80MM, *, native_qr: bool = False
) -> list[Piece]:
    """The receipt in print order: with `native_qr`, [image, QrSlot, image]; else [image].

    Images are mode "1", exactly `dot_width` wide, black = 0.
    """
    page = _Page(dot_width)
    if page.content < 16 * DOTS_PER_MM:
        raise ValueError(f"dot width {dot_width} is too narrow for a receipt")
    blocks = layout.receipt_blocks(receipt)
    if not native_qr:
        return [_draw(page, [_place(page, b) for b in blocks], MARGIN_TOP, MARGIN_BOTTOM)]
    pieces: list[Piece] = []
    before: list[_Placed] = []
    top = MARGIN_TOP
    for block in blocks:
        if isinstance(block, Qr):
            quiet = QR_QUIET_ZONE * native_qr_module_dots(block.payload)
            pieces.append(_draw(page, before, top, quiet))
            pieces.append(QrSlot(block.payload, native_qr_module_dots(block.payload)))
            before, top = [_text(page, Text(block.caption, Style.NOTE))], quiet // 2
        else:
            before.append(_place(page, block))
    pieces.append(_draw(page, before, top, MARGIN_BOTTOM))
    return pieces


def render_receipt_image(receipt: Receipt, dot_width: int = DOT_WIDTH_80MM) -> Image.Image:
    """The whole slip as one image (QR drawn in): previews, tests, the image-QR printers."""
    (image,) = render_receipt_raster(receipt, dot_width, native_qr=False)
    assert isinstance(image, Image.Image)
    return image
