"""Attract screen: big pictograms and one instruction; a touch anywhere starts.

Out of service (the station's health check failed, `FlowState.out_of_service`) it says so, with
the officer's pictogram, and a touch starts nothing; "check my application" stays while the
database can be read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow.state import FlowState
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import button, label
from ui.widgets.icons import pixmap


class IdleScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(60, 40, 60, 40)
        column.addStretch(1)
        self.title = label("", "h1", center=True)
        column.addWidget(self.title)
        # The invitation: the services' pictures and "touch to start".
        self.invitation = QWidget()
        invite = QVBoxLayout(self.invitation)
        invite.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addStretch(1)
        pictograms = list(dict.fromkeys(s.pictogram for s in ctx.journey.catalog.services))
        for name in pictograms[:6]:  # the busiest services, one picture each
            picture = QLabel()
            picture.setPixmap(pixmap(name, 130))
            row.addWidget(picture)
        row.addStretch(1)
        invite.addSpacing(30)
        invite.addLayout(row)
        invite.addSpacing(30)
        touch = QLabel()
        touch.setPixmap(pixmap("touch", 180))
        touch.setAlignment(Qt.AlignmentFlag.AlignCenter)
        invite.addWidget(touch)
        column.addWidget(self.invitation)
        # Out of service: the officer, and "please see the officer".
        self.officer = QLabel()
        self.officer.setPixmap(pixmap("officer", 220))
        self.officer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.officer.hide()
        column.addSpacing(30)
        column.addWidget(self.officer)
        self.prompt = label("", "h2", center=True)
        column.addWidget(self.prompt)
        column.addStretch(1)
        # Coming back with a slip: a separate, clearly marked way in (scanning works anywhere too).
        self.status_button = button("", "", "search-doc", 64)
        self.status_button.clicked.connect(self.journey.open_status)
        column.addWidget(self.status_button, 0, Qt.AlignmentFlag.AlignCenter)

    def show_state(self, state: FlowState) -> None:
        language = state.language
        closed = state.out_of_service
        self.title.setText((phrases.OUT_OF_SERVICE if closed else phrases.IDLE_TITLE).get(language))
        prompt = phrases.OUT_OF_SERVICE_DETAIL if closed else state.notice or phrases.IDLE_TOUCH
        self.prompt.setText(prompt.get(language))
        self.invitation.setVisible(not closed)
        self.officer.setVisible(closed)
        self.status_button.setText(phrases.CHECK_STATUS.get(language))
        self.status_button.setVisible(state.health.can_look_up)

    def has_back(self, state: FlowState) -> bool:
        return False

    def spoken(self, state: FlowState) -> str:
        if state.out_of_service:
            closed = (
                phrases.OUT_OF_SERVICE.get(state.language),
                phrases.OUT_OF_SERVICE_DETAIL.get(state.language),
            )
            return ". ".join(closed)
        return (state.notice or phrases.IDLE_TOUCH).get(state.language)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.journey.start()  # the journey refuses while out of service
        if self.journey.state().out_of_service:
            speak = getattr(self.window(), "speak", None)  # say again why nothing happens
            if speak is not None:
                speak()
        event.accept()
