"""The guest list of a lodging notification: each guest's card read one after another."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.admission import VIETNAM
from kiosk.controller import mask_id
from kiosk.flow.state import FlowState
from kiosk.flow.steps import kind_of
from kiosk.text import Text
from kiosk.voice_cues import sentences
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import StepHeading, button, clear_layout, label, scroll_area


class PeopleScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(60, 10, 60, 10)
        self.heading = StepHeading(column)
        self.title = self.heading.title
        self.count = label("", "h2")
        column.addWidget(self.count)
        self.who = label("", "")  # who may be declared here, before any card is read
        column.addWidget(self.who)
        self.table = QWidget()
        QGridLayout(self.table)
        area = scroll_area(self.table)
        column.addWidget(area, 1)
        self.error = label("", "error")
        column.addWidget(self.error)
        self.add = button("", "", "id-card", 56)
        self.add.clicked.connect(self.journey.add_person)
        column.addWidget(self.add, 0, Qt.AlignmentFlag.AlignLeft)
        self._shown: tuple[object, ...] = ()

    def show_state(self, state: FlowState) -> None:
        lang = state.language
        step = state.step
        people = state.guests
        self.heading.show(step.title.get(lang) if step else "", "people")
        self.count.setText(
            phrases.PEOPLE_COUNT.get(lang).format(n=len(people)) if people else phrases.PEOPLE_NONE.get(lang)
        )
        self.who.setText(phrases.PEOPLE_VIETNAMESE_ONLY.get(lang) if _vietnamese_only(state) else "")
        full = step is not None and len(people) >= step.max_items
        self.add.setText((phrases.PEOPLE_FULL if full else phrases.PEOPLE_ADD).get(lang))
        self.add.setEnabled(not full)
        message = state.people.message
        self.error.setText(message.get(lang) if message else "")
        key = (lang, tuple(p.get("id_number") for p in people))
        if key == self._shown:
            return
        self._shown = key
        clear_layout(self.table)
        grid = self.table.layout()
        assert isinstance(grid, QGridLayout)
        for row, person in enumerate(people):
            grid.addWidget(label(f"{row + 1}.", "big"), row, 0)
            grid.addWidget(label(person.get("full_name", ""), "big"), row, 1)
            grid.addWidget(label(person.get("date_of_birth", ""), ""), row, 2)
            grid.addWidget(label(mask_id(person.get("id_number", "")), "muted"), row, 3)
            remove = button(phrases.PEOPLE_REMOVE.get(lang))
            remove.clicked.connect(lambda _=False, i=row: self.journey.remove_person(i))
            grid.addWidget(remove, row, 4)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(people), 1)

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.NEXT

    def spoken(self, state: FlowState) -> str:
        lang = state.language
        people = state.guests
        none = phrases.PEOPLE_NONE.get(lang)
        count = phrases.PEOPLE_COUNT.get(lang).format(n=len(people)) if people else none
        # The step's long explanation once; after each guest the short title and the count (a
        # 20-second prompt read again per guest cost a lodging with three guests over a minute).
        step = state.step
        said = [step.title.get(lang) if people and step is not None else super().spoken(state), count]
        if _vietnamese_only(state):
            said.append(phrases.PEOPLE_VIETNAMESE_ONLY.get(lang))
        return sentences(said)


def _vietnamese_only(state: FlowState) -> bool:
    step = state.step
    return step is not None and kind_of(step.kind).rule(step).nationalities == (VIETNAM,)
