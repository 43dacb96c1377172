"""Accessibility mode: a blind or low-vision citizen starts it alone and uses the kiosk by keys.

`Accessibility` is an application event filter (installed by `ui/app.py`). Holding the
accessibility key (`ui.accessibility_key`, F1) for `ui.accessibility_hold_seconds`, or plugging
in a headset (`devices/audio/headset.py` calls `turn_on`), puts the journey in accessible mode
(`FlowState.accessible`): high contrast, large text, and keypad navigation:

- the arrows move a focus ring among the buttons, tiles, choices and text boxes of what is shown
  (the overlay alone while one is up): Left and Right to the one before or after in reading order
  (top bar, screen, bottom bar; rows left to right), so Right alone reaches every control; Up and
  Down to the nearest one above or below (at the edge, on in reading order); each one reached is
  spoken;
- Enter presses the focused control (a text box: the on-screen keyboard types into it);
- a printable key (a keypad's digits) presses the on-screen key with that label.

The mode ends with the session: the reset clears the flag and the window returns to its theme.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QScrollArea, QWidget

from kiosk import phrases
from kiosk.flow.state import FlowState
from kiosk.ports.voice import Voice
from kiosk.wrap import plain
from ui.widgets.tile import ChoiceTile, Tile
from ui.window import KioskWindow

ARROWS = {
    Qt.Key.Key_Left.value: (-1, 0),
    Qt.Key.Key_Right.value: (1, 0),
    Qt.Key.Key_Up.value: (0, -1),
    Qt.Key.Key_Down.value: (0, 1),
}
ENTER = frozenset({Qt.Key.Key_Return.value, Qt.Key.Key_Enter.value})


def key_code(name: str) -> int:
    """A key named as Qt names it ("F1", "Help"); unknown names are refused at start."""
    sequence = QKeySequence.fromString(name)
    if sequence.isEmpty():
        raise ValueError(f"unknown key {name!r}")
    return int(sequence[0].key())  # type: ignore[index]  # the stubs lack __getitem__


def box(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def unscrolled_box(widget: QWidget, window: QWidget) -> QRect:
    """Where `widget` would be with every scroll area around it scrolled to its start: a list's
    order does not change as it scrolls, and what is below the fold stays below what is shown."""
    rect = box(widget, window)
    for area in _scroll_areas(widget):
        rect = rect.translated(area.horizontalScrollBar().value(), area.verticalScrollBar().value())
    return rect


def reading_order(boxes: list[QRect], regions: list[int] | None = None) -> list[int]:
    """Indexes of `boxes` by region (top bar, screen, bottom bar), then top to bottom, left to
    right; boxes whose middles are within a few pixels of each other's height count as one row."""
    regions = regions or [0] * len(boxes)
    return sorted(
        range(len(boxes)), key=lambda i: (regions[i], boxes[i].center().y() // 24, boxes[i].center().x())
    )


def nearest(
    boxes: list[QRect], current: int, direction: tuple[int, int], regions: list[int] | None = None
) -> int | None:
    """Up or Down (`direction` (0, ±1)): the box nearest to `boxes[current]` below or above it,
    or None: distance along plus twice the distance across, a box in the same region
    (`regions`: top bar, screen, bottom bar) before any other. Left and Right are the reading
    order's (`move`): on a row of keys that is the next key, and they reach every control."""
    regions = regions or [0] * len(boxes)
    here_box = boxes[current]
    here = here_box.center()
    dy = direction[1]
    best, best_score = None, (0, 0)
    for index, other in enumerate(boxes):
        if index == current:
            continue
        beyond = other.top() >= here_box.bottom() - 4 if dy > 0 else other.bottom() <= here_box.top() + 4
        if not beyond:
            continue
        there = other.center()
        along, across = abs(there.y() - here.y()), abs(there.x() - here.x())
        score = (int(regions[index] != regions[current]), along + 2 * across)
        if best is None or score < best_score:
            best, best_score = index, score
    return best


class FocusRing(QWidget):
    """A thick ring drawn over the focused control: yellow outside, black inside, so it shows on
    black, white and yellow alike. It takes no touch and no room in any layout."""

    WIDTH = 6

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.hide()

    def follow(self, rect: QRect | None) -> None:
        if rect is None:
            self.hide()
            return
        margin = self.WIDTH
        self.setGeometry(rect.adjusted(-margin, -margin, margin, margin))
        self.show()
        self.raise_()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        half = self.WIDTH // 2
        for colour, inset in ((QColor("#FFE600"), half), (QColor("#000000"), self.WIDTH + 1)):
            painter.setPen(QPen(colour, self.WIDTH))
            painter.drawRect(self.rect().adjusted(inset, inset, -inset, -inset))
        painter.end()


class Accessibility(QObject):
    def __init__(
        self,
        window: KioskWindow,
        voice: Voice,
        *,
        key: str = "F1",
        hold_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.window = window
        self.voice = voice
        self.clock = clock
        self.hold_key = key_code(key)
        self.hold_seconds = hold_seconds
        self._held_since: float | None = None
        self._hold_timer = QTimer(self)  # for keys that send no repeats while held
        self._hold_timer.setSingleShot(True)
        self._hold_timer.timeout.connect(self._check_hold)
        self.ring = FocusRing(window)
        self.focused: QWidget | None = None
        self._shown: tuple[object, ...] = ()
        self.journey = window.ctx.journey
        self.journey.subscribe(self._follow_state)

    # -- the mode -------------------------------------------------------------------------
    @property
    def on(self) -> bool:
        return self.journey.state().accessible

    def turn_on(self) -> None:
        """Held key or headset: the mode on (from the idle screen the session starts), said."""
        if self.on:
            return
        self.journey.accessibility_on()
        state = self.journey.state()
        said = phrases.ACCESSIBILITY_ON.get(state.language)
        screen = self.window.current_screen().spoken(state)
        self.voice.say(f"{said}. {screen}" if screen else said, state.language)

    def _follow_state(self, state: FlowState) -> None:
        # The theme follows `state.high_contrast`, which the mode turns on (ui/window.py restyles).
        layers = tuple(layer.isVisible() for layer in self._layers())
        shown = (state.screen, state.step_index, state.phase, *layers)
        if shown != self._shown:  # a new screen or overlay: nothing focused until an arrow
            self._shown = shown
            self._focus(None)

    def _layers(self) -> tuple[QWidget, ...]:
        """What can cover the screen, the topmost first: officer mode (an officer helping in an
        accessible session uses the same keys), the overlay's question, the volume panel."""
        window = self.window
        officer = (window.officer,) if window.officer is not None else ()
        return (*officer, window.overlay, window.comfort)

    def _secret_keys(self) -> bool:
        """The officer's sign-in is showing: its digits are never said (the headset is the
        citizen's), only that a key has the focus."""
        officer = self.window.officer
        return officer is not None and officer.isVisible() and officer.pages.currentWidget() is officer.login

    # -- keys -----------------------------------------------------------------------------
    EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)  # what `eventFilter` looks at (ui.app_events)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or not isinstance(event, QKeyEvent):
            return False
        key = int(event.key())
        if key == self.hold_key:
            self._hold(event)
            return True
        if not self.on or kind != QEvent.Type.KeyPress:
            return False
        if key in ARROWS:
            self.journey.touch()  # a key is a touch (the idle warning's "still here", too)
            self.move(ARROWS[key])
            return True
        if key in ENTER:
            self.press()
            return True
        if key == Qt.Key.Key_Backspace.value:
            return self._press_labelled(("⌫", phrases.KEY_DELETE.get(self.journey.state().language)))
        text = event.text()
        if len(text) == 1 and text.isprintable() and not text.isspace():
            return self._press_labelled((text,))
        return False

    def _hold(self, event: QKeyEvent) -> None:
        if event.type() == QEvent.Type.KeyPress and not event.isAutoRepeat():
            self._held_since = self.clock()
            self._hold_timer.start(round(self.hold_seconds * 1000) + 50)
        elif event.type() == QEvent.Type.KeyPress:  # repeats while held
            self._check_hold()
        elif not event.isAutoRepeat():  # released
            self._check_hold()
            self._held_since = None
            self._hold_timer.stop()

    def _check_hold(self) -> None:
        if self._held_since is not None and self.clock() - self._held_since >= self.hold_seconds:
            self._held_since = None
            self._hold_timer.stop()
            self.turn_on()

    # -- focus ----------------------------------------------------------------------------
    def targets(self) -> list[QWidget]:
        """What the arrows reach now: the overlay's answers while it is up (or the volume panel's
        buttons), else the top bar, the screen and the bottom bar."""
        window = self.window
        layers = self._layers()
        shown = [layer for layer in layers if layer.isVisible()]
        root: QWidget = shown[0] if shown else window
        screen = window.stack.currentWidget()
        cover = covering(screen) if screen is not None and not shown else None
        return [
            widget
            for widget in root.findChildren(QWidget)
            if isinstance(widget, (QAbstractButton, QLineEdit))
            and widget.isVisible()
            and widget.isEnabled()
            and (shown or not any(layer.isAncestorOf(widget) for layer in layers))
            # a layer over the screen (the month calendar): its keys, not the form beneath it
            and (
                cover is None
                or screen is None
                or cover.isAncestorOf(widget)
                or not screen.isAncestorOf(widget)
            )
        ]

    def move(self, direction: tuple[int, int]) -> None:
        targets = self.targets()
        if not targets:
            return
        boxes = [unscrolled_box(w, self.window) for w in targets]
        regions = [self._region(w) for w in targets]
        order = reading_order(boxes, regions)
        if self.focused not in targets:
            chosen = self._first(targets, order) if direction in ((1, 0), (0, 1)) else order[-1]
        else:
            current = targets.index(self.focused)
            found = nearest(boxes, current, direction, regions) if direction[1] else None
            if found is None:  # Left, Right, or an edge: on in reading order, round at the end
                step = 1 if direction in ((1, 0), (0, 1)) else -1
                found = order[(order.index(current) + step) % len(order)]
            chosen = found
        self._focus(targets[chosen])
        self._say_focused()

    def _region(self, widget: QWidget) -> int:
        top = self.window.language_button.parentWidget()
        if top is not None and top.isAncestorOf(widget):
            return 0
        return 2 if self.window.bottom.isAncestorOf(widget) else 1

    def _first(self, targets: list[QWidget], order: list[int]) -> int:
        """Where the first arrow on a screen lands: its first control, not the top bar's."""
        screen = self.window.stack.currentWidget()
        cover = covering(screen) if screen is not None else None
        first = cover or screen
        for index in order:
            if first is not None and first.isAncestorOf(targets[index]):
                return index
        return order[0]

    def _focus(self, widget: QWidget | None) -> None:
        self.focused = widget
        if widget is not None:
            for parent in _scroll_areas(widget):
                parent.ensureWidgetVisible(widget, 0, 20)
            self.ring.follow(box(widget, self.window))
        else:
            self.ring.follow(None)

    def _say_focused(self) -> None:
        if self.focused is not None:
            state = self.journey.state()
            name = spoken_name(self.focused, state.language)
            if (
                self._secret_keys()
                and isinstance(self.focused, QAbstractButton)
                and self.focused.text().isdigit()
            ):
                name = phrases.KEY_SECRET.get(state.language)
            self.voice.say(name, state.language)

    def press(self) -> None:
        """Enter: the focused control, as a finger would press it."""
        widget = self.focused
        if widget is None or not widget.isVisible():
            self.move((0, 1))  # nothing focused yet: the first control, said
            return
        before = {e: e.text() for e in self.window.findChildren(QLineEdit) if e.isVisible()}
        if isinstance(widget, QLineEdit):
            centre = QPointF(widget.rect().center())
            for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
                click = QMouseEvent(
                    kind,
                    centre,
                    widget.mapToGlobal(centre),
                    Qt.MouseButton.LeftButton,
                    Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier,
                )
                QApplication.sendEvent(widget, click)
            self._say_focused()
            return
        assert isinstance(widget, QAbstractButton)
        self.journey.touch()
        if isinstance(widget, Tile) and widget.isCheckable() and not widget.isChecked():
            # A menu tile's first touch says what it is: the arrow that reached it said so already.
            widget.click()
        screen = self.window.stack.currentWidget()
        covered = covering(screen) if screen is not None else None
        widget.click()
        cover = covering(screen) if screen is not None else None
        if cover is not None and cover is not covered:  # the month calendar opened over the form
            self._focus(None)
            spoken = getattr(cover, "spoken", None)
            if callable(spoken):
                state = self.journey.state()
                self.voice.say(str(spoken()), state.language)
            return
        if self.focused is widget and widget.isVisible():
            self._after_press(widget, before)

    def _after_press(self, widget: QAbstractButton, before: dict[QLineEdit, str]) -> None:
        """Said after a press that left the screen as it was: what a text box now holds, or
        whether a choice is now ticked."""
        language = self.journey.state().language
        for edit, text in before.items():
            if edit.isVisible() and edit.text() != text:
                now = edit.text() or phrases.FOCUS_EMPTY.get(language)
                if now.endswith(" "):  # a space is silent: name it, or the press seems lost
                    now = f"{now.rstrip()}, {phrases.KEY_SPACE.get(language).lower()}"
                self.voice.say(now, language)
                return
        if widget.isCheckable():
            self.voice.say(spoken_name(widget, language), language)
        self.ring.follow(box(widget, self.window))  # it may have moved (a list grew)

    def _press_labelled(self, labels: tuple[str, ...]) -> bool:
        """A physical key that has an on-screen twin (a digit, a letter): press the twin."""
        wanted = {text.casefold() for text in labels if text}
        for widget in self.targets():
            if isinstance(widget, QAbstractButton) and widget.text().casefold() in wanted:
                self._focus(widget)
                self.press()
                return True
        return False


def covering(screen: QWidget) -> QWidget | None:
    """The layer shown over the whole of `screen` (the date picker's month calendar), if any."""
    for widget in screen.findChildren(QWidget):
        if widget.property("covers_screen") and widget.isVisible():
            return widget
    return None


def _scroll_areas(widget: QWidget) -> list[QScrollArea]:
    found = []
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            found.append(parent)
        parent = parent.parentWidget()
    return found


def spoken_name(widget: QWidget, language: str) -> str:
    """What the voice says for a control: its words, a sign's name, a tile's explanation, a text
    box's content, and whether a choice is ticked."""
    if isinstance(widget, QLineEdit):  # named by its question ("Họ và tên: còn trống")
        content = widget.text() or widget.placeholderText() or phrases.FOCUS_EMPTY.get(language)
        return f"{widget.accessibleName() or phrases.FOCUS_FIELD.get(language)}: {content}"
    if isinstance(widget, Tile):
        return plain(f"{widget.text()}. {widget.explanation.text()}")
    text = widget.text() if isinstance(widget, (QAbstractButton, ChoiceTile)) else ""
    named = phrases.KEY_NAMES.get(text)
    words = named.get(language) if named is not None else text
    if isinstance(widget, QAbstractButton) and widget.accessibleName():
        # a date's "+": "Tháng, tăng"; a top-bar button shown as its pictogram alone: its words
        words = f"{widget.accessibleName()}, {words}" if words else widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.isCheckable() and widget.isChecked():
        words = f"{words}, {phrases.FOCUS_CHECKED.get(language)}"
    return words
