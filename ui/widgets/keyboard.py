"""On-screen keyboard for Vietnamese: letters with Telex, plus buttons for marks and tones.

People who know Telex type "Nguyeenx"; people who don't press "ê" and then the tone button.
The typing rules live in the core (kiosk.telex); this widget only edits a QLineEdit.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.telex import apply_tone, telex_key
from ui.widgets.basics import button

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm,./")
MARKED = "ăâđêôơư"
TONE_BUTTONS = (("s", "á"), ("f", "à"), ("r", "ả"), ("x", "ã"), ("j", "ạ"), ("z", "a"))


class Keyboard(QWidget):
    def __init__(self, space_text: str, delete_text: str) -> None:
        super().__init__()
        self._target: QLineEdit | None = None
        self._shift = True
        column = QVBoxLayout(self)
        column.setSpacing(8)
        self._letter_keys = []
        for keys in ROWS:
            row = QHBoxLayout()
            row.setSpacing(8)
            for ch in keys:
                key = button(ch, "key")
                key.clicked.connect(lambda _=False, c=ch: self._type(c))
                row.addWidget(key)
                if ch.isalpha():
                    self._letter_keys.append(key)
            column.addLayout(row)
        extra = QHBoxLayout()
        extra.setSpacing(8)
        for ch in MARKED:
            key = button(ch, "key")
            key.clicked.connect(lambda _=False, c=ch: self._insert(c))
            extra.addWidget(key)
        extra.addSpacing(24)
        for tone, sample in TONE_BUTTONS:
            key = button(sample, "tone")
            key.clicked.connect(lambda _=False, t=tone: self._tone(t))
            extra.addWidget(key)
        column.addLayout(extra)
        bottom = QHBoxLayout()
        self.shift_button = button("⇧", "key")
        self.shift_button.clicked.connect(self._toggle_shift)
        self.space_button = space = button(space_text, "key")
        space.clicked.connect(lambda: self._insert(" "))
        delete = button(delete_text, "key")
        delete.clicked.connect(self._delete)
        bottom.addWidget(self.shift_button)
        for ch in "-@":  # number plates (29A-123.45) and e-mail addresses
            key = button(ch, "key")
            key.clicked.connect(lambda _=False, c=ch: self._insert(c))
            bottom.addWidget(key)
        bottom.addWidget(space, 4)
        bottom.addWidget(delete, 1)
        column.addLayout(bottom)
        self._refresh_case()

    def attach(self, target: QLineEdit) -> None:
        self._target = target
        self._shift = not target.text() or target.text().endswith(" ")
        self._refresh_case()

    def detach(self) -> None:
        """Type into nothing until attached again (the screen rebuilt its fields)."""
        self._target = None

    def _toggle_shift(self) -> None:
        self._shift = not self._shift
        self._refresh_case()

    def _refresh_case(self) -> None:
        for key in self._letter_keys:
            key.setText(key.text().upper() if self._shift else key.text().lower())

    def _set(self, text: str) -> None:
        if self._target is not None:
            self._target.setText(text)
            self._target.textEdited.emit(text)

    def _type(self, ch: str) -> None:
        if self._target is None:
            return
        key = ch.upper() if self._shift and ch.isalpha() else ch
        self._set(telex_key(self._target.text(), key))
        if self._shift and ch.isalpha():
            self._shift = False
            self._refresh_case()

    def _insert(self, text: str) -> None:
        if self._target is None:
            return
        if self._shift and text.isalpha():
            text = text.upper()
            self._shift = False
            self._refresh_case()
        self._set(self._target.text() + text)
        if text == " ":
            self._shift = True
            self._refresh_case()

    def _tone(self, tone: str) -> None:
        if self._target is None:
            return
        head, sep, word = self._target.text().rpartition(" ")
        changed = apply_tone(word, tone) if word else None
        if changed is not None:
            self._set(head + sep + changed)

    def _delete(self) -> None:
        if self._target is not None:
            self._set(self._target.text()[:-1])
