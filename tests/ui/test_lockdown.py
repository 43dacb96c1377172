"""Kiosk mode on the real window: the known escape keys, right-click, press-and-hold and drops
get nowhere; Ctrl+Shift+F12 opens the officer's sign-in (leaving is tested in test_officer_mode.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QWidget

from kiosk.config import load_config
from tests.ui.conftest import RecordingVoice
from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.screens.form import TouchLineEdit

K = Qt.Key
M = Qt.KeyboardModifier

ESCAPES = [
    (K.Key_F4, M.AltModifier),
    (K.Key_Tab, M.AltModifier),
    (K.Key_Tab, M.AltModifier | M.ShiftModifier),
    (K.Key_Space, M.AltModifier),
    (K.Key_W, M.ControlModifier),
    (K.Key_Q, M.ControlModifier),
    (K.Key_F4, M.ControlModifier),
    (K.Key_Backspace, M.ControlModifier | M.AltModifier),
    (K.Key_Delete, M.ControlModifier | M.AltModifier),
    (K.Key_F1, M.ControlModifier | M.AltModifier),
    (K.Key_Super_L, M.NoModifier),
    (K.Key_Super_R, M.NoModifier),
    (K.Key_Meta, M.NoModifier),
    (K.Key_D, M.MetaModifier),
    (K.Key_Escape, M.NoModifier),
    (K.Key_Escape, M.ControlModifier),
    (K.Key_Escape, M.AltModifier),
    (K.Key_F11, M.NoModifier),
    (K.Key_Menu, M.NoModifier),
]


# Shift, Ctrl and Alt pressed alone do nothing and reach the widgets (the combinations do not).
MODIFIER_KEYS = {int(K.Key_Shift), int(K.Key_Control), int(K.Key_Alt)}


class Seen(QObject):
    """Installed on widgets: what the lockdown let through to them (bare modifiers aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[QEvent.Type, int]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.ContextMenu, QEvent.Type.Drop):
            key = int(event.key()) if event.type() is QEvent.Type.KeyPress else 0  # type: ignore[attr-defined]
            if key not in MODIFIER_KEYS:
                self.events.append((event.type(), key))
        return False


@pytest.fixture
def kiosk(qtbot, tmp_path: Path) -> Iterator[KioskUi]:  # type: ignore[no-untyped-def]
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    ui = KioskUi(config, windowed=False, voice=RecordingVoice())  # kiosk mode: full screen
    qtbot.addWidget(ui.window)
    ui.show()
    qtbot.waitExposed(ui.window)
    qtbot.waitUntil(ui.window.isFullScreen, timeout=WAIT_MS)
    yield ui
    ui.close()


def still_there(ui: KioskUi) -> bool:
    return ui.window.isVisible() and ui.window.isFullScreen()


def test_escape_keys_get_nowhere(qtbot, kiosk: KioskUi) -> None:  # type: ignore[no-untyped-def]
    window = kiosk.window
    seen = Seen()
    window.installEventFilter(seen)
    for key, modifiers in ESCAPES:
        qtbot.keyClick(window, key, modifiers)
        assert still_there(kiosk), (key, modifiers)
    assert seen.events == []  # not one escape key reached the window
    qtbot.keyClick(window, K.Key_A)  # an ordinary key does (the wedge scanner types these)
    assert seen.events == [(QEvent.Type.KeyPress, int(K.Key_A))]
    window.close()  # what Alt+F4 asks of a window manager that acts on its own
    window.setWindowState(Qt.WindowState.WindowNoState)  # and what F11 / a WM key would do
    qtbot.waitUntil(lambda: still_there(kiosk), timeout=WAIT_MS)
    assert window.officer is not None and not window.officer.isVisible()  # nor the officer's sign-in


def text_field(qtbot, kiosk: KioskUi) -> QLineEdit:  # type: ignore[no-untyped-def]
    """A form step's text box on the kiosk's screen: the widget with a menu and drops of its own."""
    field = TouchLineEdit(kiosk.window.stack.currentWidget())
    field.setText("Nguyễn Văn A")
    field.show()
    qtbot.waitExposed(field)
    return field


def test_no_context_menu_on_any_widget(qtbot, kiosk: KioskUi) -> None:  # type: ignore[no-untyped-def]
    field = text_field(qtbot, kiosk)
    widgets = [kiosk.window, *kiosk.window.findChildren(QWidget)]
    seen = Seen()
    for widget in widgets:
        widget.installEventFilter(seen)
    # If a menu opened it would block in exec(): close any popup so the test fails, not hangs.
    guard = QTimer()
    guard.timeout.connect(lambda: (popup := QApplication.activePopupWidget()) and popup.close())
    guard.start(200)
    try:
        qtbot.mouseClick(field, Qt.MouseButton.RightButton)
        for widget in widgets:
            for reason in (
                QContextMenuEvent.Reason.Mouse,
                QContextMenuEvent.Reason.Other,
            ):  # Other: press and hold
                QApplication.sendEvent(widget, QContextMenuEvent(reason, QPoint(5, 5), QPoint(5, 5)))
    finally:
        guard.stop()
    assert seen.events == []
    assert QApplication.activePopupWidget() is None
    assert not [m for m in QApplication.topLevelWidgets() if isinstance(m, QMenu) and m.isVisible()]


# Qt 6 marks the QPoint constructor deprecated, and it is the one a drag-enter event has.
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_drops_are_refused(qtbot, kiosk: KioskUi) -> None:  # type: ignore[no-untyped-def]
    field = text_field(qtbot, kiosk)
    before = field.text()
    data = QMimeData()
    data.setText("file:///etc/passwd")
    data.setUrls([])
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(field, enter)
    assert not enter.isAccepted()
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(field, drop)
    assert not drop.isAccepted() and field.text() == before


def test_the_officer_key_opens_the_sign_in_and_leaves_kiosk_mode_alone(qtbot, kiosk: KioskUi) -> None:  # type: ignore[no-untyped-def]
    officer = kiosk.window.officer
    assert officer is not None
    qtbot.keyClick(kiosk.window, K.Key_F12, M.ControlModifier | M.ShiftModifier)
    assert officer.isVisible() and officer.pages.currentWidget() is officer.login and still_there(kiosk)
    qtbot.mouseClick(officer.login.cancel_button, Qt.MouseButton.LeftButton)
    assert not officer.isVisible() and still_there(kiosk)
