"""Accessibility mode through the real window: started by a held key (a fake clock, no waiting)
or a headset event; high contrast, large text, arrows + Enter, each focused control spoken; it
ends with the session."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea, QWidget

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
from tests.waits import WAIT_MS
from ui.accessibility import nearest, reading_order
from ui.app import KioskUi
from ui.tour import Tour, tour_config
from ui.widgets.icons import THEME_PROPERTY
from ui.widgets.tile import Tile, WrappingButton
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


def test_an_arrow_keeps_the_session_as_a_touch_would(qtbot, kiosk_ui: KioskUi, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    ui = kiosk_ui
    journey = ui.app.journey
    hold_key(ui, clock, 2.0)
    journey.choose_service("1.003677")
    journey._last_touch -= dt.timedelta(seconds=61)  # the journey's own clock, as test_journey does
    qtbot.waitUntil(lambda: journey.state().idle_warning, timeout=3000)
    key(ui, Qt.Key.Key_Down)
    assert not journey.state().idle_warning and journey.seconds_until_reset() > 60
    assert journey.state().screen == "intro"


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


def test_up_and_down_take_the_nearest_in_the_same_region() -> None:
    from PySide6.QtCore import QRect

    boxes = [QRect(0, 0, 100, 50), QRect(120, 0, 100, 50), QRect(110, 60, 100, 50), QRect(0, 60, 100, 50)]
    assert nearest(boxes, 0, (0, 1)) == 3  # straight down beats the closer diagonal
    assert nearest(boxes, 1, (0, 1)) == 2
    assert nearest(boxes, 3, (0, -1)) == 0
    assert nearest(boxes, 3, (0, 1)) is None  # the edge
    assert reading_order(boxes) == [0, 1, 3, 2]
    # The bottom bar's Continue is further than the screen's next row from a tile: the screen first.
    boxes.append(QRect(0, 70, 100, 50))
    assert nearest(boxes, 0, (0, 1), [1, 1, 1, 2, 1]) == 4


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
    qtbot.waitUntil(lambda: ui.headset is not None, timeout=WAIT_MS)  # started after the first paint
    ui.runner.post(ui.accessibility.turn_on)  # what the watch's on_change(True) posts
    qtbot.waitUntil(lambda: ui.app.journey.state().accessible, timeout=2000)
    assert ui.window.theme == "high_contrast"


# -- high contrast: WCAG AAA on what the screens really show ---------------------------------


def luminance(colour: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_contrast(image: Image.Image) -> float:
    """Contrast of a text's box as drawn: its commonest colour is the background; the text is the
    colour of the strokes' cores: the eighth of the other pixels farthest from the background
    (the rest is anti-aliasing at the strokes' edges). No pixel unlike the background (text drawn
    in the background's colour): 1:1."""
    colours = image.getcolors(image.width * image.height) or []
    background = max(colours)[1]
    others = sum(n for n, c in colours if contrast(c, background) > 1.05)
    needed = max(4, others // 8)
    covered = 0
    for ratio, count in sorted(((contrast(c, background), n) for n, c in colours), reverse=True):
        covered += count
        if covered >= needed:
            return ratio
    return 1.0


def test_text_contrast_measures_what_is_drawn() -> None:
    black, white = (0, 0, 0), (255, 255, 255)
    assert contrast(black, white) == pytest.approx(21.0)
    image = Image.new("RGB", (200, 40), black)
    ImageDraw.Draw(image).rectangle((10, 10, 120, 30), fill=(255, 230, 0))
    assert text_contrast(image) == pytest.approx(contrast(black, (255, 230, 0)))
    same = Image.new("RGB", (200, 40), black)
    ImageDraw.Draw(same).rectangle((10, 10, 120, 30), fill=(20, 20, 20))  # "Không thu lệ phí" once
    assert text_contrast(same) < 1.5
    assert text_contrast(Image.new("RGB", (200, 40), black)) == 1.0  # drawn in the background's colour


class ContrastTour(Tour):
    """The tour, noting where each text a citizen sees is on each picture."""

    def shot(self, service: str, name: str, page: QWidget | None = None) -> None:
        super().shot(service, name, page)
        window = self.window
        texts: list[tuple[str, tuple[int, int, int, int]]] = []
        if page is None:  # an officer's page is not the citizen's
            overlay = window.overlay.isVisible()
            root = window.overlay if overlay else window
            for widget in root.findChildren(QWidget):
                if not isinstance(widget, (QLabel, QPushButton)) or not widget.isVisible():
                    continue
                if not widget.text().strip() or (not overlay and window.overlay.isAncestorOf(widget)):
                    continue
                if isinstance(widget, WrappingButton):
                    continue  # a tile's words are its labels, measured themselves
                on_top = window.childAt(widget.mapTo(window, widget.rect().center()))
                if on_top is not None and not (
                    on_top is widget or widget.isAncestorOf(on_top) or on_top.isAncestorOf(widget)
                ):
                    continue  # covered (the month calendar over the form): not seen
                rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
                if isinstance(widget, QPushButton):  # inside its border and rounded corners
                    rect = rect.adjusted(14, 6, -14, -6)
                parent = widget.parentWidget()
                while parent is not None:  # only what a scroll area shows of it
                    if isinstance(parent, QScrollArea):
                        viewport = parent.viewport()
                        rect = rect.intersected(QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size()))
                    parent = parent.parentWidget()
                if rect.width() > 4 and rect.height() > 4:
                    corners = (rect.left(), rect.top(), rect.right() + 1, rect.bottom() + 1)
                    texts.append((widget.text(), corners))
        self.entries[-1]["texts"] = texts


@pytest.mark.skipif(
    os.environ.get("KIOSK_TOUR_ALL") != "1",
    reason="a whole high-contrast tour (~2 min): KIOSK_TOUR_ALL=1, to keep CI under 15 minutes",
)
@pytest.mark.parametrize("large_text", [pytest.param(True, id="large-text")])
def test_high_contrast_meets_wcag_aaa_on_every_screen(qapp, tmp_path: Path, large_text: bool) -> None:  # type: ignore[no-untyped-def]
    """Every text on every screen of a tour in the high-contrast theme and large text (what
    accessibility mode shows), at 1366×768: ≥ 7:1 against what is behind it, measured on the PNGs."""
    with tempfile.TemporaryDirectory(prefix="kiosk-tour-") as scratch:
        config = tour_config(Path(scratch), "vi", "high_contrast")
        tour = ContrastTour(tmp_path, (1366, 768), config, large_text)
        try:
            entries = tour.run()
        finally:
            tour.window.allow_close = True
            tour.window.close()
            tour.app.controller.stop()
    low = []
    for entry in entries:
        with Image.open(tmp_path / entry["file"]) as picture:
            image = picture.convert("RGB")
            for text, rect in entry["texts"]:
                ratio = text_contrast(image.crop(rect))
                if ratio < 7.0:
                    low.append(f"{entry['file']}: {text!r} {ratio:.1f}:1")
    assert len(entries) > 300  # every service's every screen
    assert not low, "\n".join(low)
    # Whether these screens fit: test_tour.py's large-text cases (KIOSK_TOUR_ALL=1).


def focus_on(ui: KioskUi, wanted: object, tries: int = 120) -> None:
    """Right until `wanted` (a widget, or a test on the focused widget) has the focus ring."""
    for _ in range(tries):
        focused = ui.accessibility.focused
        if focused is not None and (focused is wanted or (callable(wanted) and wanted(focused))):
            return
        key(ui, Qt.Key.Key_Right)
    raise AssertionError(f"never focused: {wanted!r}")


def test_a_text_box_is_said_with_its_question(kiosk_ui: KioskUi, clock: FakeClock) -> None:
    from PySide6.QtWidgets import QLineEdit

    ui = kiosk_ui
    journey = ui.app.journey
    hold_key(ui, clock, 2.0)
    journey.choose_service("1.014063")
    journey.edit_step("phone")
    settle()
    question = journey.state().service.fields["phone"].label.get("vi")  # type: ignore[union-attr]
    focus_on(ui, lambda w: isinstance(w, QLineEdit))
    assert said(ui)[-1].startswith(f"{question}: ")


def test_dates_by_keys_say_their_part_and_the_calendar_names_its_question(
    kiosk_ui: KioskUi, clock: FakeClock
) -> None:
    ui = kiosk_ui
    journey = ui.app.journey
    hold_key(ui, clock, 2.0)
    journey.choose_service("1.003677")
    journey.edit_step("dates")
    settle()
    fields = journey.state().service.fields  # type: ignore[union-attr]
    focus_on(ui, lambda w: isinstance(w, QPushButton) and w.text() == "+")
    day_up = f"{phrases.DATE_DAY.get('vi')}, {phrases.KEY_NAMES['+'].get('vi')}"
    assert said(ui)[-1] == f"{fields['date_from'].label.get('vi')}, {day_up}"  # "Ngày đi, Ngày, tăng"
    opener = phrases.DATE_CALENDAR.get("vi")
    focus_on(ui, lambda w: isinstance(w, QPushButton) and w.text() == opener)
    key(ui, Qt.Key.Key_Return)
    form = ui.window.screens["form"]
    (calendar,) = [c for c in form.findChildren(QWidget) if c.property("covers_screen") and c.isVisible()]
    month = calendar.month()  # type: ignore[attr-defined]
    heading = phrases.DATE_MONTH_OF.get("vi").format(month=month.month, year=month.year)
    assert said(ui)[-1] == f"{fields['date_from'].label.get('vi')}. {heading}"  # which date, which month
    assert calendar.field.text() == fields["date_from"].label.get("vi")  # type: ignore[attr-defined]
    for _ in range(12):  # the keys reach the calendar (and the bars), never the form beneath it
        key(ui, Qt.Key.Key_Right)
        focused = ui.accessibility.focused
        assert focused is not None
        assert calendar.isAncestorOf(focused) or not form.isAncestorOf(focused), focused.text()  # type: ignore[attr-defined]
    day = calendar.day_button(month.replace(day=20))  # type: ignore[attr-defined]
    focus_on(ui, day)
    key(ui, Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert journey.state().form.values["date_from"] == month.replace(day=20).isoformat()


def test_officer_mode_follows_the_keys_and_never_says_a_sign_in_digit(
    kiosk_ui: KioskUi, clock: FakeClock
) -> None:
    ui = kiosk_ui
    hold_key(ui, clock, 2.0)
    officer = ui.window.officer
    assert officer is not None
    ui.window.open_officer()
    settle()
    heard = len(said(ui))
    key(ui, Qt.Key.Key_Down)
    for _ in range(14):  # every key of the sign-in page, and only those
        focused = ui.accessibility.focused
        assert focused is not None and officer.login.isAncestorOf(focused)
        key(ui, Qt.Key.Key_Right)
    new = said(ui)[heard:]
    assert phrases.KEY_SECRET.get("vi") in new
    assert not any(any(ch.isdigit() for ch in text) for text in new)  # the headset is the citizen's
    focus_on(ui, lambda w: isinstance(w, QPushButton) and w.text().isdigit())
    key(ui, Qt.Key.Key_Return)  # Enter presses the key, as a finger would
    assert officer.login.shown.text().strip()


def test_a_space_typed_by_keys_is_said(kiosk_ui: KioskUi, clock: FakeClock) -> None:
    """Issue 11: after "Thôn 3" the space key said "Thôn 3" again, as if it had not been pressed."""
    from PySide6.QtWidgets import QLineEdit

    ui = kiosk_ui
    journey = ui.app.journey
    hold_key(ui, clock, 2.0)
    journey.choose_service("1.014063")
    journey.set_value("reason", "data_changed")
    journey.edit_step("changed_data")
    settle()
    edit = next(e for e in ui.window.current_screen().findChildren(QLineEdit) if e.isVisible())
    focus_on(ui, lambda w: isinstance(w, QLineEdit))
    key(ui, Qt.Key.Key_Return)  # into the box: its keyboard
    space = phrases.KEY_SPACE.get("vi")
    focus_on(ui, lambda w: isinstance(w, QPushButton) and w.text().casefold() == "t")
    key(ui, Qt.Key.Key_Return)
    assert said(ui)[-1] == "T"  # a text starts with a capital
    focus_on(ui, lambda w: isinstance(w, QPushButton) and w.text() == space)
    key(ui, Qt.Key.Key_Return)
    assert edit.text() == "T "
    assert said(ui)[-1] == f"T, {space.lower()}"
