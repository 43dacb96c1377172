"""The address picker driven with clicks and the on-screen keyboard, as a citizen would."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk.addresses import Address
from ui.theme import Metrics, load_fonts, stylesheet
from ui.widgets.address_picker import LABEL_KEYS, AddressPicker

LABELS = {
    "province_title": "Ông/Bà ở tỉnh, thành phố nào?",
    "commune_title": "Ông/Bà ở xã, phường nào?",
    "street_title": "Số nhà, đường, thôn, tổ",
    "filter_placeholder": "Gõ vài chữ để tìm",
    "street_placeholder": "Ví dụ: Thôn 3",
    "no_match": "Không thấy tên này. Ông/Bà gõ lại.",
    "space": "Cách",
    "delete": "Xóa",
}
SHOTS = Path(os.environ.get("KIOSK_SCREENSHOTS", "/tmp/kiosk-shots"))


@pytest.fixture
def picker(qtbot) -> Iterator[AddressPicker]:  # type: ignore[no-untyped-def]
    load_fonts()
    widget = AddressPicker(LABELS)
    # On the widget, not the application: restyling every widget other tests left alive took ~9 s.
    widget.setStyleSheet(stylesheet("normal", Metrics.of(1366, 768), False))  # 1366×768 sizes
    qtbot.addWidget(widget)
    widget.resize(1250, 520)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def key(picker: AddressPicker, text: str) -> QPushButton:
    keys = [b for b in picker.keyboard.findChildren(QPushButton) if b.objectName() == "key"]
    hits = [b for b in keys if b.text().lower() == text.lower()]
    assert len(hits) == 1, text
    return hits[0]


def type_on_keyboard(qtbot, picker: AddressPicker, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        qtbot.mouseClick(key(picker, LABELS["space"] if ch == " " else ch), Qt.MouseButton.LeftButton)


def visible(buttons: dict[str, QPushButton]) -> list[str]:
    return [b.text() for b in buttons.values() if b.isVisibleTo(b.parentWidget())]


def test_labels_are_required(qtbot) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyError, match="space"):
        AddressPicker({k: v for k, v in LABELS.items() if k != "space"})
    assert set(LABELS) == set(LABEL_KEYS)


def test_click_through_to_a_full_address(qtbot, picker: AddressPicker) -> None:  # type: ignore[no-untyped-def]
    assert picker.step() == picker.STEP_PROVINCE
    assert len(picker.province_buttons()) == 34
    SHOTS.mkdir(parents=True, exist_ok=True)
    picker.grab().save(str(SHOTS / "address_picker_1_province.png"))

    assert not picker.keyboard.isVisible()  # 34 tiles to swipe, no search: the grid has the room
    assert len(visible(picker.province_buttons())) == 34
    qtbot.mouseClick(picker.province_buttons()["48"], Qt.MouseButton.LeftButton)
    assert picker.step() == picker.STEP_COMMUNE
    assert picker.summary.text() == "Thành phố Đà Nẵng"

    type_on_keyboard(qtbot, picker, "hoa k")
    shown = visible(picker.commune_buttons())
    assert shown == ["Phường Hòa Khánh"]
    assert not picker.commune_buttons()["20200"].visibleRegion().isEmpty()  # laid out inside the viewport
    picker.grab().save(str(SHOTS / "address_picker_2_commune.png"))
    qtbot.mouseClick(picker.commune_buttons()["20200"], Qt.MouseButton.LeftButton)
    assert picker.step() == picker.STEP_STREET

    for text in ("T", "o", "o", "r", " ", "5"):  # Telex: "Toor" → "Tổ"
        qtbot.mouseClick(key(picker, LABELS["space"] if text == " " else text), Qt.MouseButton.LeftButton)
    assert picker.street.text() == "Tổ 5"
    picker.grab().save(str(SHOTS / "address_picker_3_street.png"))
    # No button of its own: each change of a complete address is reported as it happens.
    with qtbot.waitSignal(picker.changed, timeout=1000) as signal:
        qtbot.mouseClick(key(picker, "6"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(picker.changed, timeout=1000) as signal:
        qtbot.mouseClick(key(picker, LABELS["delete"]), Qt.MouseButton.LeftButton)
    value = signal.args[0]
    assert value == {
        "province_code": "48",
        "province_name": "Thành phố Đà Nẵng",
        "commune_code": "20200",
        "commune_name": "Phường Hòa Khánh",
        "street": "Tổ 5",
    }
    assert Address.from_dict(value).display() == "Tổ 5, Phường Hòa Khánh, Thành phố Đà Nẵng"


def test_back_and_change_province(qtbot, picker: AddressPicker) -> None:  # type: ignore[no-untyped-def]
    assert picker.back() is False  # at the first step: the window's Back leaves the step
    qtbot.mouseClick(picker.province_buttons()["15"], Qt.MouseButton.LeftButton)
    assert "Xã Tả Van" in visible(picker.commune_buttons())
    assert picker.back() is True
    assert picker.step() == picker.STEP_PROVINCE
    qtbot.mouseClick(picker.province_buttons()["14"], Qt.MouseButton.LeftButton)
    names = visible(picker.commune_buttons())
    assert "Xã Tả Van" not in names and "Xã Thuận Châu" in names
    type_on_keyboard(qtbot, picker, "qq")
    assert picker.commune_empty.isVisible() and not visible(picker.commune_buttons())
    with qtbot.assertNotEmitted(picker.changed):
        picker.back()
    assert picker.value() is None  # no commune chosen yet


def test_set_value_shows_stored_address(qtbot, picker: AddressPicker) -> None:  # type: ignore[no-untyped-def]
    stored = Address("15", "Tỉnh Lào Cai", "03037", "Xã Tả Van", "Thôn Giàng Tả Chải Dao").to_dict()
    picker.set_value(stored)
    assert picker.step() == picker.STEP_STREET
    assert picker.street.text() == "Thôn Giàng Tả Chải Dao"
    assert picker.preview.text() == "Thôn Giàng Tả Chải Dao, Xã Tả Van, Tỉnh Lào Cai"
    assert picker.value() == stored
    picker.set_value(None)
    assert picker.step() == picker.STEP_PROVINCE and picker.value() is None


def test_fits_the_screen(picker: AddressPicker) -> None:
    hint = picker.minimumSizeHint()
    assert hint.width() <= 1250 and hint.height() <= 520


def test_a_provinces_first_tiles_show_at_once_the_rest_on_the_next_turns(
    qtbot, picker: AddressPicker
) -> None:  # type: ignore[no-untyped-def]
    """A province's ~100 tiles shown and laid out in one turn held the UI thread ~50 ms: a screenful
    comes with the touch, the rest a few turns of the event loop later, none lost."""
    from kiosk.addresses import communes
    from ui.widgets.address_picker import COMMUNES_FIRST

    names = [c.name for c in communes("48")]
    assert len(names) > 2 * COMMUNES_FIRST
    host = picker._commune_host

    def shown() -> list[str]:
        return [b.text() for b in host.findChildren(QPushButton) if b.isVisibleTo(host) and b.text()]

    qtbot.mouseClick(picker.province_buttons()["48"], Qt.MouseButton.LeftButton)
    first = shown()
    assert len(first) == COMMUNES_FIRST and set(first) <= set(names)
    qtbot.waitUntil(lambda: len(shown()) == len(names), timeout=2000)  # without asking for them
    assert sorted(shown()) == sorted(names)
