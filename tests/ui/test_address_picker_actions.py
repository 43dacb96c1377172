"""One way on from an address step (issue 11, rows 5b and A1 of docs/issue-11-checklist.md): the
picker used to bring its own "Xong" (a second primary button) and its own "Quay lại", and its
error blamed the citizen for not pressing "Xong". Now the window's one primary button and one
Back serve every page of the picker, and the error says what to touch.

Through the real window, on the temporary absence's destination (its first question)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk import phrases
from kiosk.catalog import load_catalog
from kiosk.validation import check_field
from tests.e2e.conftest import Citizen, visible_buttons
from ui.app import KioskUi
from ui.widgets.address_picker import AddressPicker

ABSENCE = "1.003677"
NAME = "Trần Văn Đức"
# Words of an error that puts the fault on the citizen, or names a button the screen lacks.
BLAMING = {
    "vi": ("Xong", "chưa bấm", "quên", "sai", "lỗi"),
    "en": ("Done", "did not", "didn't", "forgot", "wrong", "error"),
}


def at_destination(qtbot: Any, ui: KioskUi) -> tuple[Citizen, AddressPicker]:
    person = Citizen(qtbot, ui)
    profile = next(p for p in ui.app.demo_profiles if p.holder.full_name == NAME)
    person.start(ABSENCE, profile)
    person.wait_for("form")
    step = person.state().step
    assert step is not None and step.id == "destination"
    (picker,) = [p for p in ui.window.screens["form"].findChildren(AddressPicker) if p.isVisible()]
    return person, picker


def primaries(window: QWidget) -> list[QPushButton]:
    return [b for b in visible_buttons(window) if b.objectName() == "primary"]


def backs(window: QWidget) -> list[QPushButton]:
    back = phrases.BACK.get("vi")
    return [b for b in visible_buttons(window) if b.text() == back]


def shown_errors(ui: KioskUi) -> list[str]:
    return [w.text() for w in ui.window.screens["form"].findChildren(QLabel, "error") if w.isVisible()]


def assert_one_way_on(ui: KioskUi, picker: AddressPicker) -> None:
    window = ui.window
    assert primaries(window) == [window.primary_button]
    assert backs(window) == [window.back_button]
    assert not [b for b in picker.findChildren(QPushButton) if b.objectName() == "primary"]
    assert "Xong" not in [b.text() for b in visible_buttons(window)]


def test_each_page_of_the_picker_has_the_windows_one_primary_and_one_back(
    qtbot: Any, kiosk_ui: KioskUi
) -> None:
    person, picker = at_destination(qtbot, kiosk_ui)
    value = {"province_code": "48", "commune_code": "20200", "street": "Thôn 3"}
    assert picker.step() == AddressPicker.STEP_PROVINCE
    assert_one_way_on(kiosk_ui, picker)
    person.tap(picker.province_buttons()[value["province_code"]])
    assert picker.step() == AddressPicker.STEP_COMMUNE
    assert_one_way_on(kiosk_ui, picker)
    person.tap(picker.commune_buttons()[value["commune_code"]])
    assert picker.step() == AddressPicker.STEP_STREET
    assert_one_way_on(kiosk_ui, picker)
    person.type_text(picker.keyboard, picker.street, value["street"])
    assert_one_way_on(kiosk_ui, picker)
    assert person.state().form.values["destination"]["street"] == "Thôn 3"  # no "Xong" to press

    # The window's Back steps back through the picker, then leaves the step.
    person.tap(kiosk_ui.window.back_button)
    assert picker.step() == AddressPicker.STEP_COMMUNE and person.screen() == "form"
    person.tap(kiosk_ui.window.back_button)
    assert picker.step() == AddressPicker.STEP_PROVINCE and person.screen() == "form"
    person.tap(kiosk_ui.window.back_button)
    person.wait_for("identity")


def test_going_on_with_no_place_says_what_to_touch(qtbot: Any, kiosk_ui: KioskUi) -> None:
    person, picker = at_destination(qtbot, kiosk_ui)
    person.next()  # the one primary button, no place chosen
    (error,) = shown_errors(kiosk_ui)
    assert error.startswith("Ông/Bà chạm vào tỉnh")  # the first thing to do on the page shown
    assert not [word for word in BLAMING["vi"] if word in error], error
    assert picker.step() == AddressPicker.STEP_PROVINCE  # still on the page the error speaks of

    person.tap(picker.province_buttons()["48"])  # half a place: still what to do, no blame
    person.next()
    assert picker.step() == AddressPicker.STEP_COMMUNE
    (error,) = shown_errors(kiosk_ui)
    assert "xã" in error and not [word for word in BLAMING["vi"] if word in error], error


def address_fields() -> list[Any]:
    catalog = load_catalog()
    return [
        pytest.param(field, id=f"{service.code}:{field.id}")
        for service in catalog.services
        for field in service.fields.values()
        if field.type == "address" and not field.readonly
    ]


@pytest.mark.parametrize("field", address_fields())
@pytest.mark.parametrize(
    "value",
    [
        pytest.param(None, id="nothing"),
        pytest.param({"province_code": "48", "province_name": "Đà Nẵng"}, id="province only"),
        pytest.param(
            {"province_code": "48", "commune_code": "20200", "street": " "}, id="no house or village"
        ),
    ],
)
def test_no_address_error_blames_the_citizen(field: Any, value: Any) -> None:
    """Every service's place questions, in both languages: what to touch, not what was missed."""
    message = check_field(field, {field.id: value}, dt.date(2026, 12, 4))
    assert message is not None
    for lang, words in BLAMING.items():
        text = message.get(lang)
        assert text and not [w for w in words if w.lower() in text.lower()], (lang, text)
