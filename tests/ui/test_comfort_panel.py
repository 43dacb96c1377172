"""The volume and contrast panel through the real window: what it says (the voice port's record),
the high-contrast switch and its end with the session. The sink itself: tests/devices/audio/
test_on_screen_volume.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.config import load_config
from ui.app import KioskUi
from ui.widgets.icons import THEME_PROPERTY
from ui.window import settle


class LoudVoice:
    """A voice with a volume (the Loudness port), recording what it was asked to say."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.volume = 80

    def say(self, text: str, language: str) -> None:
        self.said.append(text)

    def set_volume(self, percent: int) -> None:
        self.volume = percent


@pytest.fixture
def kiosk(qtbot, tmp_path: Path) -> Iterator[tuple[KioskUi, LoudVoice]]:  # type: ignore[no-untyped-def]
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    voice = LoudVoice()
    ui = KioskUi(config, windowed=True, voice=voice)
    qtbot.addWidget(ui.window)
    ui.show()
    ui.window.resize(1366, 768)
    ui.app.journey.start()
    settle()
    yield ui, voice
    ui.close()


def tap(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(widget.isVisible, timeout=2000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    settle()


def test_the_panel_says_what_it_is_and_each_new_level(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    ui, voice = kiosk
    tap(qtbot, ui.window.comfort_button)
    assert voice.said[-1].startswith("Âm lượng và màu chữ. Chạm To hơn hoặc Nhỏ hơn")
    assert voice.said[-1].endswith("Âm lượng 8 trên 10")
    tap(qtbot, ui.window.comfort.quieter_button)
    assert voice.volume == 70 and voice.said[-1] == "Âm lượng 7 trên 10"
    tap(qtbot, ui.window.comfort.close_button)
    assert voice.said[-1].startswith("Ông/Bà cần làm thủ tục gì")  # back to what the screen asks


def test_every_panel_button_has_a_pictogram_a_name_and_touch_size(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    ui, _voice = kiosk
    tap(qtbot, ui.window.comfort_button)
    target = ui.window.metrics.target_px
    for button in ui.window.comfort.buttons():
        assert button.text() and not button.icon().isNull()
        assert min(button.width(), button.height()) >= target, button.text()
    assert ui.window.overflow(ui.window.comfort) == 0


def test_high_contrast_switch_restyles_and_ends_with_the_session(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    ui, voice = kiosk
    window = ui.window
    journey = ui.app.journey
    journey.choose_service(ui.app.catalog.services[0].code)
    settle()
    tap(qtbot, window.comfort_button)
    tap(qtbot, window.comfort.contrast_button)
    assert journey.state().high_contrast and window.theme == "high_contrast"
    assert QApplication.instance().property(THEME_PROPERTY) == "high_contrast"  # type: ignore[union-attr]
    assert "background: #000000" in window.styleSheet()
    assert voice.said[-1] == "Đã bật tương phản cao"
    assert window.comfort.isVisible() and window.comfort.contrast_button.isChecked()
    assert window.current_screen().isVisible()  # the screen, built afresh in the new colours
    tap(qtbot, window.comfort.contrast_button)
    assert window.theme == "normal" and voice.said[-1] == "Đã tắt tương phản cao"
    tap(qtbot, window.comfort.contrast_button)
    journey.reset()  # the next citizen
    settle()
    assert window.theme == "normal" and not window.comfort.isVisible()


def test_the_keys_reach_only_the_panel_while_it_is_open(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    ui, _voice = kiosk
    tap(qtbot, ui.window.comfort_button)
    reached = ui.accessibility.targets()
    assert set(reached) == set(ui.window.comfort.buttons())
