"""A form step of any service, built from the catalog: one widget per field type.

Adding a service adds no code here: text fields get the on-screen keyboard, dates the big
day/month/year picker, choices large tiles, phone numbers the keypad.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QMouseEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk import phrases
from kiosk.catalog import Field, Service, Step
from kiosk.flow.state import FlowState, Phase
from kiosk.text import Text
from kiosk.validation import display_value, parse_date
from ui.screens.base import Screen, ScreenContext
from ui.theme import NARROW_PX, NARROW_SIDE_PX
from ui.widgets.appointment import AppointmentPicker
from ui.widgets.basics import StepHeading, clear_layout, label
from ui.widgets.date_picker import CalendarTexts, DatePicker
from ui.widgets.keyboard import Keyboard
from ui.widgets.keypad import Keypad
from ui.widgets.tile import ChoiceTile

if TYPE_CHECKING:
    from ui.widgets.address_picker import AddressPicker

COMMUNE_CHUNK = 20  # commune tiles made per turn of the event loop ahead (~10 ms)


def address_labels(language: str) -> dict[str, str]:
    return {key: text.get(language) for key, text in phrases.ADDRESS.items()}


class TouchLineEdit(QLineEdit):
    """A text box that says when it is touched, so the on-screen keyboard follows it."""

    touched = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit()
        super().mousePressEvent(event)


# The picture of a form step, by the kind of its first question: places, dates, a list to tick,
# a choice to touch, digits or words to type (resources/icons).
FIELD_PICTOGRAMS = {
    "address": "map-pin",
    "date": "calendar",
    "appointment": "calendar-clock",
    "checklist": "list",
    "choice": "choice",
    "id_number": "keypad",
    "phone": "keypad",
    "text": "keyboard",
}


def pickers_asked(service: Service) -> tuple[int, int]:
    """How many address and date pickers the service asks at most on one step, whatever the
    answers (a field's `when` may hold later)."""
    addresses = dates = 0
    for step in service.steps:
        kinds = [f.type for f in map(service.fields.__getitem__, step.fields) if not f.readonly]
        addresses, dates = max(addresses, kinds.count("address")), max(dates, kinds.count("date"))
    return addresses, dates


def step_pictogram(service: Service, step: Step, values: Mapping[str, Any]) -> str:
    """The pictogram for `step`: its first question's kind (read-only answers from the card count
    only where the step asks nothing else)."""
    fields = service.fields_of(step, values)
    asked = [f for f in fields if not f.readonly] or fields
    return FIELD_PICTOGRAMS.get(asked[0].type, "keyboard") if asked else "id-card"


class FormScreen(Screen):
    kept = True  # with its keyboard and pickers; `wipe` clears what a citizen answered

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(60, 10, 60, 10)
        self._column = column
        self.heading = StepHeading(column)
        self.title = self.heading.title
        row = QHBoxLayout()
        row.setSpacing(40)
        self._row = row
        self.body = QWidget()
        QVBoxLayout(self.body)
        row.addWidget(self.body, 2)
        # One keyboard/keypad for the text or phone field the citizen last touched.
        self.aid = QWidget()
        QVBoxLayout(self.aid).setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.aid, 3)
        column.addLayout(row, 1)
        self._built_for: tuple[object, ...] | None = None
        self._errors: dict[str, QLabel] = {}
        self._edits: dict[str, QLineEdit] = {}
        self._pickers: dict[str, DatePicker] = {}
        self._choices: dict[str, QButtonGroup] = {}
        self._tiles: dict[str, list[tuple[str, QPushButton]]] = {}
        self._bookings: dict[str, AppointmentPicker] = {}
        self._addresses: list[AddressPicker] = []
        # The address and date pickers are made ahead (`prepare`, while the kiosk is idle) and
        # kept: children of the body, taken out of its layout and hidden between the steps that
        # ask for them, never re-parented (that re-polished their ~300 widgets under the window's
        # style sheet, slower than making them), reset at the session wipe (`wipe`). Making them
        # on the step held the UI thread 100-300 ms at the touch that showed it (bench/stalls.py).
        self._kept_addresses: list[AddressPicker] = []
        self._kept_dates: list[DatePicker] = []
        self._dates_language = ctx.journey.state().language  # the kept date pickers' texts
        self._field_of: dict[int, str] = {}  # id() of a kept picker in use → its field
        self._unpainted: list[QWidget] = []  # kept pickers not yet painted off screen (`prepare`)
        self._spare_keyboard: Keyboard | None = None  # made ahead for the next address picker
        self._spare_address: AddressPicker | None = None  # made ahead, not yet in the screen
        # Built once with the screen (ahead, while the kiosk is idle) and kept across steps: making
        # a 55-key keyboard took ~80 ms of the UI thread on each step that has a text field.
        self._keyboard_language = ctx.journey.state().language
        self._keyboard = self._new_keyboard(self._keyboard_language)
        self._keypad = Keypad(cursor=True)
        self._keypad.digit.connect(lambda d: self._append(d))
        self._keypad.erase.connect(lambda: self._append(None))
        self._keypad.cursor_moved.connect(self._move_cursor)
        self._keypad.clear.connect(self._clear_target)
        for aid in (self._keyboard, self._keypad):
            aid.hide()
            self.aid.layout().addWidget(aid)  # type: ignore[union-attr]
        self._target: QLineEdit | None = None

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A portrait panel has the width of one column: the keyboard goes under the question.
        portrait = event.size().height() > event.size().width()
        direction = QBoxLayout.Direction
        self._row.setDirection(direction.TopToBottom if portrait else direction.LeftToRight)
        # Under the question the keys keep their own height: given 3/5 of a tall panel, a keypad's
        # rows stood apart with gaps as tall as the keys.
        self._row.setStretch(0, 1 if portrait else 2)
        self._row.setStretch(1, 0 if portrait else 3)
        # Ten keys of 16 mm in a row take 712 px: a 768 px wide panel keeps little for margins.
        side = 60 if event.size().width() >= NARROW_PX else NARROW_SIDE_PX
        self._column.setContentsMargins(side, 10, side, 10)
        super().resizeEvent(event)

    def _new_keyboard(self, lang: str) -> Keyboard:
        return Keyboard(
            phrases.KEY_SPACE.get(lang), phrases.KEY_DELETE.get(lang), clear_text=phrases.CLEAR_ALL.get(lang)
        )

    # -- building -------------------------------------------------------------------------
    def _build(self, state: FlowState) -> None:
        assert state.service is not None and state.step is not None
        lang = state.language
        clear_layout(self.body, keep=self._kept())
        self._field_of.clear()
        self._keyboard.detach()  # its field is gone with the body
        self._keyboard.hide()
        self._keypad.hide()
        self._target = None
        self._errors.clear()
        self._edits.clear()
        self._pickers.clear()
        self._choices.clear()
        self._tiles.clear()
        self._bookings.clear()
        self._addresses.clear()
        layout = self.body.layout()
        fields = state.service.fields_of(state.step, state.form.values)
        from_card = [f for f in fields if f.readonly]
        if from_card:  # data from the chip: a compact table, not inputs
            table = QGridLayout()
            table.setVerticalSpacing(6)
            for index, fdef in enumerate(from_card):
                table.addWidget(label(fdef.label.get(lang), "muted"), index, 0)
                shown = display_value(fdef, state.form.values.get(fdef.id), lang)
                table.addWidget(label(shown, "big"), index, 1)
            table.addWidget(label(phrases.FROM_CARD.get(lang), "muted"), len(from_card), 1)
            table.setColumnStretch(1, 1)
            layout.addLayout(table)  # type: ignore[union-attr]
        asked = [f for f in fields if not f.readonly]
        dates = [f for f in asked if f.type == "date"]
        # Two dates side by side; one under the other on a narrow panel ("+1 tháng" was cut there).
        narrow = self.window().width() < NARROW_PX
        row: QBoxLayout | None = None
        if len(dates) > 1:
            row = QVBoxLayout() if narrow else QHBoxLayout()
        for fdef in asked:
            box = QVBoxLayout()
            if fdef.type != "address":  # the address picker asks its own questions
                box.addWidget(label(fdef.label.get(lang), "h2"))
                if fdef.hint:
                    box.addWidget(label(fdef.hint.get(lang), "muted"))
            box.addWidget(self._input(fdef, state))
            error = label("", "error")
            box.addWidget(error)
            self._errors[fdef.id] = error
            if row is not None and fdef.type == "date":
                box.addStretch(1)
                row.addLayout(box)
                row.addSpacing(12 if narrow else 40)
            else:
                # The address picker's tiles scroll: it takes the height left, not its size hint
                # (in large text at 1080p that showed two rows of provinces over an empty screen).
                layout.addLayout(box, 1 if fdef.type == "address" else 0)  # type: ignore[union-attr]
        if row is not None:
            row.addStretch(1)
            layout.addLayout(row)  # type: ignore[union-attr]
        if not any(f.type == "address" for f in asked):
            layout.addStretch(1)  # type: ignore[union-attr]
        self.aid.setVisible(self._target is not None)

    def _input(self, fdef: Field, state: FlowState) -> QWidget:
        lang = state.language
        value = state.form.values.get(fdef.id)
        if fdef.type == "checklist":
            holder = QWidget()
            grid = QGridLayout(holder)
            ticked = set(value) if isinstance(value, list) else set()
            for index, option in enumerate(fdef.options):
                tile = ChoiceTile(option.label.get(lang))
                tile.setChecked(option.value in ticked)
                tile.toggled.connect(lambda on, fid=fdef.id, v=option.value: self._tick(fid, v, on))
                grid.addWidget(tile, index // 2, index % 2)
                self._tiles.setdefault(fdef.id, []).append((option.value, tile))
            return holder
        if fdef.type == "appointment":
            booking = AppointmentPicker(  # the days and times the core offers (and accepts)
                list(state.form.appointment_days),
                state.form.appointment_slots,
                (phrases.APPOINTMENT_DAY.get(lang), phrases.APPOINTMENT_TIME.get(lang)),
                phrases.WEEKDAYS.get(lang).split(),
            )
            booking.set_value(value if isinstance(value, dict) else None)
            booking.changed.connect(lambda v, fid=fdef.id: self.journey.set_value(fid, v))
            self._bookings[fdef.id] = booking
            return booking
        if fdef.type == "address":
            return self._address_input(fdef, value, lang)
        if fdef.type == "date":
            # Empty until chosen; the first key steps from where the journey says to start.
            start = parse_date(state.form.date_starts.get(fdef.id)) or self.journey.today()
            picker = self._kept_date(len(self._pickers), lang)
            picker.set_field(fdef.label.get(lang))
            picker.set_date(parse_date(value), start)
            self._field_of[id(picker)] = fdef.id
            self._pickers[fdef.id] = picker
            picker.show()
            return picker
        if fdef.type == "choice":
            holder = QWidget()
            grid = QGridLayout(holder)
            group = QButtonGroup(holder)
            group.setExclusive(True)
            for index, option in enumerate(fdef.options):
                tile = ChoiceTile(option.label.get(lang))
                tile.setChecked(option.value == value)
                tile.clicked.connect(
                    lambda _=False, fid=fdef.id, v=option.value: self.journey.set_value(fid, v)
                )
                group.addButton(tile)
                grid.addWidget(tile, index // 2, index % 2)
                self._tiles.setdefault(fdef.id, []).append((option.value, tile))
            self._choices[fdef.id] = group
            return holder
        edit = TouchLineEdit(str(value or ""))
        edit.setMaxLength(fdef.max_length)
        edit.setAccessibleName(fdef.label.get(lang))  # keypad navigation says it with the content
        edit.textEdited.connect(lambda text, fid=fdef.id: self.journey.set_value(fid, text))
        edit.touched.connect(lambda e=edit, f=fdef: self._use_aid(e, f, lang))
        self._edits[fdef.id] = edit
        if self._target is None:
            self._use_aid(edit, fdef, lang)
        return edit

    def _tick(self, field_id: str, option: str, on: bool) -> None:
        current = self.journey.state().form.values.get(field_id)
        ticked = [v for v in (current if isinstance(current, list) else []) if v != option]
        if on:
            ticked.append(option)
        self.journey.set_value(field_id, ticked)

    def _address_input(self, fdef: Field, value: object, lang: str) -> QWidget:
        picker = self._kept_address(len(self._addresses))
        picker.set_labels(address_labels(lang))
        picker.set_value(value if isinstance(value, dict) else None)  # said nothing: not in use yet
        self._field_of[id(picker)] = fdef.id
        self._addresses.append(picker)
        picker.show()
        return picker

    # -- kept pickers ---------------------------------------------------------------------
    def _kept(self) -> list[QWidget]:
        return [*self._kept_addresses, *self._kept_dates]

    def _kept_address(self, index: int) -> AddressPicker:
        """The `index`th kept address picker, made now if it was not made ahead."""
        while len(self._kept_addresses) <= index:
            picker = self._spare_address if self._spare_address is not None else self._new_address()
            self._spare_address = None
            self._keep(picker)
            self._kept_addresses.append(picker)
        return self._kept_addresses[index]

    def _new_address(self) -> AddressPicker:
        from ui.widgets.address_picker import AddressPicker  # the unit lists load on first use

        keyboard, self._spare_keyboard = self._spare_keyboard, None
        picker = AddressPicker(address_labels(self._keyboard_language), keyboard)
        picker.changed.connect(lambda v, p=picker: self._answered(p, v))
        picker.asked.connect(lambda text, p=picker: self._asked(p, text))
        return picker

    def _kept_date(self, index: int, lang: str) -> DatePicker:
        """The `index`th kept date picker in `lang`, made now if it was not made ahead (a citizen
        who changed the language gets new ones: their texts are set as they are made)."""
        if lang != self._dates_language:
            for old in self._kept_dates:
                if old in self._unpainted:
                    self._unpainted.remove(old)
                old.setParent(None)  # out of findChildren now, deleted with its calendar later
                old.deleteLater()
            self._kept_dates.clear()
            self._dates_language = lang
        while len(self._kept_dates) <= index:
            picker = DatePicker(
                (phrases.DATE_DAY.get(lang), phrases.DATE_MONTH.get(lang), phrases.DATE_YEAR.get(lang)),
                self.journey.today(),
                None,
                (phrases.DATE_PLUS_WEEK.get(lang), phrases.DATE_PLUS_MONTH.get(lang)),
                CalendarTexts(
                    phrases.DATE_CALENDAR.get(lang),
                    phrases.DATE_KEYS.get(lang),
                    phrases.DATE_MONTH_OF.get(lang),
                    tuple(phrases.WEEKDAYS.get(lang).split()),
                ),
                host=self,
                today=self.journey.today(),
            )
            picker.changed.connect(lambda iso, p=picker: self._answered(p, iso))
            self._keep(picker)
            self._kept_dates.append(picker)
        return self._kept_dates[index]

    def _keep(self, picker: QWidget) -> None:
        picker.setParent(self.body)
        picker.hide()  # explicitly: a layout it is put in later does not show it by itself
        picker.ensurePolished()
        self._unpainted.append(picker)

    def _answered(self, picker: QWidget, value: object) -> None:
        field = self._field_of.get(id(picker))
        if field is not None:  # a kept picker not in use (being reset) answers nothing
            self.journey.set_value(field, value)

    def _asked(self, picker: QWidget, text: str) -> None:
        if id(picker) in self._field_of:  # its own questions, each said like a step's
            self.say.emit(text)

    def prepare(self, state: FlowState) -> bool:
        """One part per call. In a session (from the service's choice on): the pickers its steps
        ask for, made while the citizen reads the screens before them — the address picker, its
        commune tiles in chunks, the date pickers, each painted once off screen. Idle: the last
        session's pickers deleted, one per call (kept, ~450 widgets took ~8 MB of the idle
        kiosk's memory)."""
        if state.phase is Phase.IDLE:
            for spare in (self._spare_keyboard, self._spare_address):
                if spare is not None:
                    spare.deleteLater()
                    self._spare_keyboard = self._spare_address = None  # the picker has no keyboard yet
                    return True
            for kept in (self._kept_dates, self._kept_addresses):
                if kept:
                    old = kept.pop()
                    if old in self._unpainted:
                        self._unpainted.remove(old)
                    old.deleteLater()  # a child of the body until then: no re-polish
                    return True
            return False
        if state.service is None:
            return False
        addresses, dates = pickers_asked(state.service)
        if len(self._kept_addresses) < addresses:  # in three parts: keyboard, picker, its style
            if self._spare_address is not None:
                self._kept_address(len(self._kept_addresses))
            elif self._spare_keyboard is None:
                lang = self._keyboard_language
                self._spare_keyboard = Keyboard(phrases.KEY_SPACE.get(lang), phrases.KEY_DELETE.get(lang))
            else:
                self._spare_address = self._new_address()
            return True
        from ui.widgets.address_picker import COMMUNE_TILES

        for picker in self._kept_addresses:
            if picker.tiles_made() < COMMUNE_TILES:
                picker.prepare(min(COMMUNE_TILES, picker.tiles_made() + COMMUNE_CHUNK))
                return True
        if len(self._kept_dates) < dates or (dates and self._dates_language != state.language):
            self._kept_date(min(len(self._kept_dates), dates - 1), state.language)
            return True
        if self._unpainted:  # painted once off screen: text layouts and glyphs made now
            widget = self._unpainted.pop()
            if not widget.isVisible():  # not yet shown by its step
                widget.resize(widget.sizeHint().expandedTo(self.body.size()))
                widget.render(QPixmap(widget.size()))
            return True
        return False

    def wipe(self) -> None:
        """The session wipe: nothing the citizen typed, chose or was shown is left in the screen,
        hidden widgets included; the kept pickers are reset for the next citizen."""
        self._built_for = None
        clear_layout(self.body, keep=self._kept())  # the card's data, text boxes, choices, errors
        self._field_of.clear()
        for collection in (self._errors, self._edits, self._pickers, self._choices, self._tiles):
            collection.clear()
        self._bookings.clear()
        self._addresses.clear()
        self._keyboard.detach()
        self._keyboard.hide()
        self._keypad.hide()
        self._target = None
        today = self.journey.today()
        for address in self._kept_addresses:  # deleted while idle (`prepare`), unless a citizen comes first
            address.set_value(None)
        for date in self._kept_dates:
            date.set_date(None, today)
            date.set_field("")
            if date.calendar is not None:
                date.calendar.hide()
                date.calendar.forget()

    def on_back(self) -> None:
        if not any(picker.back() for picker in self._addresses):
            self.journey.back()

    def _use_aid(self, edit: QLineEdit, fdef: Field, lang: str) -> None:
        """Show the keypad (numbers) or the keyboard for this kind of text under the citizen's
        finger for `edit`."""
        self._target = edit
        if fdef.type in ("phone", "id_number"):
            self._keypad.set_clear_text(phrases.CLEAR_ALL.get(lang))
            self._keypad.show()
            self._keyboard.hide()
        else:
            if lang != self._keyboard_language:  # its space, delete and clear keys are labelled
                self._keyboard_language = lang
                self._keyboard.set_labels(
                    phrases.KEY_SPACE.get(lang), phrases.KEY_DELETE.get(lang), phrases.CLEAR_ALL.get(lang)
                )
            every_word = fdef.keyboard == "name"  # "Nguyễn Văn An", but "Làm ruộng"
            mode = "vietnamese" if fdef.keyboard in ("", "name") else fdef.keyboard
            self._keyboard.set_mode(mode, every_word)
            self._keyboard.attach(edit)
            self._keyboard.show()
            self._keypad.hide()

    def _clear_target(self) -> None:
        edit = self._target
        if edit is not None:
            edit.setText("")
            edit.textEdited.emit("")

    def _append(self, digit: str | None) -> None:
        """A digit at the cursor, or (None) the one before it erased."""
        edit = self._target
        if edit is None:
            return
        text, at = edit.text(), edit.cursorPosition()
        if digit is not None:
            text, at = text[:at] + digit + text[at:], at + 1
        elif at > 0:
            text, at = text[: at - 1] + text[at:], at - 1
        edit.setText(text)
        edit.setCursorPosition(at)
        edit.textEdited.emit(text)

    def _move_cursor(self, step: int) -> None:
        if self._target is not None:
            self._target.setCursorPosition(max(0, self._target.cursorPosition() + step))

    # -- rendering ------------------------------------------------------------------------
    def show_state(self, state: FlowState) -> None:
        if state.service is None or state.step is None:
            return
        active = tuple(f.id for f in state.service.fields_of(state.step, state.form.values))
        key = (state.service.code, state.step.id, state.language, active, state.form.appointment_days)
        if key != self._built_for:
            self._built_for = key
            self._build(state)
        lang = state.language
        pictogram = step_pictogram(state.service, state.step, state.form.values)
        self.heading.show(state.step.title.get(lang), pictogram)
        for fid, error in self._errors.items():
            message: Text | None = state.form.errors.get(fid)
            error.setText(message.get(lang) if message else "")
        for fid, edit in self._edits.items():
            value = str(state.form.values.get(fid) or "")
            if edit.text() != value:
                edit.setText(value)
            edit.setProperty("invalid", fid in state.form.errors)
            edit.style().polish(edit)
        for fid, picker in self._pickers.items():
            date = parse_date(state.form.values.get(fid))
            start = parse_date(state.form.date_starts.get(fid))
            if date != picker.date() or (start is not None and start != picker.shown_from() and date is None):
                picker.set_date(date, start)
        # Tiles and bookings follow the answers, however they were given (touch, review, demo).
        for fid, tiles in self._tiles.items():
            answer = state.form.values.get(fid)
            chosen = set(answer) if isinstance(answer, list) else {answer}
            for option, tile in tiles:
                if tile.isChecked() != (option in chosen):
                    tile.blockSignals(True)
                    tile.setChecked(option in chosen)
                    tile.blockSignals(False)
        for fid, booking in self._bookings.items():
            booked = state.form.values.get(fid)
            booking.set_value(booked if isinstance(booked, dict) else None)

    def value_widgets(self) -> dict[str, Any]:
        """For tests: the live input widgets by field id."""
        return {**self._edits, **self._pickers, **self._choices}

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.NEXT
