"""Assist mode's mark in the bottom bar, between Back and the primary action: "Cán bộ đang hỗ
trợ" on every screen while an officer fills in, and the hand-back. It takes no height from the
citizen's screens (they are laid out for 1366×768 without it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout

from kiosk import phrases
from kiosk.flow.state import FlowState
from ui.widgets.basics import button, label

# Amber, as the officer's button: seen from across the room, and not the red of an error.
BAND_STYLE = (
    "QFrame#assist { background: #F2A900; border-radius: 14px; }"
    " QFrame#assist QLabel { background: #F2A900; color: #111827; }"
)


class AssistBar(QFrame):
    def __init__(self, on_hand_back: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("assist")
        self.setStyleSheet(BAND_STYLE)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 4, 8, 4)
        self.banner = label("", "big", wrap=False)
        row.addWidget(self.banner)
        self.hand_back_button = button("", "")
        self.hand_back_button.clicked.connect(on_hand_back)
        row.addWidget(self.hand_back_button)
        self.hide()

    def show_state(self, state: FlowState) -> None:
        self.setVisible(state.assisting)
        if state.assisting:
            lang = state.language
            self.banner.setText(phrases.ASSIST_BANNER.get(lang).format(officer=state.assisted_by))
            self.hand_back_button.setText(phrases.ASSIST_HAND_BACK.get(lang))
