"""Review everything in large text before sending; every item can be changed from here."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk import phrases
from kiosk.flow.state import FlowState
from kiosk.payment import fee_text
from kiosk.text import Text
from kiosk.validation import display_value
from ui.screens.base import Screen, ScreenContext
from ui.widgets.basics import StepHeading, button, label, scroll_area


class ReviewScreen(Screen):
    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__(ctx)
        column = QVBoxLayout(self)
        column.setContentsMargins(60, 10, 60, 10)
        self.heading = StepHeading(column)
        self.title = self.heading.title
        self.error = label("", "error")
        column.addWidget(self.error)
        self.table = QWidget()
        self.area = scroll_area(self.table)
        column.addWidget(self.area, 1)

    def show_state(self, state: FlowState) -> None:
        service, step = state.service, state.step
        if service is None or step is None:
            return
        lang = state.language
        self.heading.show(step.title.get(lang), "review")
        self.error.setText(state.review.submit_error.get(lang) if state.review.submit_error else "")
        # A new table, filled before it is shown: its rows are laid out at their natural height
        # before the scroll area sizes it (rows added to a shown table would appear a turn later,
        # squeezed into the old height for a frame). setWidget deletes the previous table.
        self.table = QWidget()
        grid = QGridLayout(self.table)
        grid.setVerticalSpacing(14)
        grid.setHorizontalSpacing(30)
        row = 0
        holder = state.card.holder
        if holder is not None:
            grid.addWidget(label(phrases.REVIEW_PERSON.get(lang), "muted"), row, 0)
            grid.addWidget(label(f"{holder.full_name} — {holder.id_number}", "big"), row, 1)
            row += 1
        # The fee for these answers, before sending (it used to appear only on the done screen).
        grid.addWidget(label(phrases.INTRO_FEE.get(lang), "muted"), row, 0)
        grid.addWidget(label(fee_text(state.fee_amount).get(lang), "big"), row, 1)
        row += 1
        active = {f.id for f in service.active_fields(state.form.values)}
        for index in state.active_steps:
            form_step = service.steps[index]
            rows: list[tuple[str, str]] = []
            if form_step.kind == "people":  # one row per guest, the step's name on the first
                guests = state.form.values.get(form_step.id, [])
                names = [f"{g.get('full_name', '')} ({g.get('date_of_birth', '')})" for g in guests]
                for index, name in enumerate(names or ["—"]):
                    rows.append((form_step.title.get(lang) if index == 0 else "", name))
            for fid in form_step.fields:
                if fid in active:
                    fdef = service.fields[fid]
                    rows.append((fdef.label.get(lang), display_value(fdef, state.form.values.get(fid), lang)))
            readonly_only = all(service.fields[fid].readonly for fid in form_step.fields if fid in active)
            editable = form_step.kind == "people" or (form_step.kind == "form" and not readonly_only)
            for caption, value in rows:
                grid.addWidget(label(caption, "muted"), row, 0)
                grid.addWidget(label(value, "big"), row, 1)
                if editable and (caption or form_step.kind != "people"):  # a guest list: one "Sửa"
                    edit = button(phrases.REVIEW_EDIT.get(lang))
                    edit.clicked.connect(lambda _=False, sid=form_step.id: self.journey.edit_step(sid))
                    grid.addWidget(edit, row, 2)
                row += 1
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(row, 1)
        self.area.setWidget(self.table)

    def spoken(self, state: FlowState) -> str:
        """The step's prompt, then the fee: a citizen who cannot read hears it before sending."""
        lang = state.language
        fee = f"{phrases.INTRO_FEE.get(lang)}: {fee_text(state.fee_amount).get(lang)}."
        prompt = super().spoken(state).rstrip(".")
        return f"{prompt}. {fee}" if prompt else fee  # two sentences, each its own clip

    def primary_text(self, state: FlowState) -> Text | None:
        return phrases.SEND_AGAIN if state.review.submit_error else phrases.SEND
