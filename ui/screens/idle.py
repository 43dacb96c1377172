"""Attract screen: big pictograms and one instruction; a touch anywhere starts.

Out of service (the station's health check failed, `FlowState.out_of_service`) it says so, with
the officer's pictogram, and a touch starts nothing; "check my application" stays while the
database can be read.

The language chooser: a speech bubble with each language's name in itself (no flags: a language
is not a country). Like a menu tile, the first touch says the name in that language (a pack's
recording, else the Vietnamese voice: `kiosk.voice.plan`), the second chooses it and starts. The
choice lasts the session: the session's wipe brings back the station's language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk import languages, phrases
from kiosk.flow.state import FlowState, Phase
from ui.screens.base import Screen, ScreenContext
from ui.theme import NARROW_PX
from ui.widgets.basics import button, label
from ui.widgets.icons import pixmap

TOUCH_PX, TOUCH_PX_LARGE_TEXT = 180, 140
PICTURE_PX = 130


class IdleScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = self._column = QVBoxLayout(self)
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
        self._pictures: list[QLabel] = []
        for name in pictograms[:6]:  # the busiest services, one picture each
            picture = QLabel()
            picture.setPixmap(pixmap(name, PICTURE_PX))
            row.addWidget(picture)
            self._pictures.append(picture)
        row.addStretch(1)
        invite.addSpacing(30)
        invite.addLayout(row)
        invite.addSpacing(30)
        self.touch = touch = QLabel()
        touch.setPixmap(pixmap("touch", TOUCH_PX))
        touch.setAlignment(Qt.AlignmentFlag.AlignCenter)
        invite.addWidget(touch)
        self._large_text: bool | None = None
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
        self.chooser = QWidget()
        choose = QHBoxLayout(self.chooser)
        choose.setContentsMargins(0, 0, 0, 0)
        self.languages: dict[str, QPushButton] = {}
        for choice in languages.choices():
            chip = button(choice.own_name, "", "speech-bubble", 56)
            chip.setObjectName("language_choice")
            chip.setCheckable(True)  # checked: touched once, its name said; the next touch chooses
            chip.clicked.connect(lambda _=False, c=choice: self._language_touched(c))
            self.languages[choice.code] = chip
            choose.addWidget(chip)
        self._armed = ""
        # Coming back with a slip: a separate, clearly marked way in (scanning works anywhere too).
        self.status_button = button("", "", "search-doc", 64)
        self.status_button.clicked.connect(self.journey.open_status)
        # One row with the languages where the width allows (the landscape panels' height has no
        # room for two), one above the other on a narrow portrait panel.
        self.ways_in = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.ways_in.setSpacing(40)
        self.ways_in.addStretch(1)
        self.ways_in.addWidget(self.status_button, 0, Qt.AlignmentFlag.AlignCenter)
        self.ways_in.addWidget(self.chooser, 0, Qt.AlignmentFlag.AlignCenter)
        self.ways_in.addStretch(1)
        column.addLayout(self.ways_in)

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
        self.chooser.setVisible(not closed)
        if state.large_text != self._large_text:
            self._make_room(state.large_text)
        self._fit_ways_in()  # the texts' widths change with the language and the text size
        if state.phase is not Phase.IDLE and self._armed:
            self._arm("")  # back at idle later, every language asks its first touch again
        for code, chip in self.languages.items():
            chip.setChecked(code == self._armed or (not self._armed and code == language))

    def _make_room(self, large_text: bool) -> None:
        """Large text needs ~70 px more than a 1366×768 panel leaves: the hand and the margins give
        them (normal text keeps the layout the first frame, `ui/compose.py`, copies)."""
        self._large_text = large_text
        self.touch.setPixmap(pixmap("touch", TOUCH_PX_LARGE_TEXT if large_text else TOUCH_PX))
        margin = 20 if large_text else 40
        side = self._column.contentsMargins().left()
        self._column.setContentsMargins(side, margin, side, margin)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_ways_in()

    def _fit_ways_in(self) -> None:
        margins = self._column.contentsMargins()
        side = 60 if self.width() >= NARROW_PX else 20  # a portrait 768 px panel: the languages' room
        if margins.left() != side:
            self._column.setContentsMargins(side, margins.top(), side, margins.bottom())
            margins = self._column.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        fit = room // (PICTURE_PX + 12)  # a portrait panel shows the first few (the busiest)
        for index, picture in enumerate(self._pictures):
            picture.setVisible(index < fit)
        wide = (
            self.status_button.sizeHint().width() + self.ways_in.spacing() + self.chooser.sizeHint().width()
        )
        across = QBoxLayout.Direction.LeftToRight
        self.ways_in.setDirection(across if wide <= room else QBoxLayout.Direction.TopToBottom)

    def _language_touched(self, choice: languages.Language) -> None:
        if self._armed == choice.code:
            self._arm("")
            self.journey.set_language(choice.code)
            self.journey.start()
            return
        self.journey.touch()
        self._arm(choice.code)
        voice = getattr(self.window(), "voice", None)
        if voice is not None:  # in the language itself, not the screen's
            voice.say(f"{choice.own_name}. {phrases.TILE_AGAIN.get(choice.code)}", choice.code)

    def _arm(self, code: str) -> None:
        self._armed = code
        state = self.journey.state()
        for other, chip in self.languages.items():
            chip.setChecked(other == code or (not code and other == state.language))

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
