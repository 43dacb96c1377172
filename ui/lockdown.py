"""Kiosk mode: no way from the citizen's screen to a desktop, except an officer's sign-in.

`Lockdown` is an application-wide event filter: it swallows the key combinations that close,
switch or leave a window (Alt+F4, Alt+Tab, Ctrl+W, Ctrl+Q, Ctrl+Alt+Backspace, Super, Escape,
F11 …), every context menu (right-click, and the press-and-hold that touch screens turn into
one) and every drag and drop. What the compositor itself would act on (VT switching, its own
bindings) is for the compositor's config: `cage` has no shell, panel or edge gesture to reach, and
without its `-s` flag no Ctrl+Alt+Fn switch to another virtual terminal. The one way out is officer
mode (`ui/officer/`, Ctrl+Shift+F12): an officer whose role has `leave_kiosk`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

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

    EVENTS = (  # what `eventFilter` looks at (ui.app_events)
        QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride, QEvent.Type.ContextMenu,
        *_DROP_EVENTS,
    )  # fmt: skip

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
