"""Assist mode's band under the top bar: "Cán bộ đang hỗ trợ" on every screen while an officer
fills in, how the officer checked the identity of a citizen not read from a chip, and hand-back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout

from kiosk import phrases
from kiosk.flow.state import FlowState
from kiosk.officer_mode import IdentityCheck
from ui.widgets.basics import button, label

# Amber, as the officer's button: seen from across the room, and not the red of an error.
BAND_STYLE = "QFrame#assist { background: #F2A900; } QFrame#assist QLabel { background: #F2A900; }"


class AssistBar(QFrame):
    def __init__(
        self, on_identity: Callable[[IdentityCheck], None], on_hand_back: Callable[[], None]
    ) -> None:
        super().__init__()
        self.setObjectName("assist")
        self.setStyleSheet(BAND_STYLE)
        column = QVBoxLayout(self)
        column.setContentsMargins(20, 4, 20, 4)
        row = QHBoxLayout()
        self.banner = label("", "h2", wrap=False)
        row.addWidget(self.banner, 1)
        self.message = label("", "error")
        row.addWidget(self.message, 1)
        self.hand_back_button = button("", "")
        self.hand_back_button.clicked.connect(on_hand_back)
        row.addWidget(self.hand_back_button)
        column.addLayout(row)
        self.identity_row = QFrame()
        choices = QHBoxLayout(self.identity_row)
        choices.setContentsMargins(0, 0, 0, 0)
        self.identity_label = label("", "", wrap=False)
        choices.addWidget(self.identity_label)
        self.identity: dict[IdentityCheck, QPushButton] = {}
        for check in IdentityCheck:
            choice = button("", "choice")
            choice.setCheckable(True)
            choice.clicked.connect(lambda _checked=False, check=check: on_identity(check))
            choices.addWidget(choice)
            self.identity[check] = choice
        choices.addStretch(1)
        column.addWidget(self.identity_row)
        self.hide()

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_state(self, state: FlowState) -> None:
        self.setVisible(state.assisting)
        if not state.assisting:
            return
        lang = state.language
        self.banner.setText(phrases.ASSIST_BANNER.get(lang).format(officer=state.assisted_by))
        self.identity_row.setVisible(state.needs_identity_check)
        self.identity_label.setText(phrases.ASSIST_IDENTITY.get(lang))
        chosen = state.identity_check.split(":", 1)[0]
        if state.identity_check:
            self.say("")
        for check, choice in self.identity.items():
            choice.setText(phrases.IDENTITY_CHECKS[check.value].get(lang))
            choice.setChecked(chosen == check.value)
        self.hand_back_button.setText(phrases.ASSIST_HAND_BACK.get(lang))
