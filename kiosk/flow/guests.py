"""A people step's intents: read the next guest's ID card or passport, or take a guest off the list."""

from __future__ import annotations

from dataclasses import replace

from kiosk.flow.state import CardPhase
from kiosk.flow.walk import Walk


class GuestIntents(Walk):
    def add_person(self) -> None:
        """People step: read the next guest's card."""
        self.touch()
        state = self._state
        step = state.step
        if step is None or step.kind != "people" or len(state.guests) >= step.max_items:
            return
        card = replace(state.card, phase=self._card_waiting(), id_number="", error=None, message=None)
        self._set(people=replace(state.people, adding=True, message=None), card=card)

    def use_passport(self, on: bool) -> None:
        """People step: the next guest shows a passport (read with BAC from its number and dates)."""
        self.touch()
        state = self._state
        if state.people.adding:
            card = replace(state.card, error=None, message=None, id_number="")
            self._set(people=replace(state.people, passport=on, mrz=None), card=card)

    def set_passport_key(self, number: str, birth: str, expiry: str) -> None:
        """The passport number and the two dates (ISO) printed on the data page."""
        self.touch()
        state = self._state
        phase = self._card_waiting() if state.card.phase is CardPhase.FAILED else state.card.phase
        clean = "".join(ch for ch in number.upper() if ch.isalnum())
        self._set(
            people=replace(state.people, mrz=(clean, birth, expiry)),
            card=replace(state.card, phase=phase, error=None, message=None),
        )

    def cancel_person(self) -> None:
        self.touch()
        self._set(people=replace(self._state.people, adding=False))

    def remove_person(self, index: int) -> None:
        self.touch()
        step = self._state.step
        if step is None or step.kind != "people":
            return
        guests = self._state.guests
        if 0 <= index < len(guests):
            del guests[index]
            form = self._state.form
            self._set(form=replace(form, values={**form.values, step.id: guests}))
