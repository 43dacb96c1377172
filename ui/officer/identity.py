"""How the officer checked the identity of a citizen not proven by a chip, asked at hand-back
(`FlowState.needs_identity_check`): one of the ways (`IdentityCheck`), and a free-text note typed
on the on-screen keyboard (which paper, its number, who vouched), made one value by
`kiosk.officer_mode.identity_text`. The dossier keeps the way in clear and the note sealed
(`kiosk.identity_note`); the audit log's hand-back row says only that a note was made."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk import phrases
from kiosk.officer_mode import NOTE_ROOM, IdentityCheck
from ui.widgets.basics import button, label
from ui.widgets.keyboard import Keyboard
from ui.widgets.tile import ChoiceTile


class IdentityPanel(QWidget):
    def __init__(self, on_done: Callable[[IdentityCheck, str], None], on_back: Callable[[], None]) -> None:
        super().__init__()
        self._on_done = on_done
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)  # the dialog has its own: a keyboard needs 712 px
        column.setSpacing(6)
        self.title = label("", "h2", center=True)
        self.message = label("", "", center=True)
        column.addWidget(self.title)
        column.addWidget(self.message)
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight)  # the keyboard under the ways in portrait
        self._row = row
        row.setSpacing(24)
        ways = QVBoxLayout()  # the ways, one under the other; the note and its keyboard beside them
        ways.setSpacing(12)
        self.group = QButtonGroup(self)  # one way at a time
        self.choices: dict[IdentityCheck, QPushButton] = {}
        for check in IdentityCheck:
            # The form's choice style (the chosen one filled); its words wrap, so the ways leave
            # the keyboard its width at 1366×768.
            choice = ChoiceTile("")
            choice.clicked.connect(self._refresh)
            self.group.addButton(choice)
            ways.addWidget(choice)
            self.choices[check] = choice
        ways.addStretch(1)
        row.addLayout(ways, 1)
        typing = QVBoxLayout()
        typing.setSpacing(8)
        self.note = QLineEdit()  # what it is for says itself inside, while empty
        self.note.setMaxLength(NOTE_ROOM)
        self.keyboard = Keyboard("", "")
        self.keyboard.attach(self.note)
        for widget in (self.note, self.keyboard):
            typing.addWidget(widget)
        row.addLayout(typing, 3)
        column.addLayout(row, 1)
        buttons = QHBoxLayout()
        self.back_button = button("", "")
        self.back_button.clicked.connect(on_back)
        self.done_button = button("", "primary")
        self.done_button.clicked.connect(self._done)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        column.addLayout(buttons)

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = self.window().height() > self.window().width()
        direction = QBoxLayout.Direction
        self._row.setDirection(direction.TopToBottom if portrait else direction.LeftToRight)
        super().resizeEvent(event)

    def open(self, language: str) -> None:
        """A fresh question: no way chosen, no note."""
        self.title.setText(phrases.ASSIST_IDENTITY.get(language))
        self.message.setText(phrases.ASSIST_NEED_IDENTITY.get(language))
        self.group.setExclusive(False)  # an exclusive group never lets its last button go
        for check, choice in self.choices.items():
            choice.setText(phrases.IDENTITY_CHECKS[check.value].get(language))
            choice.setChecked(False)
        self.group.setExclusive(True)
        self.note.setPlaceholderText(phrases.ASSIST_IDENTITY_NOTE.get(language))
        self.note.clear()
        self.keyboard.set_labels(
            phrases.KEY_SPACE.get(language), phrases.KEY_DELETE.get(language), phrases.CLEAR_ALL.get(language)
        )
        self.keyboard.attach(self.note)
        self.back_button.setText(phrases.BACK.get(language))
        self.done_button.setText(phrases.ASSIST_HAND_BACK.get(language))
        self._refresh()

    def chosen(self) -> IdentityCheck | None:
        return next((check for check, choice in self.choices.items() if choice.isChecked()), None)

    def _refresh(self) -> None:
        self.done_button.setEnabled(self.chosen() is not None)

    def _done(self) -> None:
        check = self.chosen()
        if check is not None:
            self._on_done(check, self.note.text())
