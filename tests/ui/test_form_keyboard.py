"""The form's keyboard is built once with the screen and kept across steps: it must type into the
field of the step on screen, never into one from an earlier step, and follow a language change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from tests.waits import WAIT_MS
from ui.app import KioskUi

NAME = "Trần Văn Đức"


def tap_keys(qtbot, form: QWidget, keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        qtbot.waitUntil(lambda: any(b.isVisible() for b in form.findChildren(QPushButton)), timeout=2000)
        button = next(b for b in form.findChildren(QPushButton) if b.isVisible() and b.text().lower() == key)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def tap_space(qtbot, form: QWidget) -> None:  # type: ignore[no-untyped-def]
    button = next(b for b in form.findChildren(QPushButton) if b.isVisible() and b.text() == "Dấu cách")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_keyboard_types_into_the_current_step_only(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    journey = kiosk_ui.app.journey
    journey.start()
    journey.choose_service("1.010910")  # vehicle registration: brand, then colour, both typed
    journey.next()
    journey.consent(True)
    profile = next(p for p in kiosk_ui.app.demo_profiles if p.holder.full_name == NAME)
    kiosk_ui.app.card_reader().insert(profile)  # type: ignore[attr-defined]
    journey.set_id_number(profile.holder.id_number)
    qtbot.waitUntil(lambda: journey.state().screen == "identity", timeout=WAIT_MS)
    journey.confirm_identity(True)
    assert journey.state().step.id == "brand"  # type: ignore[union-attr]
    form = kiosk_ui.window.screens["form"]
    keyboard = form._keyboard  # type: ignore[attr-defined]

    tap_keys(qtbot, form, "ab")
    assert journey.state().form.values["brand"] == "Ab"
    journey.next()
    assert journey.state().step.id == "color"  # type: ignore[union-attr]
    assert form._keyboard is keyboard  # type: ignore[attr-defined]  # kept, not rebuilt
    tap_keys(qtbot, form, "cd")
    assert journey.state().form.values["color"] == "Cd"
    assert journey.state().form.values["brand"] == "Ab"  # the earlier step's field is not typed into

    journey.set_language("en")
    tap_keys(qtbot, form, "e")
    assert journey.state().form.values["color"] == "Cde"
    space = [b.text() for b in form.findChildren(QPushButton) if b.isVisible()]
    assert "Space" in space and "Dấu cách" not in space  # the keys are labelled in the new language


def test_only_a_name_gets_a_capital_at_every_word(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    """The occupation came out "Làm Ruộng" (a capital after each space); a name still does."""
    journey = kiosk_ui.app.journey
    journey.start()
    journey.choose_service("1.010039")  # adjusting residence data: the new head's name is typed
    journey.set_value("change_type", "head")
    journey.edit_step("new_head_name")
    form = kiosk_ui.window.screens["form"]
    qtbot.waitUntil(lambda: form.isVisible(), timeout=2000)
    tap_keys(qtbot, form, "tran")
    tap_space(qtbot, form)
    tap_keys(qtbot, form, "hoa")
    assert journey.state().form.values["new_head_name"] == "Tran Hoa"
    journey.choose_service("1.010910")  # vehicle registration: the colour is plain text
    journey.edit_step("color")
    qtbot.waitUntil(lambda: journey.state().step.id == "color", timeout=2000)  # type: ignore[union-attr]
    tap_keys(qtbot, form, "do")
    tap_space(qtbot, form)
    tap_keys(qtbot, form, "den")
    assert journey.state().form.values["color"] == "Do den"
