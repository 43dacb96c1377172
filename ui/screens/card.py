"""'Place your card': the picture of card on reader, the 12-digit number, reading progress."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow.state import CardPhase, FlowState
from kiosk.text import Text
from kiosk.voice_cues import sentences
from ui.screens.base import Screen, ScreenContext
from ui.theme import NARROW_PX, NARROW_SIDE_PX
from ui.widgets.basics import button, label
from ui.widgets.icons import pixmap
from ui.widgets.keyboard import Keyboard
from ui.widgets.keypad import Keypad
from ui.widgets.passport_entry import PassportEntry

WAY_PICTURES = (("card-on-reader", 210), ("qr", 110))  # width at the normal height
PICTURE_HEIGHT, PICTURE_HEIGHT_LARGE_TEXT = 140, 96


def group_id(digits: str) -> str:
    """Shown as 3-3-3-3 so people can compare with the card."""
    padded = digits + "_" * (12 - len(digits))
    return " ".join(padded[i : i + 3] for i in range(0, 12, 3))


class CardScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        row = QHBoxLayout(self)
        row.setContentsMargins(60, 4, 60, 4)
        row.setSpacing(40)
        left = QVBoxLayout()
        self.title = label("", "h1")
        left.addWidget(self.title)
        # Both ways in: the card on the reader, or its QR code to the scanner (issue 11).
        self.picture = QWidget()
        ways = QHBoxLayout(self.picture)
        ways.setContentsMargins(0, 0, 0, 0)
        self.ways: list[QLabel] = []
        self._images: list[tuple[QLabel, str, int]] = []
        self._large_text: bool | None = None
        for name, width in WAY_PICTURES:
            way = QVBoxLayout()
            image = QLabel()
            self._images.append((image, name, width))
            image.setAlignment(Qt.AlignmentFlag.AlignCenter)
            way.addWidget(image, 1)
            caption = label("", "", center=True)
            way.addWidget(caption)
            self.ways.append(caption)
            ways.addLayout(way, width)
        left.addWidget(self.picture, 1)
        # People step: a guest may show a passport instead (number and dates typed, read with BAC).
        self.modes = QWidget()
        mode_row = QHBoxLayout(self.modes)
        mode_row.setContentsMargins(0, 0, 0, 0)
        self.card_mode = button("", "choice", "id-card", 40)
        self.passport_mode = button("", "choice", "passport", 40)
        for mode in (self.card_mode, self.passport_mode):
            mode.setCheckable(True)
            mode_row.addWidget(mode)
        self.card_mode.clicked.connect(lambda: self.journey.use_passport(False))
        self.passport_mode.clicked.connect(lambda: self.journey.use_passport(True))
        left.insertWidget(1, self.modes)
        self.passport_entry: PassportEntry | None = None
        self._left = left
        self.status = label("", "h2")
        left.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        left.addWidget(self.progress)
        self.error = label("", "error")
        left.addWidget(self.error)
        row.addLayout(left, 3)

        right = QVBoxLayout()
        self._right = right
        self.passport_keyboard: Keyboard | None = None
        self.id_prompt = label("", "h2")
        right.addWidget(self.id_prompt)
        self.id_value = label("", "idnum", wrap=False, center=True)
        right.addWidget(self.id_value)
        self.keypad = Keypad()
        self.keypad.digit.connect(self._digit)
        self.keypad.erase.connect(self._erase)
        self.keypad.clear.connect(lambda: self.journey.set_id_number(""))
        right.addWidget(self.keypad)
        if ctx.demo_cards:
            self.demo = QWidget()
            demo_grid = QGridLayout(self.demo)
            demo_grid.setContentsMargins(0, 0, 0, 0)
            demo_grid.setSpacing(6)
            self.demo_title = label("", "muted")
            demo_grid.addWidget(self.demo_title, 0, 0, 1, 4)
            self.demo_card_buttons = []
            for index, (name, place) in enumerate(ctx.demo_cards[:4]):
                choice = button(name, "demo")
                choice.clicked.connect(place)
                demo_grid.addWidget(choice, 1, index)  # one row: the keypad needs the height
                self.demo_card_buttons.append(choice)
            self.demo_passport_buttons = []
            for index, (name, place) in enumerate(ctx.demo_passports[:4]):
                choice = button(name, "demo")
                choice.clicked.connect(place)
                demo_grid.addWidget(choice, 1, index)  # the same cells: shown instead of the cards
                self.demo_passport_buttons.append(choice)
            left.addWidget(self.demo)  # beside the keypad there is no room at 1366×768
        right.addStretch(1)
        row.addLayout(right, 2)
        self._row = row

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A portrait panel has the width of one column: the keypad goes under the picture.
        portrait = event.size().height() > event.size().width()
        direction = QBoxLayout.Direction
        self._row.setDirection(direction.TopToBottom if portrait else direction.LeftToRight)
        # A 768 px wide panel needs the side room: four names in a row, in large text.
        side = 60 if event.size().width() >= NARROW_PX else NARROW_SIDE_PX
        self._row.setContentsMargins(side, 4, side, 4)
        super().resizeEvent(event)

    def _passport(self, lang: str) -> PassportEntry:
        """Built on first use: the number and dates on the left, the keyboard on the right."""
        if self.passport_entry is None:
            labels = {k: t.get(lang) for k, t in phrases.PASSPORT.items()}
            self.passport_entry = PassportEntry(labels)
            self.passport_entry.entered.connect(self.journey.set_passport_key)
            self._left.insertWidget(2, self.passport_entry, 1)
            self.passport_keyboard = Keyboard(  # passport numbers are codes: no Telex
                labels["space"], labels["delete"], "code", phrases.CLEAR_ALL.get(lang)
            )
            self._right.insertWidget(0, self.passport_keyboard)
            self.passport_entry.use_keyboard(self.passport_keyboard)
        return self.passport_entry

    def _digit(self, digit: str) -> None:
        self.journey.set_id_number(self.journey.state().card.id_number + digit)

    def _erase(self) -> None:
        self.journey.set_id_number(self.journey.state().card.id_number[:-1])

    def _size_pictures(self, large_text: bool) -> None:
        """Large text at 768 px high leaves the pictures less room (a two-line error below them)."""
        self._large_text = large_text
        height = PICTURE_HEIGHT_LARGE_TEXT if large_text else PICTURE_HEIGHT
        for image, name, width in self._images:
            image.setPixmap(pixmap(name, width * height // PICTURE_HEIGHT, height))

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        card = state.card
        if state.large_text != self._large_text:
            self._size_pictures(state.large_text)
        passport = state.people.adding and state.people.passport
        if passport:
            self.title.setText(phrases.PASSPORT_PLACE.get(lang))
        elif state.people.adding:
            self.title.setText(phrases.PEOPLE_CARD.get(lang))
        else:
            self.title.setText(state.step.title.get(lang) if state.step else "")
        self.modes.setVisible(state.people.adding)
        self.card_mode.setText(phrases.GUEST_ID_CARD.get(lang))
        self.passport_mode.setText(phrases.GUEST_PASSPORT.get(lang))
        self.card_mode.setChecked(not passport)
        self.passport_mode.setChecked(passport)
        self.picture.setVisible(not passport)
        for widget in (self.id_prompt, self.id_value, self.keypad):
            widget.setVisible(not passport)
        # The passport keyboard needs half the width; the ID keypad needs less.
        self._row.setStretch(0, 1 if passport else 3)
        self._row.setStretch(1, 1 if passport else 2)
        if passport:
            self._passport(lang).setVisible(True)
        elif self.passport_entry is not None:
            self.passport_entry.setVisible(False)
            self.passport_entry.clear()
        if self.passport_keyboard is not None:
            self.passport_keyboard.setVisible(passport)
        self.ways[0].setText(phrases.CARD_PLACE_SHORT.get(lang))
        self.ways[1].setText(phrases.CARD_QR_SHORT.get(lang))
        self.keypad.set_clear_text(phrases.CLEAR_ALL.get(lang))
        self.id_prompt.setText(phrases.CARD_ENTER_ID.get(lang))
        self.id_value.setText(group_id(card.id_number))
        if not card.reader_attached:
            status = phrases.CARD_NO_READER
        elif card.phase is CardPhase.READING:
            status = phrases.CARD_STAGES.get(card.stage, phrases.CARD_READING)
        elif card.phase is CardPhase.READ:
            status = phrases.CARD_READ
        elif card.phase is CardPhase.PRESENT:
            status = phrases.CARD_PRESENT
        else:
            status = phrases.CARD_WAITING
        self.status.setText(status.get(lang))
        # With a passport, the number and dates need the room; the status shows once reading.
        # After a failure the error line says what the reader found: a "waiting" status beside
        # "the number does not match" told the citizen two things at once.
        failed = card.phase is CardPhase.FAILED
        reading = card.phase in (CardPhase.READING, CardPhase.READ)
        self.status.setVisible(not failed and (not passport or reading))
        self.progress.setVisible(card.phase in (CardPhase.READING, CardPhase.READ))
        self.progress.setValue(round(card.progress * 100))
        message = ""
        if card.phase is CardPhase.FAILED and card.error is not None:
            message = phrases.CARD_ERRORS[card.error].get(lang)
        elif state.card.message is not None:
            message = state.card.message.get(lang)
        self.error.setText(message)
        self.error.setVisible(bool(message))  # an empty line would take the picture's room
        self.keypad.setEnabled(card.phase is not CardPhase.READING)
        if self.ctx.demo_cards:
            # Beside the picture for a card; under the (shorter) code keyboard for a passport,
            # where the left column holds the number and dates.
            if passport and self._right.indexOf(self.demo) < 0:
                self._left.removeWidget(self.demo)
                self._right.insertWidget(1, self.demo)
            elif not passport and self._left.indexOf(self.demo) < 0:
                self._right.removeWidget(self.demo)
                self._left.addWidget(self.demo)
            self.demo_title.setText(phrases.DEMO_CARDS.get(lang))
            for choice in self.demo_card_buttons:
                choice.setVisible(not passport)
            for choice in self.demo_passport_buttons:
                choice.setVisible(passport)

    def spoken(self, state: FlowState) -> str:
        lang = state.language
        if state.people.adding:  # what the title says: the guest's card, or the guest's passport
            return (phrases.PASSPORT_PLACE if state.people.passport else phrases.PEOPLE_CARD).get(lang)
        return sentences([super().spoken(state), phrases.CARD_WAYS.get(lang)])

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.NEXT if state.card.holder is not None and not state.people.adding else None
