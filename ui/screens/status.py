"""'Check my application': scan the slip's QR or type the tracking code, see where it stands.

A scan reaches this screen through `kiosk.status.route_scan` (from the keyboard-wedge filter in
`ui/scan_filter.py` or a serial scanner): a slip scanned on the idle screen opens it.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QVBoxLayout

from kiosk import phrases
from kiosk.flow.state import FlowState
from kiosk.status import LookupOutcome, StatusResult
from kiosk.text import Text
from kiosk.trackcode import ALPHABET, LENGTH, display
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import label
from ui.widgets.code_keypad import CodeKeypad
from ui.widgets.icons import pixmap

# Status values (db.models.DossierStatus) -> (pictogram, role of the what-to-do line, headline, what to do).
# The headline is always large and dark; colour (green done, red errors) is in the pictogram and the
# line below.
STATUS_TEXT: dict[str, tuple[str, str, Text, Text]] = {
    "received": ("hourglass", "", phrases.STATUS_RECEIVED, phrases.STATUS_RECEIVED_TODO),
    "processing": ("hourglass", "", phrases.STATUS_PROCESSING, phrases.STATUS_PROCESSING_TODO),
    "needs_info": ("officer", "", phrases.STATUS_NEEDS_INFO, phrases.STATUS_NEEDS_INFO_TODO),
    "done": ("check", "ok", phrases.STATUS_DONE, phrases.STATUS_DONE_TODO),
    "rejected": ("officer", "", phrases.STATUS_REJECTED, phrases.STATUS_REJECTED_TODO),
}
OUTCOME_TEXT: dict[LookupOutcome, tuple[str, str, Text, Text]] = {
    LookupOutcome.FORGED: ("warning", "error", phrases.LOOKUP_FORGED, phrases.LOOKUP_FORGED_TODO),
    LookupOutcome.UNKNOWN: ("search-doc", "", phrases.LOOKUP_UNKNOWN, phrases.LOOKUP_UNKNOWN_TODO),
    LookupOutcome.MISTYPED: ("error", "error", phrases.LOOKUP_MISTYPED, phrases.LOOKUP_MISTYPED_TODO),
    LookupOutcome.UNAVAILABLE: (
        "warning",
        "error",
        phrases.LOOKUP_UNAVAILABLE,
        phrases.LOOKUP_UNAVAILABLE_TODO,
    ),
    LookupOutcome.ID_CARD: ("id-card", "", phrases.LOOKUP_ID_CARD, phrases.LOOKUP_ID_CARD_TODO),
}
_ALIASES = {"I": "1", "L": "1", "O": "0"}  # Crockford: read look-alike letters as digits


def result_view(result: StatusResult) -> tuple[str, str, Text, Text]:
    """Pictogram, role of the what-to-do line, headline and what to do, for a lookup result."""
    if result.outcome is LookupOutcome.FOUND:
        return STATUS_TEXT.get(result.status, STATUS_TEXT["processing"])
    return OUTCOME_TEXT[result.outcome]


def what_to_do(result: StatusResult, lang: str) -> str:
    """The what-to-do line, with the officer's note for the citizen when there is one."""
    detail = result_view(result)[3].get(lang)
    if result.outcome is LookupOutcome.FOUND and result.note:
        return f"{detail}\n{phrases.STATUS_NOTE.get(lang).format(note=result.note)}"
    return detail


def as_of(minutes: int | None, lang: str) -> str:
    """How old the station's own copy is ("cập nhật N phút trước"); "" for the hub's answer."""
    if minutes is None:
        return ""
    if minutes < 120:
        return phrases.LOOKUP_AS_OF_MINUTES.get(lang).format(n=minutes)
    if minutes < 48 * 60:
        return phrases.LOOKUP_AS_OF_HOURS.get(lang).format(n=minutes // 60)
    return phrases.LOOKUP_AS_OF_DAYS.get(lang).format(n=minutes // (24 * 60))


def code_display(typed: str) -> str:
    """What has been typed, grouped XXXXX-XXXXX, with a line for each character still missing."""
    padded = (typed + "•" * LENGTH)[:LENGTH]
    return display(padded)


def local_date(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%d/%m/%Y") if moment is not None else ""


class StatusScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a USB keyboard types into the code
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)  # keys under the words in portrait
        self._row = row
        row.setContentsMargins(32, 8, 32, 8)
        row.setSpacing(28)

        left = QVBoxLayout()
        left.setSpacing(12)
        heading = QHBoxLayout()
        heading.setSpacing(16)
        self.qr_picture = QLabel()
        self.qr_picture.setPixmap(pixmap("qr", 88))
        self.qr_picture.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading.addWidget(self.qr_picture)
        self.instruction = label("", "h1")
        heading.addWidget(self.instruction, 1)
        left.addLayout(heading)
        left.addSpacing(12)

        self.result_box = QFrame()
        self.result_box.setObjectName("card")
        self.result_box.setStyleSheet("QLabel { background: transparent; }")  # on the card's tint
        result_row = QHBoxLayout(self.result_box)
        result_row.setContentsMargins(16, 12, 16, 12)
        result_row.setSpacing(16)
        self.result_picture = QLabel()
        self.result_picture.setFixedSize(88, 88)
        self.result_picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        result_row.addWidget(self.result_picture, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.setSpacing(6)
        self.result_title = label("", "big")
        self.result_detail = label("", "")
        self.result_when = label("", "muted")
        for widget in (self.result_title, self.result_detail, self.result_when):
            texts.addWidget(widget)
        result_row.addLayout(texts, 1)
        left.addWidget(self.result_box)
        left.addStretch(1)
        row.addLayout(left, 4)

        # The code right above the keys that type it.
        right = QVBoxLayout()
        right.setSpacing(8)
        self.code = label("", "code", wrap=False, center=True)
        right.addWidget(self.code)
        self.keypad = CodeKeypad()
        self.keypad.char.connect(self._type)
        self.keypad.erase.connect(self._erase)
        self.keypad.clear.connect(lambda: self.journey.lookup_input(""))
        right.addWidget(self.keypad, 1)
        row.addLayout(right, 6)
        self._picture_name = ""

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A portrait panel has the width of one column: ten keys of 16 mm need all of it.
        portrait = event.size().height() > event.size().width()
        direction = QBoxLayout.Direction
        self._row.setDirection(direction.TopToBottom if portrait else direction.LeftToRight)
        super().resizeEvent(event)

    # -- input ----------------------------------------------------------------------------
    def _typed(self, state: FlowState | None = None) -> str:
        text = (state or self.journey.state()).lookup.text
        return text if len(text) <= LENGTH else ""  # a long scanned line is not shown as typed

    def _type(self, ch: str) -> None:
        state = self.journey.state()
        if state.lookup.busy:
            return
        typed = self._typed()
        if len(typed) < LENGTH:
            self.journey.lookup_input(typed + ch)

    def _erase(self) -> None:
        if not self.journey.state().lookup.busy:
            self.journey.lookup_input(self._typed()[:-1])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A person at a USB keyboard (scanner bursts are taken out by `ScanKeyFilter` first)."""
        key = event.key()
        ch = _ALIASES.get(event.text().upper(), event.text().upper())
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.on_primary()
        elif key == Qt.Key.Key_Backspace:
            self._erase()
        elif len(ch) == 1 and ch in ALPHABET:
            self._type(ch)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- rendering ------------------------------------------------------------------------
    def show_state(self, state: FlowState) -> None:
        lang = state.language
        self.instruction.setText(phrases.LOOKUP_INSTRUCTION.get(lang))
        result = state.lookup.result
        shown_code = result.tracking_code if result is not None and result.tracking_code else ""
        self.code.setText(display(shown_code) if shown_code else code_display(self._typed(state)))
        self.keypad.set_clear_text(phrases.LOOKUP_CLEAR.get(lang))
        self.keypad.setEnabled(not state.lookup.busy)

        if state.lookup.busy:
            self._show_result("hourglass", "", phrases.LOOKUP_BUSY.get(lang), "", "")
        elif result is None:
            self._show_result("", "", "", "", "")
        else:
            picture, role, title, _detail = result_view(result)
            when = ""
            if result.outcome is LookupOutcome.FOUND:
                service = self._service_title(result.service_code, lang)
                submitted = local_date(result.submitted_at)
                submitted = phrases.LOOKUP_SUBMITTED_ON.get(lang).format(date=submitted) if submitted else ""
                age = as_of(result.stale_minutes, lang)
                when = " · ".join(part for part in (service, submitted, age) if part)
            self._show_result(picture, role, title.get(lang), what_to_do(result, lang), when)

    def _service_title(self, code: str, lang: str) -> str:
        for service in self.journey.catalog.services:
            if service.code == code:
                return service.title.get(lang)
        return ""

    def _show_result(self, picture: str, role: str, title: str, detail: str, when: str) -> None:
        self.result_box.setVisible(bool(title))
        if picture != self._picture_name:
            self._picture_name = picture
            if picture:
                self.result_picture.setPixmap(pixmap(picture, 88))
            else:
                self.result_picture.clear()
        if self.result_detail.objectName() != role:
            self.result_detail.setObjectName(role)
            self.result_detail.style().unpolish(self.result_detail)
            self.result_detail.style().polish(self.result_detail)
        self.result_title.setText(title)
        self.result_detail.setText(detail)
        self.result_when.setText(when)
        self.result_when.setVisible(bool(when))

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.LOOKUP_GO if state.lookup.text and not state.lookup.busy else None

    def on_primary(self) -> None:
        self.journey.lookup_submit()

    def spoken(self, state: FlowState) -> str:
        lang = state.language
        if state.lookup.busy:
            return phrases.LOOKUP_BUSY.get(lang)
        if state.lookup.result is None:
            return phrases.LOOKUP_INSTRUCTION.get(lang)
        result = state.lookup.result
        _picture, _role, title, _detail = result_view(result)
        age = as_of(result.stale_minutes, lang) if result.outcome is LookupOutcome.FOUND else ""
        return f"{title.get(lang)}. {what_to_do(result, lang)}" + (f" {age}." if age else "")


# -- keyboard-wedge scanners --------------------------------------------------------------------------
