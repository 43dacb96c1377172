"""On-screen keyboard, one layout per kind of field (issue 11):

- ``vietnamese`` (names, addresses, free text): letters with Telex or VNI, switched by a visible
  key, plus keys for the marked letters and the tones. People who know Telex type "Nguyeenx";
  people who don't press "ê" and then the tone key.
- ``code`` (plates, frame and engine numbers, passport numbers): upper-case letters and digits
  exactly as typed ("RLHJA3907FY" stays so), with - . / and Đ.
- ``email``: lower-case letters, digits and @ . - _.

Every layout has cursor keys (◀ ▶: a long entry can be corrected in the middle) and clear-all.
Typing happens at the cursor. The typing rules live in the core (kiosk.telex); this widget only
edits a QLineEdit, and what it writes is NFC.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.telex import apply_tone, telex_key, vni_key
from ui.widgets.basics import button

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
MARKED = "ăâđêôơư"
TONE_BUTTONS = (("s", "á"), ("f", "à"), ("r", "ả"), ("x", "ã"), ("j", "ạ"), ("z", "a"))
MODES = ("vietnamese", "code", "email")
METHODS = ("telex", "vni")
# Keys that end the letter rows, by mode: what each kind of field needs besides letters and digits.
EXTRA_KEYS = {"vietnamese": ",./", "code": "-./Đ", "email": "@._-"}


class Keyboard(QWidget):
    def __init__(
        self,
        space_text: str,
        delete_text: str,
        mode: str = "vietnamese",
        clear_text: str = "Xóa hết",
    ) -> None:
        super().__init__()
        self._target: QLineEdit | None = None
        self._shift = True
        self.mode = ""
        self.method = "telex"
        column = QVBoxLayout(self)
        column.setSpacing(8)
        column.setContentsMargins(0, 0, 0, 0)
        self._letter_keys: list[QPushButton] = []
        self._extra: dict[str, QPushButton] = {}  # one key per sign, shown in the modes that use it
        for index, keys in enumerate(ROWS):
            row = QHBoxLayout()
            row.setSpacing(8)
            for ch in keys:
                key = button(ch, "key")
                key.clicked.connect(lambda _=False, c=ch: self._type(c))
                row.addWidget(key)
                if ch.isalpha():
                    self._letter_keys.append(key)
            if index == len(ROWS) - 1:
                for ch in dict.fromkeys("".join(EXTRA_KEYS.values())):
                    key = button(ch, "key")
                    key.clicked.connect(lambda _=False, c=ch: self._insert(c))
                    row.addWidget(key)
                    self._extra[ch] = key
            column.addLayout(row)
        self.marks = QWidget()  # Vietnamese only: the marked letters and the tones
        marks = QHBoxLayout(self.marks)
        marks.setContentsMargins(0, 0, 0, 0)
        marks.setSpacing(8)
        for ch in MARKED:
            key = button(ch, "key")
            key.clicked.connect(lambda _=False, c=ch: self._insert(c))
            marks.addWidget(key)
        marks.addSpacing(24)
        for tone, sample in TONE_BUTTONS:
            key = button(sample, "tone")
            key.clicked.connect(lambda _=False, t=tone: self._tone(t))
            marks.addWidget(key)
        column.addWidget(self.marks)
        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        self.shift_button = button("⇧", "key")
        self.shift_button.clicked.connect(self._toggle_shift)
        self.left_button = button("◀", "key")
        self.left_button.clicked.connect(lambda: self._move(-1))
        self.right_button = button("▶", "key")
        self.right_button.clicked.connect(lambda: self._move(1))
        self.space_button = button(space_text, "key")
        self.space_button.clicked.connect(lambda: self._insert(" "))
        self.delete_button = button(delete_text, "key")
        self.delete_button.clicked.connect(self._delete)
        self.clear_button = button(clear_text, "key")
        self.clear_button.clicked.connect(lambda: self._set("", 0))
        self.method_button = button("", "key")  # Telex ⇄ VNI, showing the one in use
        self.method_button.clicked.connect(self._toggle_method)
        for widget, stretch in (
            (self.shift_button, 0),
            (self.left_button, 0),
            (self.right_button, 0),
            (self.space_button, 3),
            (self.delete_button, 1),
            (self.clear_button, 1),
            (self.method_button, 1),
        ):
            bottom.addWidget(widget, stretch)
        column.addLayout(bottom)
        self.set_mode(mode)

    # -- what is typed where ----------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """The layout for a kind of field (MODES); the Telex/VNI choice is kept."""
        if mode not in MODES:
            raise ValueError(f"unknown keyboard mode {mode!r}")
        if mode == self.mode:
            return
        self.mode = mode
        vietnamese = mode == "vietnamese"
        self.marks.setVisible(vietnamese)
        self.method_button.setVisible(vietnamese)
        self.shift_button.setVisible(mode != "code")
        self.space_button.setVisible(mode != "email")
        for ch, key in self._extra.items():
            key.setVisible(ch in EXTRA_KEYS[mode])
        self._shift = mode == "code" or (vietnamese and self._at_word_start())
        self._refresh()

    def set_method(self, method: str) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown typing method {method!r}")
        self.method = method
        self._refresh()

    def attach(self, target: QLineEdit) -> None:
        self._target = target
        self._shift = self.mode == "code" or (self.mode == "vietnamese" and self._at_word_start())
        self._refresh()

    def detach(self) -> None:
        """Type into nothing until attached again (the screen rebuilt its fields)."""
        self._target = None

    def set_labels(self, space_text: str, delete_text: str, clear_text: str) -> None:
        self.space_button.setText(space_text)
        self.delete_button.setText(delete_text)
        self.clear_button.setText(clear_text)

    # -- keys -------------------------------------------------------------------------------
    def _at_word_start(self) -> bool:
        head = self._head()
        return not head or head.endswith(" ")

    def _head(self) -> str:
        if self._target is None:
            return ""
        return self._target.text()[: self._target.cursorPosition()]

    def _tail(self) -> str:
        if self._target is None:
            return ""
        return self._target.text()[self._target.cursorPosition() :]

    def _toggle_shift(self) -> None:
        self._shift = not self._shift
        self._refresh()

    def _toggle_method(self) -> None:
        self.set_method("vni" if self.method == "telex" else "telex")

    def _refresh(self) -> None:
        upper = self._shift or self.mode == "code"
        for key in self._letter_keys:
            key.setText(key.text().upper() if upper else key.text().lower())
        self.method_button.setText("VNI" if self.method == "vni" else "Telex")

    def _set(self, text: str, cursor: int) -> None:
        """Replace the box's text (NFC, as stored) and put the cursor at `cursor`."""
        if self._target is None:
            return
        text = unicodedata.normalize("NFC", text)
        max_length = self._target.maxLength()
        if len(text) > max_length:
            return  # a full box takes no more keys (nothing is cut from its end)
        self._target.setText(text)
        self._target.setCursorPosition(min(cursor, len(text)))
        self._target.textEdited.emit(text)

    def _edit_head(self, change: Callable[[str], str]) -> None:
        """Change the text before the cursor; what follows the cursor stays as it is."""
        if self._target is None:
            return
        head = unicodedata.normalize("NFC", change(self._head()))
        self._set(head + self._tail(), len(head))

    def _type(self, ch: str) -> None:
        if self._target is None:
            return
        if self.mode == "code":
            self._edit_head(lambda head: head + ch.upper())
            return
        if self.mode == "email":
            self._edit_head(lambda head: head + (ch.upper() if self._shift else ch.lower()))
            self._unshift()
            return
        key = ch.upper() if self._shift and ch.isalpha() else ch
        rule = telex_key if self.method == "telex" else vni_key
        self._edit_head(lambda head: rule(head, key))
        if ch.isalpha():
            self._unshift()

    def _unshift(self) -> None:
        if self._shift:
            self._shift = False
            self._refresh()

    def _insert(self, text: str) -> None:
        if self._target is None:
            return
        if self._shift and text.isalpha() and self.mode != "code":
            text = text.upper()
            self._unshift()
        self._edit_head(lambda head: head + text)
        if text == " " and self.mode == "vietnamese":
            self._shift = True
            self._refresh()

    def _tone(self, tone: str) -> None:
        def toned(head: str) -> str:
            before, sep, word = head.rpartition(" ")
            changed = apply_tone(word, tone) if word else None
            return before + sep + changed if changed is not None else head

        self._edit_head(toned)

    def _move(self, step: int) -> None:
        if self._target is not None:
            position = max(0, min(len(self._target.text()), self._target.cursorPosition() + step))
            self._target.setCursorPosition(position)

    def _delete(self) -> None:
        self._edit_head(lambda head: head[:-1])
