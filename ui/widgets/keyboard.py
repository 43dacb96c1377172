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

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.telex import apply_tone, telex_key, vni_key
from ui.theme import NARROW_PX, NARROW_SIDE_PX
from ui.widgets.basics import button

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
MARKED = "ăâđêôơư"
TONE_BUTTONS = (("s", "á"), ("f", "à"), ("r", "ả"), ("x", "ã"), ("j", "ạ"), ("z", "a"))
MODES = ("vietnamese", "code", "email")
METHODS = ("telex", "vni")
# Keys that end the a–l and the z–m rows, by mode: what each kind of field needs besides letters
# and digits. No row longer than the digits' ten: ten keys of 16 mm fill a portrait 768 px panel.
EXTRA_KEYS = {"vietnamese": ("", ",./"), "code": ("Đ", "-./"), "email": ("@", "._-")}
MARKS_GAP = 24  # between the marked letters and the tones


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
        self.every_word = True  # a capital at each word (names, addresses), or only at the start
        self.method = "telex"
        column = QVBoxLayout(self)
        column.setSpacing(8)
        column.setContentsMargins(0, 0, 0, 0)
        self._letter_keys: list[QPushButton] = []
        # One key per sign and row, shown in the modes that use it there: (row, sign) -> key.
        self._extra: dict[tuple[int, str], QPushButton] = {}
        for index, keys in enumerate(ROWS):
            row = QHBoxLayout()
            row.setSpacing(8)
            for ch in keys:
                key = button(ch, "key")
                key.clicked.connect(lambda _=False, c=ch: self._type(c))
                row.addWidget(key)
                if ch.isalpha():
                    self._letter_keys.append(key)
            if index >= len(ROWS) - 2:
                ends = (ends_of[index - len(ROWS) + 2] for ends_of in EXTRA_KEYS.values())
                for ch in dict.fromkeys("".join(ends)):
                    key = button(ch, "key")
                    key.clicked.connect(lambda _=False, c=ch: self._insert(c))
                    row.addWidget(key)
                    self._extra[index - len(ROWS) + 2, ch] = key
            column.addLayout(row)
        self.marks = QWidget()  # Vietnamese only: the marked letters and the tones
        # Side by side where the width allows (13 keys), else the tones under the letters.
        self._marks = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.marks)
        self._marks.setContentsMargins(0, 0, 0, 0)
        self._marks.setSpacing(0)  # the gap alone parts the letters from the tones
        letters, tones = QHBoxLayout(), QHBoxLayout()
        for part in (letters, tones):
            part.setSpacing(8)
            self._marks.addLayout(part)
        self._marks.insertSpacing(1, MARKS_GAP)
        for ch in MARKED:
            key = button(ch, "key")
            key.clicked.connect(lambda _=False, c=ch: self._insert(c))
            letters.addWidget(key)
        for tone, sample in TONE_BUTTONS:
            key = button(sample, "tone")
            key.clicked.connect(lambda _=False, t=tone: self._tone(t))
            tones.addWidget(key)
        column.addWidget(self.marks)
        # One row where the width allows, else the editing keys under the others.
        self._bottom = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._bottom.setSpacing(8)
        moving, editing = QHBoxLayout(), QHBoxLayout()
        for part in (moving, editing):
            part.setSpacing(8)
            self._bottom.addLayout(part)
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
        for part, widget, stretch in (
            (moving, self.shift_button, 0),
            (moving, self.left_button, 0),
            (moving, self.right_button, 0),
            (moving, self.space_button, 1),
            # As wide as their words (a style sheet's min-width is less than "Xóa hết" needs and
            # would let a stretch squeeze them); the space bar takes the rest.
            (editing, self.delete_button, 0),
            (editing, self.clear_button, 0),
            (editing, self.method_button, 0),
        ):
            part.addWidget(widget, stretch)
        self._bottom.setStretch(0, 1)
        column.addLayout(self._bottom)
        self.set_mode(mode)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """On a narrow (portrait) panel a row that does not fit becomes two: the 13 marks and
        tones always, the bottom row when its words need it (large text). The room is the
        panel's, not this width alone: a row too long would widen the keyboard to the row. On a
        wide panel two rows would take height the screen lacks (1366×768)."""
        narrow = self.window().width() < NARROW_PX
        room = min(event.size().width(), self.window().width() - 2 * NARROW_SIDE_PX)
        key = self.shift_button.minimumSizeHint().width()
        marks = len(MARKED) * key + (len(MARKED) - 1) * 8 + MARKS_GAP
        marks += len(TONE_BUTTONS) * key + (len(TONE_BUTTONS) - 1) * 8
        bottom = [self.shift_button, self.left_button, self.right_button, self.space_button]
        bottom += [self.delete_button, self.clear_button, self.method_button]
        shown = [b.sizeHint().width() for b in bottom if not b.isHidden()]
        across, down = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        self._marks.setDirection(down if narrow and room < marks else across)
        self._bottom.setDirection(down if narrow and room < sum(shown) + 8 * (len(shown) - 1) else across)
        super().resizeEvent(event)

    # -- what is typed where ----------------------------------------------------------------
    def set_mode(self, mode: str, every_word: bool = True) -> None:
        """The layout for a kind of field (MODES); the Telex/VNI choice is kept. `every_word`: the
        shift comes on at each word (a name, an address), else only at the start ("Làm ruộng")."""
        if mode not in MODES:
            raise ValueError(f"unknown keyboard mode {mode!r}")
        if (mode, every_word) == (self.mode, self.every_word):
            return
        self.mode = mode
        self.every_word = every_word
        vietnamese = mode == "vietnamese"
        self.marks.setVisible(vietnamese)
        self.method_button.setVisible(vietnamese)
        self.shift_button.setVisible(mode != "code")
        self.space_button.setVisible(mode != "email")
        for (row, ch), key in self._extra.items():
            key.setVisible(ch in EXTRA_KEYS[mode][row])
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
        """Where the shift comes on by itself: a new word (or, with `every_word` off, the text's start)."""
        head = self._head()
        return not head.strip() or (self.every_word and head.endswith(" "))

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
        if text == " " and self.mode == "vietnamese" and self.every_word:
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
