"""Pictograms in resources/icons: present, valid for Qt's SVG Tiny renderer, visibly painted, on-palette."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"

SERVICE_ICONS = [
    "house", "house-key", "suitcase", "bed", "house-cross", "key-cross", "doc-check", "house-pen",
    "calendar-plus", "id-old", "id-card-swap", "id-card-plus", "phone-shield", "passport", "motorbike",
    "traffic-fine", "scales", "driving-licence",
]  # fmt: skip
UI_ICONS = [
    "officer", "speaker", "back", "next", "check", "error", "warning", "hourglass", "printer", "qr",
    "language", "text-size", "touch", "card-on-reader", "keypad", "calendar", "map-pin", "list",
    "search-doc", "speech-bubble", "keyboard", "people", "review",
]  # fmt: skip
REQUIRED = SERVICE_ICONS + UI_ICONS

PALETTE = {"#0B3D91", "#1B7F3B", "#B00020", "#F2A900", "#FFFFFF"}
# Things Qt's SVG Tiny 1.2 renderer ignores or that break the shared style.
FORBIDDEN_TAGS = {"text", "filter", "mask", "style", "image", "foreignObject", "pattern", "clipPath"}
FORBIDDEN_ATTRS = {"class", "style", "filter", "mask"}
SVG_NS = "{http://www.w3.org/2000/svg}"

ALL_FILES = sorted(ICON_DIR.glob("*.svg"))
SIZE = 128


def _render(path: Path, size: int = SIZE) -> QImage:
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid(), f"{path.name}: QSvgRenderer cannot parse it"
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    painter = QPainter(img)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = renderer.viewBoxF()
    scale = min(size / box.width(), size / box.height())
    w, h = box.width() * scale, box.height() * scale
    renderer.render(painter, QRectF((size - w) / 2, (size - h) / 2, w, h))
    painter.end()
    return img


def _painted_share(img: QImage) -> float:
    painted = sum(
        1 for y in range(img.height()) for x in range(img.width()) if img.pixelColor(x, y).alpha() > 32
    )
    return painted / (img.width() * img.height())


def test_every_required_icon_exists() -> None:
    missing = [name for name in REQUIRED if not (ICON_DIR / f"{name}.svg").is_file()]
    assert not missing, f"missing pictograms: {missing}"


def test_every_service_has_its_own_pictogram() -> None:
    """Pictures tell services apart (issue 11: three pairs shared one, seven of nine were houses)."""
    from kiosk.catalog import load_catalog

    services = load_catalog().services
    pictograms = [s.pictogram for s in services]
    assert len(set(pictograms)) == len(pictograms), sorted(pictograms)
    assert set(pictograms) <= set(SERVICE_ICONS)
    residence = [s.pictogram for s in services if s.group == "residence"]
    assert sum(p.startswith("house") for p in residence) <= len(residence) // 2


def test_there_are_icons_to_check() -> None:
    assert len(ALL_FILES) >= len(REQUIRED)


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_icon_renders_and_is_painted(qapp: object, path: Path) -> None:
    share = _painted_share(_render(path))
    # Thin or tiny drawings vanish at 64 px on a kiosk; a full square is a broken drawing.
    assert 0.12 <= share <= 0.90, f"{path.name}: {share:.0%} of pixels painted"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_icon_follows_house_style(path: Path) -> None:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg", f"{path.name}: root is not an SVG element"
    view_box = [float(v) for v in root.get("viewBox", "").split()]
    allowed = ([0, 0, 96, 96], [0, 0, 240, 160]) if path.stem == "card-on-reader" else ([0, 0, 96, 96],)
    assert view_box in [list(map(float, v)) for v in allowed], f"{path.name}: viewBox {view_box}"
    for el in root.iter():
        tag = el.tag.removeprefix(SVG_NS)
        assert tag not in FORBIDDEN_TAGS, f"{path.name}: <{tag}> is not allowed"
        assert not FORBIDDEN_ATTRS & set(el.attrib), (
            f"{path.name}: <{tag}> uses {FORBIDDEN_ATTRS & set(el.attrib)}"
        )
        for attr in ("fill", "stroke"):
            value = el.get(attr)
            if value is None or value == "none":
                continue
            assert re.fullmatch(r"#[0-9A-F]{6}", value), (
                f"{path.name}: {attr}={value!r} is not an explicit colour"
            )
            assert value in PALETTE, f"{path.name}: {attr}={value} is off-palette"


def test_every_kind_of_step_has_its_own_pictogram() -> None:
    """Issue 11: dates and appointments shared the calendar, a choice the idle screen's "touch".
    Digits are digits: an ID number and a phone number share the keypad."""
    from ui.screens.form import FIELD_PICTOGRAMS

    kinds = {kind: p for kind, p in FIELD_PICTOGRAMS.items() if kind != "id_number"}
    steps = {"people", "review", "id-card", "phone-shield", *kinds.values()}  # with the other kinds'
    assert len(set(kinds.values())) == len(kinds), kinds
    assert "touch" not in steps  # the idle screen's invitation
    assert all((ICON_DIR / f"{name}.svg").is_file() for name in steps)
