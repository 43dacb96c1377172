"""Officer mode through the real kiosk window (offscreen, the `ui/compose.py` wiring, taps on the
real widgets): entry by key and by the corner taps, the shuffled keypad, the lock after five
wrong PINs, the timeout, the health screen, reprints and leaving kiosk mode by role."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from kiosk import phrases
from kiosk.app.root import make_officer_desk
from kiosk.config import load_config
from kiosk.officers import Actor
from kiosk.permissions import Role
from tests.ui.conftest import RecordingVoice
from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.officer.mode import OfficerUi
from ui.window import settle

K = Qt.Key
M = Qt.KeyboardModifier
PIN = "135790"
OFFICERS = {"1001": Role.OFFICER, "2002": Role.TECHNICIAN, "3003": Role.STATION_HEAD}


def make_kiosk(qtbot: Any, tmp_path: Path, windowed: bool = True, **overrides: Any) -> KioskUi:
    config = load_config(overrides={"paths.data_dir": str(tmp_path), **overrides}, demo=True, environ={})
    desk = make_officer_desk(config)
    for officer_id, role in OFFICERS.items():
        desk.officers.add(Actor.command_line("test"), officer_id, f"Cán bộ {officer_id}", role, PIN)
    ui = KioskUi(config, windowed=windowed, voice=RecordingVoice())
    qtbot.addWidget(ui.window)
    ui.window.resize(1366, 768)
    ui.show()
    qtbot.waitExposed(ui.window)
    ui.window.activateWindow()  # as under cage, its only client: the shortcut goes to the active window
    qtbot.waitUntil(ui.window.isActiveWindow, timeout=WAIT_MS)
    return ui


@pytest.fixture
def kiosk(qtbot: Any, tmp_path: Path) -> Iterator[KioskUi]:
    ui = make_kiosk(qtbot, tmp_path)
    yield ui
    ui.close()


def officer_ui(ui: KioskUi) -> OfficerUi:
    assert ui.window.officer is not None
    return ui.window.officer


def tap(qtbot: Any, widget: QWidget) -> None:
    qtbot.waitUntil(widget.isVisible, timeout=2000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_on_keypad(qtbot: Any, ui: KioskUi, digits: str) -> None:
    login = officer_ui(ui).login
    for digit in digits:
        tap(qtbot, login.keypad.key_for(digit))
    tap(qtbot, login.keypad.ok_key)


def sign_in(qtbot: Any, ui: KioskUi, officer_id: str = "1001", pin: str = PIN) -> None:
    qtbot.keyClick(ui.window, K.Key_F12, M.ControlModifier | M.ShiftModifier)
    officer = officer_ui(ui)
    qtbot.waitUntil(officer.isVisible, timeout=2000)
    type_on_keypad(qtbot, ui, officer_id)
    type_on_keypad(qtbot, ui, pin)


def audit_actions(ui: KioskUi) -> list[tuple[str, str, str]]:
    rows = ui.app.officer_desk().audit.newest(200)
    return [(r.actor, r.action, r.detail) for r in reversed(rows)]


def test_entry_by_key_signs_in_to_the_menu(qtbot: Any, kiosk: KioskUi) -> None:
    officer = officer_ui(kiosk)
    assert not officer.isVisible()
    sign_in(qtbot, kiosk)
    assert officer.pages.currentWidget() is officer.menu
    assert "Cán bộ 1001" in officer.menu.title.text()
    assert kiosk.app.officer_mode.session is not None
    assert ("1001", "login", "kiosk (PIN)") in audit_actions(kiosk)
    tap(qtbot, officer.menu.buttons["sign_out"])
    assert not officer.isVisible() and kiosk.app.officer_mode.session is None
    assert ("1001", "logout", "kiosk: signed out") in audit_actions(kiosk)
    assert kiosk.app.officer_desk().audit.verify().ok


def test_entry_by_five_taps_in_the_corner(qtbot: Any, kiosk: KioskUi) -> None:
    officer = officer_ui(kiosk)
    corner, elsewhere = QPoint(10, 10), QPoint(600, 10)
    for _ in range(4):
        qtbot.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, pos=elsewhere)  # breaks the sequence
    qtbot.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, pos=corner)
    settle()
    assert not officer.isVisible()
    for _ in range(4):
        qtbot.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.waitUntil(officer.isVisible, timeout=2000)
    assert officer.pages.currentWidget() is officer.login


def test_the_keypad_is_shuffled_at_every_opening(qtbot: Any, kiosk: KioskUi) -> None:
    officer = officer_ui(kiosk)
    orders = []
    for _ in range(3):
        qtbot.keyClick(kiosk.window, K.Key_F12, M.ControlModifier | M.ShiftModifier)
        qtbot.waitUntil(officer.isVisible, timeout=2000)
        order = officer.login.keypad.order()
        assert sorted(order) == list("0123456789")
        orders.append(order)
        tap(qtbot, officer.login.cancel_button)
        assert not officer.isVisible()
    # Three openings in the same order by chance: (1/10!)² ≈ 1e-13.
    assert len(set(orders)) > 1


def test_five_wrong_pins_lock_the_officer(qtbot: Any, kiosk: KioskUi) -> None:
    officer = officer_ui(kiosk)
    qtbot.keyClick(kiosk.window, K.Key_F12, M.ControlModifier | M.ShiftModifier)
    qtbot.waitUntil(officer.isVisible, timeout=2000)
    login = officer.login
    for attempt in range(1, 6):
        type_on_keypad(qtbot, kiosk, "1001")
        assert login.asking_pin
        type_on_keypad(qtbot, kiosk, "246813")
        assert kiosk.app.officer_mode.session is None
        assert login.shown.text().strip() == ""  # nothing of the PIN stays on the screen
        if attempt < 5:
            assert login.message.text() == phrases.OFFICER_WRONG.get("vi")
    assert login.message.text().startswith("Đã khóa do nhập sai nhiều lần. Thử lại sau ")
    type_on_keypad(qtbot, kiosk, "1001")
    type_on_keypad(qtbot, kiosk, PIN)  # the right PIN: still locked
    assert kiosk.app.officer_mode.session is None and login.message.text().startswith("Đã khóa")
    actions = [a for actor, a, _d in audit_actions(kiosk) if actor == "1001"]
    assert actions.count("pin_failed") == 5 and actions[-1] == "pin_locked"


def test_officer_mode_times_out_to_the_citizen_screen(qtbot: Any, kiosk: KioskUi) -> None:
    officer = officer_ui(kiosk)
    sign_in(qtbot, kiosk)
    mode = kiosk.app.officer_mode
    assert mode.session is not None and officer.timer.isActive()
    # As if the timeout had passed without a touch (the mode's own clock, not the test's).
    timeout = dt.timedelta(seconds=kiosk.app.config.officer.timeout_seconds)
    mode.session = dataclasses.replace(mode.session, last_touch=mode.session.last_touch - timeout)
    qtbot.waitUntil(lambda: not officer.isVisible(), timeout=WAIT_MS)
    assert mode.session is None
    assert kiosk.window.stack.currentWidget() is kiosk.window.screens["idle"]
    assert ("1001", "logout", "kiosk: timed out") in audit_actions(kiosk)


def test_a_touch_keeps_officer_mode_alive(qtbot: Any, kiosk: KioskUi) -> None:
    sign_in(qtbot, kiosk)
    mode = kiosk.app.officer_mode
    assert mode.session is not None
    timeout = dt.timedelta(seconds=kiosk.app.config.officer.timeout_seconds)
    mode.session = dataclasses.replace(mode.session, last_touch=mode.session.last_touch - timeout / 2)
    before = mode.seconds_left()
    qtbot.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, pos=QPoint(600, 400))
    assert mode.seconds_left() > before


def test_health_screen_shows_every_line(qtbot: Any, kiosk: KioskUi) -> None:
    officer = officer_ui(kiosk)
    sign_in(qtbot, kiosk)
    tap(qtbot, officer.menu.buttons["health"])
    qtbot.waitUntil(lambda: bool(officer.health.lines), timeout=20000)
    names = [check.name for check, _label in officer.health.lines]
    assert set(names) == set(phrases.HEALTH_LINES)
    by_name = {check.name: (check, line) for check, line in officer.health.lines}
    printer, line = by_name["printer"]
    assert printer.ok and line.objectName() == "ok" and line.text().startswith("● Máy in: ready")
    receipts, _line = by_name["receipts"]
    assert receipts.ok and receipts.detail == "none waiting"
    for check, shown in officer.health.lines:
        assert shown.objectName() == ("ok" if check.ok else "error")
        assert phrases.HEALTH_LINES[check.name].get("vi") in shown.text()
    assert ("1001", "view_health", "") in audit_actions(kiosk)


def test_a_printer_that_cannot_print_is_a_red_line_saying_what_to_do(qtbot: Any, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # the pdf printer's folder cannot be made under a file: it cannot print
    ui = make_kiosk(qtbot, tmp_path / "kiosk", **{"printer.pdf_dir": str(blocked / "receipts")})
    try:
        officer = officer_ui(ui)
        sign_in(qtbot, ui)
        tap(qtbot, officer.menu.buttons["health"])
        qtbot.waitUntil(lambda: bool(officer.health.lines), timeout=20000)
        printer, line = next((c, line) for c, line in officer.health.lines if c.name == "printer")
        assert not printer.ok and line.objectName() == "error" and line.text().startswith("✖ Máy in: error")
        assert "cannot write receipts" in printer.detail and "see the printer's own display" in printer.detail
    finally:
        ui.close()


def test_leaving_kiosk_mode_needs_the_permission(qtbot: Any, tmp_path: Path) -> None:
    ui = make_kiosk(qtbot, tmp_path, windowed=False)
    try:
        qtbot.waitUntil(ui.window.isFullScreen, timeout=WAIT_MS)
        officer = officer_ui(ui)
        sign_in(qtbot, ui, "1001")  # an officer: no leave_kiosk
        tap(qtbot, officer.menu.buttons["leave_kiosk"])
        assert ui.window.isVisible() and ui.window.isFullScreen()
        assert officer.menu.message.text() == phrases.OFFICER_REFUSED.get("vi")
        assert ("1001", "refused", "leave_kiosk") in audit_actions(ui)
        tap(qtbot, officer.menu.buttons["sign_out"])
        sign_in(qtbot, ui, "2002")  # a technician may
        tap(qtbot, officer.menu.buttons["leave_kiosk"])
        qtbot.waitUntil(lambda: not ui.window.isVisible(), timeout=WAIT_MS)
        assert ("2002", "leave_kiosk", "") in audit_actions(ui)
        assert ui.app.officer_desk().audit.verify().ok
    finally:
        ui.close()


def test_the_technician_may_not_assist(qtbot: Any, kiosk: KioskUi) -> None:
    officer = officer_ui(kiosk)
    sign_in(qtbot, kiosk, "2002")
    tap(qtbot, officer.menu.buttons["assist"])
    assert not kiosk.app.journey.state().assisting and officer.isVisible()
    assert officer.menu.message.text() == phrases.OFFICER_REFUSED.get("vi")


def test_reprint_by_tracking_code_and_an_unknown_code(qtbot: Any, kiosk: KioskUi) -> None:
    from tests.ui.officer_helpers import submit_one

    code = submit_one(qtbot, kiosk)
    before = set(kiosk.app.config.receipts_dir.glob("*.pdf"))
    officer = officer_ui(kiosk)
    sign_in(qtbot, kiosk)
    tap(qtbot, officer.menu.buttons["reprint"])
    panel = officer.reprint
    for ch in code:
        tap(qtbot, panel.keypad.keys[ch])
    tap(qtbot, panel.print_button)
    done = phrases.OFFICER_REPRINT_DONE.get("vi").format(code=code)
    qtbot.waitUntil(lambda: panel.message.text() == done, timeout=20000)
    assert len(set(kiosk.app.config.receipts_dir.glob("*.pdf")) - before) == 1
    tap(qtbot, panel.keypad.clear_button)
    for ch in "7K3QXM9T2B":
        tap(qtbot, panel.keypad.keys[ch])
    tap(qtbot, panel.print_button)
    unknown = phrases.OFFICER_REPRINT_UNKNOWN.get("vi").format(code="7K3QXM9T2B")
    qtbot.waitUntil(lambda: panel.message.text() == unknown, timeout=20000)
    assert ("1001", "reprint", code) in audit_actions(kiosk)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_officer_pages_fit_the_screen(qtbot: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    ui = make_kiosk(qtbot, tmp_path)
    try:
        ui.window.resize(*size)
        officer = officer_ui(ui)
        qtbot.keyClick(ui.window, K.Key_F12, M.ControlModifier | M.ShiftModifier)
        settle()
        assert ui.window.overflow(officer.login) == 0
        type_on_keypad(qtbot, ui, "1001")
        type_on_keypad(qtbot, ui, PIN)
        settle()
        assert ui.window.overflow(officer.menu) == 0
        tap(qtbot, officer.menu.buttons["health"])
        qtbot.waitUntil(lambda: bool(officer.health.lines), timeout=20000)
        settle()
        assert ui.window.overflow(officer.health) == 0
        tap(qtbot, officer.health.back_button)
        tap(qtbot, officer.menu.buttons["reprint"])
        settle()
        assert ui.window.overflow(officer.reprint) == 0
    finally:
        ui.close()


def test_print_waiting_prints_the_queued_receipts_once(qtbot: Any, kiosk: KioskUi) -> None:
    from devices.printer.sample import sample_receipt
    from kiosk.app.root import make_store
    from kiosk.dossier import Dossier
    from kiosk.trackcode import new_code

    code = new_code()  # a receipt the printer never took (paper out at the time): still queued
    at = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    dossier = Dossier(
        code, "1.003677", 1, kiosk.app.config.station.id, at, {"reason": "x"}, {"full_name": "A"}
    )
    make_store(kiosk.app.config).submit(dossier, dataclasses.replace(sample_receipt(), tracking_code=code))
    before = set(kiosk.app.config.receipts_dir.glob("*.pdf"))
    officer = officer_ui(kiosk)
    sign_in(qtbot, kiosk)
    tap(qtbot, officer.menu.buttons["print_waiting"])
    printed = phrases.OFFICER_PRINTED.get("vi").format(count=1)
    qtbot.waitUntil(lambda: officer.menu.message.text() == printed, timeout=WAIT_MS)
    assert len(set(kiosk.app.config.receipts_dir.glob("*.pdf")) - before) == 1
    assert ("1001", "print_waiting", "1 printed") in audit_actions(kiosk)
    tap(qtbot, officer.menu.buttons["print_waiting"])  # nothing left: printed once only
    nothing = phrases.OFFICER_NOTHING_WAITING.get("vi")
    qtbot.waitUntil(lambda: officer.menu.message.text() == nothing, timeout=WAIT_MS)
    assert len(set(kiosk.app.config.receipts_dir.glob("*.pdf")) - before) == 1
