"""Filing help: a dossier's answers in the order an officer types them into the national portal,
and the same as a prefilled PDF (reportlab, Be Vietnam Pro embedded so diacritics print).

The order is the holder's identity first (the portal's forms open with the applicant), then the
service's catalog fields in their catalog order.
"""

from __future__ import annotations

import functools
import io
from importlib.resources import files
from typing import Any

from console.labels import HOLDER_LABELS
from kiosk.catalog import Service
from kiosk.dossier import Dossier
from kiosk.validation import display_value

IDENTITY = ("full_name", "id_number", "date_of_birth", "sex", "nationality", "ethnicity", "residence")
FONT, BOLD = "BeVietnamPro-Regular", "BeVietnamPro-Bold"


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(_text(v) for v in value.values() if v not in ("", None))
    if isinstance(value, list | tuple):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return "" if value is None else str(value)


def filing_rows(service: Service | None, dossier: Dossier | None) -> list[tuple[str, str, str]]:
    """(field id, label, value) in filing order; answers the catalog does not name come last."""
    if dossier is None:
        return []
    rows = [(k, HOLDER_LABELS[k], dossier.holder[k]) for k in IDENTITY if dossier.holder.get(k)]
    fields = dict(dossier.fields)
    if service is not None:
        # As the citizen's receipt reads them: option labels, not their codes; dd/mm/yyyy dates;
        # the address as written (the portal asks for words, not "rented" or a ward's number).
        for field_id, field in service.fields.items():
            if field_id in fields:
                rows.append(
                    (field_id, field.label.get("vi"), display_value(field, fields.pop(field_id), "vi"))
                )
    rows += [(k, k, _text(v)) for k, v in fields.items()]
    return rows


@functools.cache
def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = files("resources.fonts")
    for name in (FONT, BOLD):
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(folder.joinpath(f"{name}.ttf").read_bytes())))


def filing_pdf(station: str, title: str, code: str, rows: list[tuple[str, str, str]]) -> bytes:
    """An A4 page (more if needed) of label: value lines, wrapped."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    _fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    width, height = A4
    left, right, y = 20 * mm, width - 20 * mm, height - 20 * mm

    def line(text: str, font: str, size: float, indent: float = 0) -> None:
        nonlocal y
        for part in simpleSplit(text, font, size, right - left - indent) or [""]:
            if y < 20 * mm:
                canvas.showPage()
                y = height - 20 * mm
            canvas.setFont(font, size)
            canvas.drawString(left + indent, y, part)
            y -= size * 1.45

    line(station, BOLD, 11)
    line(title, BOLD, 14)
    line(f"Mã hồ sơ tại ki-ốt: {code}", FONT, 10)
    y -= 6
    for _field_id, label, value in rows:
        line(label, BOLD, 10)
        line(value or "—", FONT, 10, indent=6 * mm)
    canvas.save()
    return out.getvalue()
