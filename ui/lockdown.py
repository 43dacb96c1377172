"""Kiosk mode: no way from the citizen's screen to a desktop, except the officer's PIN.

`Lockdown` is an application-wide event filter: it swallows the key combinations that close,
switch or leave a window (Alt+F4, Alt+Tab, Ctrl+W, Ctrl+Q, Ctrl+Alt+Backspace, Super, Escape,
F11 …), every context menu (right-click, and the press-and-hold that touch screens turn into
one) and every drag and drop. What the compositor itself would act on (VT switching, its own
bindings) is for the compositor's config: `cage` has no shell, panel or edge gesture to reach, and
without its `-s` flag no Ctrl+Alt+Fn switch to another virtual terminal. `PinPad` is the overlay
behind Ctrl+Shift+F12: the right PIN (`kiosk.exit_pin`) leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.exit_pin import ExitPin, PinOutcome
from ui.widgets.basics import button, label

Key = Qt.Key
Mod = Qt.KeyboardModifier

# Keys that leave, hide or switch a window whatever the modifiers (as ints: a key event may
# carry a code Qt has no name for).
_ALWAYS = frozenset(
    k.value
    for k in {
        Key.Key_Escape,
        Key.Key_F11,
        Key.Key_Super_L,
        Key.Key_Super_R,
        Key.Key_Meta,
        Key.Key_Menu,  # the context-menu key
        Key.Key_Hyper_L,
        Key.Key_Hyper_R,
        Key.Key_Close,
        Key.Key_Exit,
        Key.Key_PowerOff,
        Key.Key_Sleep,
        Key.Key_Suspend,
        Key.Key_Hibernate,
        Key.Key_LogOff,
        Key.Key_TaskPane,
        Key.Key_ApplicationLeft,
        Key.Key_ApplicationRight,
    }
)
# Keys that leave a window with Alt (Alt+F4, Alt+Tab, Alt+Space: the window menu, Alt+Esc) or
# with Ctrl (Ctrl+W, Ctrl+Q, Ctrl+F4, Ctrl+Tab, Ctrl+Esc: a start menu).
_WITH_ALT = frozenset(
    k.value for k in (Key.Key_F4, Key.Key_Tab, Key.Key_Backtab, Key.Key_Space, Key.Key_Escape)
)
_WITH_CTRL = frozenset(
    k.value for k in (Key.Key_W, Key.Key_Q, Key.Key_F4, Key.Key_Tab, Key.Key_Backtab, Key.Key_Escape)
)

_DROP_EVENTS = frozenset({QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop})


def is_escape_key(event: QKeyEvent) -> bool:
    key = int(event.key())
    mods = event.modifiers()
    if key in _ALWAYS or mods & Mod.MetaModifier:  # Super with anything
        return True
    if mods & Mod.ControlModifier and mods & Mod.AltModifier:  # Ctrl+Alt+Backspace, +Del, +F1…F12
        return True
    if mods & Mod.AltModifier and key in _WITH_ALT:
        return True
    if mods & Mod.ControlModifier and key in _WITH_CTRL:
        return True
    return bool(mods & Mod.AltModifier) and Key.Key_F1.value <= key <= Key.Key_F35.value  # Alt+Fn


class Lockdown(QObject):
    """Installed on the application: the escape keys, context menus and drops never arrive."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride):
            assert isinstance(event, QKeyEvent)
            if is_escape_key(event):
                event.accept()  # handled: a ShortcutOverride accepted here triggers no shortcut
                return True
            return False
        if kind is QEvent.Type.ContextMenu:
            event.accept()
            return True
        if kind in _DROP_EVENTS:
            event.ignore()  # refused: the drag shows "no drop" and nothing is delivered
            return True
        return False


class PinPad(QWidget):
    """The officer's PIN, digit by digit on big buttons (no keyboard at a kiosk), over the screen."""

    def __init__(self, parent: QWidget, gate: ExitPin, on_open: Callable[[], None]) -> None:
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._gate = gate
        self._on_open = on_open
        self._digits = ""
        self._language = "vi"
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        dialog = QFrame()
        dialog.setObjectName("dialog")
        column = QVBoxLayout(dialog)
        column.setContentsMargins(40, 30, 40, 30)
        self.title = label("", "h2", center=True)
        self.shown = label("", "h1", center=True)  # one dot per digit, never the digits
        self.message = label("", "", center=True)
        column.addWidget(self.title)
        column.addWidget(self.shown)
        column.addWidget(self.message)
        grid = QGridLayout()
        self.keys: dict[str, QWidget] = {}
        for index, digit in enumerate("1234567890"):
            place = divmod(index, 3) if digit != "0" else (3, 1)
            grid.addWidget(self._key(digit, partial(self.press, digit)), *place)
        grid.addWidget(self._key("⌫", self.erase), 3, 0)
        grid.addWidget(self._key("OK", self.submit, "primary"), 3, 2)
        column.addLayout(grid)
        self.cancel_button = button("", "")
        self.cancel_button.clicked.connect(self.cancel)
        column.addWidget(self.cancel_button)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(dialog)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.hide()

    def _key(self, text: str, action: Callable[[], None], role: str = "") -> QWidget:
        key = button(text, role)
        key.clicked.connect(action)
        self.keys[text] = key
        return key

    def open(self, language: str) -> None:
        self._language = language
        self._digits = ""
        self.title.setText(phrases.EXIT_PIN_TITLE.get(language))
        self.cancel_button.setText(phrases.CLOSE.get(language))
        self._show_message("")
        self._refresh()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def press(self, digit: str) -> None:
        if len(self._digits) < 12:
            self._digits += digit
        self._refresh()

    def erase(self) -> None:
        self._digits = self._digits[:-1]
        self._refresh()

    def cancel(self) -> None:
        self._digits = ""
        self.hide()

    def submit(self) -> None:
        pin, self._digits = self._digits, ""  # the PIN is not kept past its check
        answer = self._gate.try_pin(pin)
        self._refresh()
        if answer.outcome is PinOutcome.OPEN:
            self.hide()
            self._on_open()
            return
        text = {
            PinOutcome.WRONG: phrases.EXIT_PIN_WRONG,
            PinOutcome.LOCKED: phrases.EXIT_PIN_LOCKED,
            PinOutcome.NOT_SET: phrases.EXIT_PIN_NOT_SET,
        }[answer.outcome].get(self._language)
        if answer.wait_s:
            text += " " + phrases.EXIT_PIN_WAIT.get(self._language).format(seconds=answer.wait_s)
        self._show_message(text)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _refresh(self) -> None:
        self.shown.setText("●" * len(self._digits) or " ")
