"""Officer mode over the kiosk window: opened by Ctrl+Shift+F12 or five taps in the top-left corner
(`kiosk.officer_mode.CornerTaps`), or by the officer's own chip card placed on the idle screen or
during sign-in (`kiosk.officer_cards`: that officer's PIN is then asked), signed in on the
shuffled keypad, signed out after
`officer.timeout_seconds` without a touch. It covers the citizen's screen while open and leaves it
as it was: nothing typed there is touched, and the citizen screen shows no trace of it, except in
assist mode, where the band says an officer is filling in.

Each action asks `OfficerMode.require` (role permissions; a refusal is audited and shown) and is
written to the audit log when done. Slow work (printer, database, health checks) runs on the
runner's threads and reports back on the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QMouseEvent, QResizeEvent, QTouchEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow.state import FlowState, Phase
from kiosk.officer_card_match import CardMatch, Outcome
from kiosk.officer_mode import (
    GESTURE_CORNER_PX,
    CornerTaps,
    IdentityCheck,
    OfficerSession,
    Refused,
    identity_reference,
    identity_text,
)
from kiosk.permissions import Action
from kiosk.printing import canonical_code
from kiosk.runner import Runner
from ui.officer.assist_bar import AssistBar
from ui.officer.health import HealthPanel
from ui.officer.identity import IdentityPanel
from ui.officer.login import OfficerLogin
from ui.officer.menu import OfficerMenu
from ui.officer.reprint import ReprintPanel
from ui.theme import NARROW_PX

if TYPE_CHECKING:
    from kiosk.app.root import KioskApp

log = logging.getLogger(__name__)

TIMEOUT_CHECK_MS = 1000


class OfficerUi(QWidget):
    def __init__(
        self, parent: QWidget, app: KioskApp, runner: Runner, leave_kiosk: Callable[[], None]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._app = app
        self.mode = app.officer_mode
        self._journey = app.journey
        self._runner = runner
        self._leave_kiosk = leave_kiosk
        self._taps = CornerTaps()
        self._last_tap = -1  # the newest press's timestamp (a press reaches each widget up the chain)

        self.login = OfficerLogin(self.mode, self._signed_in, self.close_mode)
        self.menu = OfficerMenu(
            {
                "assist": self._assist,
                "health": self._health,
                "reprint": self._reprint,
                "print_waiting": self._print_waiting,
                "leave_kiosk": self._leave,
                "sign_out": lambda: self.sign_out("signed out"),
            }
        )
        self.health = HealthPanel(self._refresh_health, self._to_menu)
        self.reprint = ReprintPanel(self._print_again, self._to_menu)
        self.identity = IdentityPanel(self._identity, self.close_mode)
        self.pages = QStackedWidget()
        for page in (self.login, self.menu, self.health, self.reprint, self.identity):
            self.pages.addWidget(page)
        self.dialog = QFrame()
        self.dialog.setObjectName("dialog")
        inner = QVBoxLayout(self.dialog)
        inner.setContentsMargins(30, 20, 30, 20)
        inner.addWidget(self.pages)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 20, 40, 20)
        self._margins = (outer, inner)
        row = QHBoxLayout()
        row.addWidget(self.dialog)
        outer.addLayout(row)

        # Assist mode's mark lives in the window's bottom bar (`KioskWindow.add_band`), not in here.
        self.assist_bar = AssistBar(self.hand_back)
        self._journey.subscribe(self._on_state)
        self._recognising = False  # a placed card is being tried with the officers' keys
        app.controller.on_card_placed(self._card_placed)
        self.timer = QTimer(self)
        self.timer.setInterval(TIMEOUT_CHECK_MS)
        self.timer.timeout.connect(self._check_timeout)
        self.hide()

    # -- entry ------------------------------------------------------------------------------
    @property
    def language(self) -> str:
        return self._journey.state().language

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A portrait 768 px panel: the identity page's keyboard (ten 16 mm keys) needs the sides.
        outer, inner = self._margins
        narrow = event.size().width() < NARROW_PX
        outer.setContentsMargins(8 if narrow else 40, 20, 8 if narrow else 40, 20)
        inner.setContentsMargins(12 if narrow else 30, 20, 12 if narrow else 30, 20)
        super().resizeEvent(event)

    def open(self) -> None:
        """The keypad, or the menu if an officer is still signed in (assist mode)."""
        if self.mode.session is not None:
            self._to_menu()
        else:
            self.login.open(self.language)
            self.pages.setCurrentWidget(self.login)
        self._show()

    def _show(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def close_mode(self) -> None:
        """Back to the citizen's screen as it was (still signed in while assisting)."""
        self.hide()

    EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin)  # for `eventFilter` (ui.app_events)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Installed on the application: the corner taps, and any touch keeps officer mode alive."""
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            return False
        window = self.window()
        if not isinstance(watched, QWidget) or watched.window() is not window:
            return False
        assert isinstance(event, (QMouseEvent, QTouchEvent))
        # A press not taken by a widget goes on to its parents: count it once, by its timestamp.
        if event.timestamp() == self._last_tap:
            return False
        self._last_tap = event.timestamp()
        if self.mode.session is not None:
            self.mode.touch()
        point = (
            event.globalPosition() if isinstance(event, QMouseEvent) else event.points()[0].globalPosition()
        )
        position = window.mapFromGlobal(point)
        corner = position.x() < GESTURE_CORNER_PX and position.y() < GESTURE_CORNER_PX
        if self._taps.tap(event.timestamp() / 1000, corner) and not self.isVisible():
            QTimer.singleShot(0, self, self.open)
        return False

    # -- the officer's own card --------------------------------------------------------------
    @property
    def signing_in(self) -> bool:
        return self.isVisible() and self.pages.currentWidget() is self.login

    def _card_placed(self) -> None:
        """A card on the reader: on the idle screen or the sign-in keypad, is it an officer's?"""
        if self.mode.session is not None or self._recognising:
            return
        if self._journey.state().phase is not Phase.IDLE and not self.signing_in:
            return  # a citizen's session: the card is theirs
        self._recognising = True
        cards, signing_in = self._app.officer_cards, self.signing_in
        self._app.controller.with_card(
            lambda reader: cards().identify(reader, signing_in=signing_in),
            self._card_known,
            self._card_failed,
        )

    def _card_known(self, match: CardMatch) -> None:
        self._recognising = False
        lang = self.language
        if match.outcome == Outcome.OFFICER and match.officer is not None and self.mode.session is None:
            self.login.open_for_card(match.officer, lang)
            self.pages.setCurrentWidget(self.login)
            self._show()
        elif match.outcome == Outcome.REFUSED:  # an officer's card: the officer is told why
            self.login.open(lang)
            self.login.say(phrases.OFFICER_CARD_REFUSED.get(lang))
            self.pages.setCurrentWidget(self.login)
            self._show()
        elif match.outcome == Outcome.NOT_AN_OFFICER and self.signing_in:
            self.login.say(phrases.OFFICER_CARD_UNKNOWN.get(lang))
        elif match.outcome == Outcome.DISABLED and self.signing_in:  # tried only on the keypad
            self.login.say(phrases.OFFICER_DISABLED.get(lang))
        # Otherwise a citizen's card at the idle screen: nothing shows, their journey goes on.

    def _card_failed(self, exc: BaseException) -> None:
        self._recognising = False
        log.error("recognising an officer's card failed: %s", exc)
        if self.signing_in:
            self.login.say(phrases.OFFICER_UNAVAILABLE.get(self.language))

    # -- signing in and out -----------------------------------------------------------------
    def _signed_in(self, session: OfficerSession) -> None:
        self.timer.start()
        self._to_menu()

    def _to_menu(self) -> None:
        session = self.mode.session
        if session is None:
            self.open()
            return
        self.menu.show_for(session.officer.name, self._app.config.officer.timeout_seconds, self.language)
        self.menu.buttons["assist"].setEnabled(not self._journey.state().assisting)
        self.pages.setCurrentWidget(self.menu)

    def sign_out(self, why: str) -> None:
        if self._journey.state().assisting:
            identity = identity_reference(self._journey.state().identity_check)
            self._record("assist_hand_back", f"{why}; identity {identity}")
            self._journey.hand_back()
        try:
            self.mode.sign_out(why)  # the session ends even if its audit row cannot be written
        finally:
            self.timer.stop()
            self.hide()

    def _check_timeout(self) -> None:
        if self.mode.expired():
            self.sign_out("timed out")

    # -- actions ----------------------------------------------------------------------------
    def _allowed(self, action: Action, detail: str = "") -> OfficerSession | None:
        try:
            return self.mode.require(action, detail)
        except Refused:
            self.menu.say(phrases.OFFICER_REFUSED.get(self.language), "error")
            return None

    def _record(self, action: str, detail: str = "") -> None:
        session = self.mode.session
        if session is not None:
            self.mode.record(session, action, detail)

    def _assist(self) -> None:
        state = self._journey.state()
        session = self._allowed(Action.ASSIST, state.screen)
        if session is None:
            return
        self.mode.record(session, "assist_take_over", f"screen {state.screen}")
        self._journey.take_over(session.actor)
        self.hide()

    def hand_back(self) -> None:
        """Back to the citizen; first, for a citizen not proven by a chip, how identity was checked."""
        state = self._journey.state()
        if state.needs_identity_check and not state.identity_check:
            self.identity.open(self.language)
            self.pages.setCurrentWidget(self.identity)
            self._show()
            return
        self.sign_out("handed back")

    def _identity(self, check: IdentityCheck, note: str) -> None:
        self.mode.touch()
        self._journey.set_identity_check(identity_text(check, note))
        self.sign_out("handed back")

    def _on_state(self, state: FlowState) -> None:
        self.assist_bar.show_state(state)

    def _health(self) -> None:
        if self._allowed(Action.VIEW_HEALTH) is None:
            return
        self._record("view_health")
        self.pages.setCurrentWidget(self.health)
        self._refresh_health()

    def _refresh_health(self) -> None:
        from kiosk.app.officer_health import device_lines

        self.mode.touch()
        self.health.checking(self.language)
        self._runner.run(lambda: device_lines(self._app), self.health.show_lines, self._failed)

    def _reprint(self) -> None:
        if self._allowed(Action.REPRINT) is None:
            return
        self.reprint.open(self.language)
        self.pages.setCurrentWidget(self.reprint)

    def _print_again(self, typed: str) -> None:
        code = canonical_code(typed)
        if self._allowed(Action.REPRINT, code) is None:
            return
        queue = self._app.print_queue
        lang = self.language

        def run() -> Any:
            job = queue().reprint(code)
            return queue().print_job(job)

        def done(_job: object) -> None:
            self._record("reprint", code)
            self.reprint.say(phrases.OFFICER_REPRINT_DONE.get(lang).format(code=code), "ok")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, LookupError):
                self._record("reprint", f"{code}: no receipt")
                self.reprint.say(phrases.OFFICER_REPRINT_UNKNOWN.get(lang).format(code=code), "error")
            else:
                self._record("reprint", f"{code}: {exc}")
                self.reprint.say(phrases.OFFICER_PRINT_FAILED.get(lang).format(reason=exc), "error")

        self.reprint.say(phrases.OFFICER_WORKING.get(lang))
        self._runner.run(run, done, failed)

    def _print_waiting(self) -> None:
        if self._allowed(Action.REPRINT, "waiting receipts") is None:
            return
        queue = self._app.print_queue
        lang = self.language

        def done(report: Any) -> None:
            self._record(
                "print_waiting", f"{report.printed} printed" + (f", {report.error}" if report.error else "")
            )
            if report.error is not None:
                self.menu.say(phrases.OFFICER_PRINT_FAILED.get(lang).format(reason=report.error), "error")
            elif report.printed:
                self.menu.say(phrases.OFFICER_PRINTED.get(lang).format(count=report.printed), "ok")
            else:
                self.menu.say(phrases.OFFICER_NOTHING_WAITING.get(lang))

        self.menu.say(phrases.OFFICER_WORKING.get(lang))
        self._runner.run(lambda: queue().print_pending(), done, self._failed)

    def _leave(self) -> None:
        if self._allowed(Action.LEAVE_KIOSK) is None:
            return
        self._record("leave_kiosk")
        self.sign_out("left kiosk mode")
        self._leave_kiosk()

    def _failed(self, exc: BaseException) -> None:
        log.error("officer action failed: %s", exc)
        self.menu.say(phrases.OFFICER_FAILED.get(self.language).format(reason=exc), "error")
