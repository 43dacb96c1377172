"""The reader, the card on it and the applicant read from it: the devices' events and the card
step's intents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from kiosk.flow.state import CardPhase
from kiosk.flow.walk import Walk
from kiosk.ports.card import CardErrorReason, CardRead, ReadProgress

# Errors worth one silent retry before the citizen sees a message (ux.md: "retry once").
_TRANSIENT = {CardErrorReason.BAD_RESPONSE, CardErrorReason.TIMEOUT}


class CardIntents(Walk):
    def set_id_number(self, text: str) -> None:
        """The 12-digit ID typed on the keypad (or filled from a scanned card QR)."""
        self.touch()
        digits = "".join(ch for ch in text if ch.isdigit())[:12]
        if self._state.card.phase is CardPhase.FAILED:  # a new number after a failure: try again
            self._set_card(id_number=digits, phase=self._card_waiting(), error=None)
        else:
            self._set_card(id_number=digits)

    def confirm_identity(self, is_me: bool) -> None:
        self.touch()
        if is_me:
            self.next()
            return
        # "Không phải tôi": forget what was read and ask for the card again.
        state = self._state
        index = self._step_index_of("card")
        card = replace(
            state.card,
            holder=None,
            photo=None,
            phase=self._card_waiting(),
            id_number="",
            progress=0.0,
            stage="",
            error=None,
        )
        self._put(replace(state, step_index=index if index is not None else state.step_index, card=card))

    def reader_changed(self, attached: bool) -> None:
        self._reader_attached = attached
        if not attached:
            self._card_present = False
        if not attached and self._state.card.phase is CardPhase.READING:
            self._set_card(reader_attached=False, phase=CardPhase.FAILED, error=CardErrorReason.NO_READER)
        else:
            self._set_card(reader_attached=attached)

    def card_inserted(self) -> None:
        self._card_present = True
        self._retried = False
        if self._state.card.phase in (CardPhase.WAITING, CardPhase.FAILED):
            self._set_card(phase=CardPhase.PRESENT, error=None)
        if self._state.ask_done:
            self._set(ask_done=False)

    def card_removed(self) -> None:
        self._card_present = False
        state = self._state
        card = state.card
        if card.phase is CardPhase.READING:
            self._set_card(phase=CardPhase.FAILED, error=CardErrorReason.CARD_REMOVED)
        elif card.phase is CardPhase.READ:
            kind = self._kind()
            in_flow = (
                kind is not None
                and not kind.card_leaves_freely
                and state.step_index > self._card_step_index()
            )
            self._set(card=replace(card, phase=CardPhase.WAITING), ask_done=in_flow)
        else:
            self._set_card(phase=CardPhase.WAITING)

    def card_progress(self, progress: ReadProgress) -> None:
        if self._state.card.phase is CardPhase.READING:
            self._set_card(stage=progress.stage, progress=progress.fraction)

    def card_read(self, result: CardRead, residence_address: Mapping[str, str] | None = None) -> None:
        if self._state.card.phase is not CardPhase.READING:
            return  # a late result for a card already gone or a wiped session
        self._retried = False
        kind = self._kind()
        if kind is None:
            return
        leave = kind.card_read(self._state, result, residence_address, self._env())
        self._put(leave.state)
        if leave.advance:
            self.next()

    def card_failed(self, reason: CardErrorReason) -> None:
        if self._state.card.phase is not CardPhase.READING:
            return
        if reason in _TRANSIENT and not self._retried and self._card_present:
            self._retried = True
            self._set_card(phase=CardPhase.PRESENT, progress=0.0)  # read again once, silently
            return
        self._set_card(phase=CardPhase.FAILED, error=reason, progress=0.0)
