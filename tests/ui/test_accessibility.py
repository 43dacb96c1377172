"""Accessibility mode through the real window: started by a held key (a fake clock, no waiting)
or a headset event; high contrast, large text, arrows + Enter, each focused control spoken; it
ends with the session."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton

from devices.audio.headset import (
    EV_SW,
    EVENT,
    SW_HEADPHONE_INSERT,
    HeadsetWatch,
    JackDevice,
    jack_devices,
    plugged_from_switches,
)
from kiosk import phrases
from ui.accessibility import nearest, reading_order
from ui.app import KioskUi
from ui.widgets.icons import THEME_PROPERTY
from ui.widgets.tile import Tile
from ui.window import settle


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def key(ui: KioskUi, code: Qt.Key, *, release: bool = False, repeat: bool = False, text: str = "") -> None:
    settle()  # a person's next key comes after the screen has shown what the last one did
    kind = QEvent.Type.KeyRelease if release else QEvent.Type.KeyPress
    event = QKeyEvent(kind, code, Qt.KeyboardModifier.NoModifier, text, repeat)
    QApplication.sendEvent(ui.window, event)


def hold_key(ui: KioskUi, clock: FakeClock, seconds: float) -> None:
    key(ui, Qt.Key.Key_F1)
    start, repeats = clock.now, round(seconds * 10)
    for index in range(repeats):  # a held key repeats
        clock.now = start + seconds * (index + 1) / repeats
        key(ui, Qt.Key.Key_F1, repeat=True)
    key(ui, Qt.Key.Key_F1, release=True)


@pytest.fixture
def clock(kiosk_ui: KioskUi) -> FakeClock:
    fake = FakeClock()
    kiosk_ui.accessibility.clock = fake
    return fake


def said(ui: KioskUi) -> list[str]:
    return [text for text, _ in ui.window.voice.said]  # type: ignore[attr-defined]


def test_short_press_does_nothing_long_hold_turns_the_mode_on(kiosk_ui: KioskUi, clock: FakeClock) -> None:
    ui = kiosk_ui
    hold_key(ui, clock, 1.5)
    assert not ui.app.journey.state().accessible
    assert ui.app.journey.state().screen == "idle"
    hold_key(ui, clock, 2.1)
    state = ui.app.journey.state()
    assert state.accessible and state.large_text
    assert state.screen == "menu"  # started alone, as a touch would
    assert said(ui)[-1].startswith(phrases.ACCESSIBILITY_ON.get("vi"))
    assert phrases.MENU_TITLE.get("vi") in said(ui)[-1]  # and what this screen asks
    assert ui.window.theme == "high_contrast"
    assert QApplication.instance().property(THEME_PROPERTY) == "high_contrast"  # type: ignore[union-attr]
    assert "#000000" in ui.window.styleSheet()


def test_release_after_the_hold_counts_without_repeats(kiosk_ui: KioskUi, clock: FakeClock) -> None:
    ui = kiosk_ui  # a keypad that sends no repeats: the release after 2 s turns it on
    key(ui, Qt.Key.Key_F1)
    clock.now += 2.0
    key(ui, Qt.Key.Key_F1, release=True)
    assert ui.app.journey.state().accessible


def test_arrows_speak_each_tile_and_enter_opens_it(kiosk_ui: KioskUi, clock: FakeClock) -> None:
    ui = kiosk_ui
    hold_key(ui, clock, 2.0)
    menu = ui.window.screens["menu"]
    tiles: dict[str, Tile] = menu.tiles  # type: ignore[attr-defined]
    key(ui, Qt.Key.Key_Down)
    first = ui.accessibility.focused
    assert isinstance(first, Tile) and first in tiles.values()  # the screen's first, not the top bar
    assert said(ui)[-1] == f"{first.text()}. {first.explanation.text()}".replace("\u00a0", " ")
    assert ui.accessibility.ring.isVisible()
    seen = {first}
    for _ in range(2 * len(tiles) + 8):  # Right alone reaches them all (on in reading order)
        key(ui, Qt.Key.Key_Right)
        focused = ui.accessibility.focused
        assert focused is not None
        seen.add(focused)
        assert said(ui)[-1]  # each one said
    assert set(tiles.values()) <= seen
    target = tiles["1.003677"]
    for _ in range(60):
        if ui.accessibility.focused is target:
            break
        key(ui, Qt.Key.Key_Right)
    assert ui.accessibility.focused is target
    key(ui, Qt.Key.Key_Return)
    state = ui.app.journey.state()
    assert state.service is not None and state.service.code == "1.003677"
    assert ui.accessibility.focused is None  # a new screen: nothing focused until an arrow


def test_up_from_the_screen_reaches_the_top_bar(kiosk_ui: KioskUi, clock: FakeClock) -> None:
    ui = kiosk_ui
    hold_key(ui, clock, 2.0)
    window = ui.window
    top = {window.language_button, window.text_size_button, window.listen_button, window.officer_button}
    key(ui, Qt.Key.Key_Down)
    for _ in range(10):
        key(ui, Qt.Key.Key_Up)
        if ui.accessibility.focused in top:
            break
    assert ui.accessibility.focused in top
    assert said(ui)[-1] in {b.text() for b in top}


def test_overlay_answers_alone_and_the_reset_ends_the_mode(kiosk_ui: KioskUi, clock: FakeClock) -> None:
    ui = kiosk_ui
    hold_key(ui, clock, 2.0)
    ui.app.journey.call_officer()
    assert ui.window.overlay.isVisible()
    key(ui, Qt.Key.Key_Down)
    focused = ui.accessibility.focused
    assert isinstance(focused, QPushButton) and ui.window.overlay.isAncestorOf(focused)
    for _ in range(4):  # only the overlay's answers: the screen behind is out of reach
        key(ui, Qt.Key.Key_Right)
        assert ui.window.overlay.isAncestorOf(ui.accessibility.focused)  # type: ignore[arg-type]
    key(ui, Qt.Key.Key_Return)  # "Đóng"
    assert not ui.window.overlay.isVisible()
    ui.app.journey.reset()
    state = ui.app.journey.state()
    assert not state.accessible and not state.large_text
    assert ui.window.theme == "normal"
    assert QApplication.instance().property(THEME_PROPERTY) == "normal"  # type: ignore[union-attr]
    key(ui, Qt.Key.Key_Down)  # arrows are the kiosk's again: nothing focused, nothing said
    assert ui.accessibility.focused is None


def test_a_keypad_digit_presses_the_on_screen_key(qtbot, kiosk_ui: KioskUi, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    ui = kiosk_ui
    journey = ui.app.journey
    hold_key(ui, clock, 2.0)
    journey.choose_service("1.003677")
    journey.next()
    journey.consent(True)
    assert journey.state().screen == "card"
    for digit in "079":
        key(ui, Qt.Key(Qt.Key.Key_0.value + int(digit)), text=digit)
    # The scanner filter holds typed keys for 30 ms (a scanner's burst or a person?), then lets them on.
    qtbot.waitUntil(lambda: journey.state().card.id_number == "079", timeout=2000)
    key(ui, Qt.Key.Key_Backspace)
    assert journey.state().card.id_number == "07"


def test_without_the_mode_arrows_and_enter_are_left_alone(kiosk_ui: KioskUi) -> None:
    ui = kiosk_ui
    ui.app.journey.start()
    key(ui, Qt.Key.Key_Down)
    key(ui, Qt.Key.Key_Return)
    assert ui.accessibility.focused is None
    assert ui.app.journey.state().screen == "menu"


def test_nearest_prefers_the_same_row() -> None:
    from PySide6.QtCore import QRect

    boxes = [QRect(0, 0, 100, 50), QRect(120, 0, 100, 50), QRect(110, 60, 100, 50), QRect(0, 60, 100, 50)]
    assert nearest(boxes, 0, (1, 0)) == 1
    assert nearest(boxes, 0, (0, 1)) == 3
    assert nearest(boxes, 1, (1, 0)) is None  # the edge
    assert reading_order(boxes) == [0, 1, 3, 2]


# -- headset jack ---------------------------------------------------------------------------


def fake_sysfs(root: Path, entries: dict[str, tuple[str, str]]) -> Path:
    for event, (name, sw) in entries.items():
        device = root / event / "device"
        (device / "capabilities").mkdir(parents=True)
        (device / "name").write_text(name + "\n")
        (device / "capabilities" / "sw").write_text(sw + "\n")
    return root


def test_jack_devices_are_found_by_their_switch_bits(tmp_path: Path) -> None:
    sysfs = fake_sysfs(
        tmp_path,
        {
            "event3": ("HDA Intel PCH Headphone", "4"),  # bit 2: SW_HEADPHONE_INSERT
            "event4": ("HDA Intel PCH Mic", "10"),  # bit 4: SW_MICROPHONE_INSERT
            "event5": ("Lid Switch", "1"),  # bit 0: SW_LID, not a jack
            "event6": ("Power Button", "0"),
        },
    )
    found = jack_devices(sysfs, Path("/dev/input"))
    assert [(d.name, d.path.name) for d in found] == [
        ("HDA Intel PCH Headphone", "event3"),
        ("HDA Intel PCH Mic", "event4"),
    ]
    assert plugged_from_switches(bytes([0b100, 0])) and not plugged_from_switches(bytes([0b1, 0]))


def test_headset_events_from_a_device_reach_the_kiosk(tmp_path: Path) -> None:
    fifo = tmp_path / "event3"
    os.mkfifo(fifo)
    changes: list[bool] = []
    arrived = threading.Event()

    def on_change(plugged: bool) -> None:
        changes.append(plugged)
        if len(changes) == 2:
            arrived.set()

    watch = HeadsetWatch([JackDevice("HDA Intel PCH Headphone", fifo)])
    writer = os.open(fifo, os.O_RDWR)  # held open so the watch's read-only open does not block
    try:
        watch.start(on_change)
        records = [
            EVENT.pack(1, 0, EV_SW, SW_HEADPHONE_INSERT, 1),
            EVENT.pack(1, 0, 0, 0, 0),  # EV_SYN
            EVENT.pack(2, 0, EV_SW, SW_HEADPHONE_INSERT, 1),  # no change: not reported twice
            EVENT.pack(3, 0, EV_SW, SW_HEADPHONE_INSERT, 0),
        ]
        data = b"".join(records)
        os.write(writer, data[:30])  # split across reads, as a pipe may deliver it
        os.write(writer, data[30:])
        assert arrived.wait(5)
    finally:
        watch.stop()
        os.close(writer)
    assert changes == [True, False]


def test_a_headset_plugged_in_turns_the_mode_on(qtbot, kiosk_ui: KioskUi) -> None:  # type: ignore[no-untyped-def]
    ui = kiosk_ui
    qtbot.waitUntil(lambda: ui.headset is not None, timeout=5000)  # started after the first paint
    ui.runner.post(ui.accessibility.turn_on)  # what the watch's on_change(True) posts
    qtbot.waitUntil(lambda: ui.app.journey.state().accessible, timeout=2000)
    assert ui.window.theme == "high_contrast"
