"""The language chooser on the idle screen, through the real window: a speech bubble with each
language's own name, said in that language on the first touch, chosen on the second; the choice
lasts the session. A language pack shows its translations and Vietnamese for the rest."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kiosk import languages, phrases
from kiosk.flow.state import Phase
from kiosk.text import mark_fallbacks
from kiosk.voice import plan
from kiosk.wrap import plain
from tests.ui.conftest import RecordingVoice
from ui.app import KioskUi

MARK = "⟨vi⟩ "


def tap(qtbot: Any, widget: QWidget) -> None:
    qtbot.waitUntil(widget.isVisible, timeout=2000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_first_touch_says_the_name_second_chooses_and_the_wipe_resets(qtbot: Any, kiosk_ui: KioskUi) -> None:
    window, journey = kiosk_ui.window, kiosk_ui.app.journey
    voice = window.voice
    assert isinstance(voice, RecordingVoice)
    idle = window.screens["idle"]
    chips = idle.languages  # type: ignore[attr-defined]
    assert {code: chip.text() for code, chip in chips.items()} == {
        "vi": "Tiếng Việt",
        "en": "English",
        "hmn": "Lus Hmoob",
    }
    assert chips["vi"].isChecked()  # the language in use is the one marked
    tap(qtbot, chips["hmn"])
    assert voice.said[-1] == ("Lus Hmoob. Kov dua ib zaug kom xaiv", "hmn")
    assert journey.state().phase is Phase.IDLE and chips["hmn"].isChecked() and not chips["vi"].isChecked()
    # No recording yet: the Vietnamese clips say the name and "touch again".
    heard = plan(
        voice.said[-1][0], "hmn", lambda lang: lang, vietnamese_of=lambda s: languages.vietnamese_of("hmn", s)
    )
    assert [(p.sentence, p.language) for p in heard] == [("Tiếng Mông", "vi"), ("Chạm lần nữa để chọn", "vi")]
    tap(qtbot, chips["en"])  # another language: its name in its own voice, Hmong no longer armed
    assert voice.said[-1] == ("English. Touch again to choose", "en") and not chips["hmn"].isChecked()
    tap(qtbot, chips["hmn"])
    tap(qtbot, chips["hmn"])  # the second touch on the same one chooses and starts
    qtbot.waitUntil(lambda: journey.state().phase is Phase.MENU, timeout=2000)
    assert journey.state().language == "hmn"
    menu = window.screens["menu"]
    assert menu.title.text() == "Koj xav tau kev pab twg?"  # type: ignore[attr-defined]
    assert window.officer_button.text() == "Hu tub ceev xwm"
    assert voice.said[-1] == ("Koj xav tau kev pab twg?", "hmn")
    journey.reset()  # the session's wipe: the station's language again, every chip asks afresh
    qtbot.waitUntil(lambda: journey.state().phase is Phase.IDLE, timeout=2000)
    assert journey.state().language == "vi" and chips["vi"].isChecked() and not chips["hmn"].isChecked()
    assert idle.prompt.text() == phrases.IDLE_TOUCH.get("vi")  # type: ignore[attr-defined]


def test_the_hmong_menu_and_temporary_absence_show_what_falls_back(qtbot: Any, kiosk_ui: KioskUi) -> None:
    """In test mode a string shown in Vietnamese for want of a translation carries a marker: the
    menu has none; temporary absence's consent text has one (left to a qualified translator)."""
    window, journey = kiosk_ui.window, kiosk_ui.app.journey
    before = mark_fallbacks(MARK)
    try:
        journey.set_language("hmn")
        journey.start()
        menu = window.screens["menu"]
        texts = [t.text() for tile in menu.tiles.values() for t in tile.findChildren(type(menu.title))]  # type: ignore[attr-defined]
        assert texts and not [t for t in texts if t.startswith(MARK)]
        journey.choose_service("1.003677")  # khai báo tạm vắng
        qtbot.waitUntil(lambda: journey.state().step is not None, timeout=2000)
        assert window.heading.text() == "Qhia tawm mus ib ntus"
        journey.next()  # intro → consent
        consent = window.current_screen()
        labels = consent.findChildren(type(menu.title))  # type: ignore[attr-defined]
        shown = [plain(label.text()) for label in labels if label.isVisible()]  # as it reads
        assert "Koj puas pom zoo cia siv koj cov ntaub ntawv?" in shown
        body = next(text for text in shown if text.startswith("Daim ntawv no siv"))  # the data, in Hmong
        assert "\n" + MARK + "Công an xã, phường nơi đặt máy" in body  # who and the rights: Vietnamese
        assert MARK + phrases.CONSENT_LAW.get("vi") in shown
    finally:
        mark_fallbacks(before)
