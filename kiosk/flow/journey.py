"""The journey: takes the citizen's intents and the devices' results, and keeps the `FlowState`.

The UI renders `Journey.state()` and calls the intent methods; device results come in through
the `card_*` / `submitted` / `printed` / `lookup_done` methods. What the journey needs done outside
itself it queues as effects (`kiosk.flow.effects`), which the controller drains. What a step does
depends on its kind (`kiosk.flow.steps`): the journey only walks between steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kiosk.appointments import AppointmentSettings
from kiosk.catalog import Catalog
from kiosk.flow.effects import Effect, LookUp, ReadCard
from kiosk.flow.state import CardPhase, CardState, FlowState, FormState, LookupState, Phase, ReviewState
from kiosk.flow.steps import kind_of
from kiosk.flow.steps.base import Leave, StepEnv, StepKind, clear_messages
from kiosk.payment import PaymentOptions
from kiosk.ports.card import CardErrorReason, CardRead, ReadProgress
from kiosk.text import Text

if TYPE_CHECKING:
    from kiosk.status import StatusResult

Clock = Callable[[], dt.datetime]

# Errors worth one silent retry before the citizen sees a message (ux.md: "retry once").
_TRANSIENT = {CardErrorReason.BAD_RESPONSE, CardErrorReason.TIMEOUT}


class Journey:
    def __init__(
        self,
        catalog: Catalog,
        clock: Clock,
        *,
        idle_warning_s: float = 60,
        idle_reset_s: float = 20,
        language: str = "vi",
        appointments: AppointmentSettings | None = None,
        payment: PaymentOptions | None = None,
    ) -> None:
        self.catalog = catalog
        self._clock = clock
        self._warn_after = dt.timedelta(seconds=idle_warning_s)
        self._reset_after = dt.timedelta(seconds=idle_warning_s + idle_reset_s)
        self._default_language = language
        self.appointments = appointments or AppointmentSettings()
        self.payment = payment or PaymentOptions()
        self._effects: list[Effect] = []
        self._listeners: list[Callable[[FlowState], None]] = []
        self._reader_attached = True
        self._card_present = False
        self._retried = False
        self._state = FlowState(language=language)
        self._last_touch = clock()

    # -- observing ------------------------------------------------------------------------
    def state(self) -> FlowState:
        return self._state

    def subscribe(self, listener: Callable[[FlowState], None]) -> None:
        self._listeners.append(listener)

    def take_effects(self) -> list[Effect]:
        effects, self._effects = self._effects, []
        return effects

    def _put(self, state: FlowState) -> None:
        """Make `state` current: a new step is entered, a wanted card read starts, listeners hear."""
        before = self._state
        step = state.step
        if step is not None and (before.step is not step or before.form.values is not state.form.values):
            state = kind_of(step.kind).enter(state, self._env())
        self._state = state
        self._maybe_read()
        for listener in list(self._listeners):
            listener(self._state)

    def _set(self, **changes: Any) -> None:
        self._put(replace(self._state, **changes))

    def _set_card(self, **changes: Any) -> None:
        self._set(card=replace(self._state.card, **changes))

    def _env(self) -> StepEnv:
        return StepEnv(self._clock(), self.appointments)

    def _kind(self) -> StepKind | None:
        step = self._state.step
        return kind_of(step.kind) if step is not None else None

    def _card_waiting(self) -> CardPhase:
        return CardPhase.PRESENT if self._card_present else CardPhase.WAITING

    # -- citizen intents ------------------------------------------------------------------
    def touch(self) -> None:
        self._last_touch = self._clock()
        if self._state.idle_warning:
            self._set(idle_warning=False)

    def start(self) -> None:
        self.touch()
        if self._state.phase is Phase.IDLE:
            self._set(phase=Phase.MENU)

    def open_status(self) -> None:
        """From the idle screen: 'check my application'."""
        self.touch()
        self._set(phase=Phase.STATUS, lookup=LookupState())

    def lookup_input(self, text: str) -> None:
        """What the citizen typed so far (the keypad) — not yet looked up."""
        self.touch()
        self._set(lookup=replace(self._state.lookup, text=text[:200], result=None))

    def lookup_submit(self, text: str | None = None) -> None:
        """Look up `text` (a scanner line) or what was typed."""
        self.touch()
        if self._state.phase is not Phase.STATUS:
            self._set(phase=Phase.STATUS, lookup=replace(self._state.lookup, result=None))
        lookup = self._state.lookup
        query = (text if text is not None else lookup.text).strip()
        if not query or lookup.busy:
            return
        self._effects.append(LookUp(query))
        self._set(lookup=replace(lookup, text=query if text is None else lookup.text, busy=True))

    def lookup_done(self, result: StatusResult) -> None:
        if self._state.phase is Phase.STATUS:
            self._set(lookup=replace(self._state.lookup, busy=False, result=result))

    def choose_service(self, code: str) -> None:
        self.touch()
        service = self.catalog.get(code)
        # A new service starts clean: consent is per service, and the card is read again for it
        # (automatically, if it is still on the reader and its number was typed).
        card = self._state.card
        phase = self._card_waiting() if card.phase is CardPhase.READ else card.phase
        self._put(
            replace(
                self._state,
                phase=Phase.STEP,
                service=service,
                step_index=0,
                consented_at=None,
                card=replace(
                    card,
                    phase=phase,
                    holder=None,
                    photo=None,
                    residence_address=None,
                    passive_auth="",
                    message=None,
                ),
                people=replace(self._state.people, adding=False, message=None),
                form=FormState(),
            )
        )

    def set_value(self, field_id: str, value: Any) -> None:
        self.touch()
        form = self._state.form
        errors = {k: v for k, v in form.errors.items() if k != field_id}
        self._set(form=replace(form, values={**form.values, field_id: value}, errors=errors))

    def set_id_number(self, text: str) -> None:
        """The 12-digit ID typed on the keypad (or filled from a scanned card QR)."""
        self.touch()
        digits = "".join(ch for ch in text if ch.isdigit())[:12]
        if self._state.card.phase is CardPhase.FAILED:  # a new number after a failure: try again
            self._set_card(id_number=digits, phase=self._card_waiting(), error=None)
        else:
            self._set_card(id_number=digits)

    def next(self) -> None:
        self.touch()
        state = self._state
        if state.phase is Phase.IDLE:
            self.start()
            return
        kind = self._kind()
        if kind is None or state.service is None:
            return
        env = self._env()
        held = kind.validate(state, env)
        if held is not None:
            if held is not state:
                self._put(held)
            return
        self._follow(kind.leave(state, env))

    def _follow(self, leave: Leave) -> None:
        self._effects.extend(leave.effects)
        state = leave.state
        if leave.advance:
            state = clear_messages(replace(state, step_index=self._neighbour(state, +1)))
        self._put(state)

    def back(self) -> None:
        self.touch()
        state = self._state
        if state.phase is Phase.STEP:
            if state.people.adding:
                self._set(people=replace(state.people, adding=False))
            elif state.step_index == state.active_steps[0]:
                menu = replace(
                    state, phase=Phase.MENU, service=None, step_index=0, form=FormState(), consented_at=None
                )
                self._put(clear_messages(menu))
            else:
                self._put(clear_messages(replace(state, step_index=self._neighbour(state, -1))))
        elif state.phase in (Phase.MENU, Phase.STATUS):
            self.reset()

    def edit_step(self, step_id: str) -> None:
        """From the review screen: jump to the step that asks this, values kept."""
        self.touch()
        service = self._state.service
        if service is None:
            return
        for index, step in enumerate(service.steps):
            if step.id == step_id:
                self._put(clear_messages(replace(self._state, step_index=index)))
                return

    def consent(self, agree: bool) -> None:
        """Decree 13/2023: nothing is read or kept without consent; refusing ends the session."""
        self.touch()
        if not agree:
            self.reset()
            return
        self._set(consented_at=self._clock())
        self.next()

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

    def set_language(self, language: str) -> None:
        self.touch()
        self._set(language=language)

    def toggle_large_text(self) -> None:
        self.touch()
        self._set(large_text=not self._state.large_text)

    def call_officer(self) -> None:
        self.touch()
        self._set(officer_called=True)

    def dismiss_officer(self) -> None:
        self.touch()
        self._set(officer_called=False)

    def answer_done(self, done: bool) -> None:
        if done:
            self.reset()
        else:
            self.touch()
            self._set(ask_done=False)

    def reset(self) -> None:
        """Wipe the session: nothing the citizen entered or the card held stays in memory."""
        self._effects.clear()
        self._retried = False
        self._last_touch = self._clock()
        self._state = FlowState(
            language=self._default_language,
            card=CardState(phase=self._card_waiting(), reader_attached=self._reader_attached),
        )
        self._set()

    def seconds_until_reset(self) -> int:
        left = self._reset_after - (self._clock() - self._last_touch)
        return max(0, int(left.total_seconds()))

    def tick(self) -> None:
        """Called about once a second: idle warning, then wipe."""
        if self._state.phase is Phase.IDLE:
            return
        if self._state.phase is Phase.SUBMITTING:
            self._last_touch = self._clock()  # never wipe while a submission is in flight
            return
        idle = self._clock() - self._last_touch
        if idle >= self._reset_after:
            self.reset()
        elif idle >= self._warn_after and not self._state.idle_warning:
            self._set(idle_warning=True)

    # -- device results -------------------------------------------------------------------
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

    # -- submission results ---------------------------------------------------------------
    def submitted(self, tracking_code: str) -> None:
        # The ways to pay are decided here, for this dossier's fee and code; the screen shows them.
        amount = self._state.fee_amount
        offers = tuple(self.payment.offers(amount, tracking_code)) if amount > 0 else ()
        review = ReviewState(tracking_code=tracking_code, print_state="printing", offers=offers)
        self._set(phase=Phase.DONE, review=review)

    def submit_failed(self, message: Text) -> None:
        # Back to review with everything kept; the citizen can try again or call an officer.
        self._set(phase=Phase.STEP, review=replace(self._state.review, submit_error=message))

    def printed(self, ok: bool) -> None:
        self._set(review=replace(self._state.review, print_state="printed" if ok else "failed"))

    # -- internals ------------------------------------------------------------------------
    def _maybe_read(self) -> None:
        state = self._state
        kind = self._kind()
        if kind is None or state.card.phase is not CardPhase.PRESENT:
            return
        key = kind.access_key(state)
        if key is None:
            return
        card = replace(state.card, phase=CardPhase.READING, progress=0.0, stage="")
        self._state = replace(state, card=card)
        self._effects.append(ReadCard(key))

    @staticmethod
    def _neighbour(state: FlowState, direction: int) -> int:
        """The next (+1) or previous (-1) step that is asked for the current answers."""
        active = state.active_steps
        index = state.step_index
        candidates = [i for i in active if (i > index if direction > 0 else i < index)]
        if not candidates:
            return index
        return candidates[0] if direction > 0 else candidates[-1]

    def _step_index_of(self, kind: str) -> int | None:
        service = self._state.service
        if service is None:
            return None
        for index, step in enumerate(service.steps):
            if step.kind == kind:
                return index
        return None

    def _card_step_index(self) -> int:
        index = self._step_index_of("card")
        return index if index is not None else 10**6

    def today(self) -> dt.date:
        return self._clock().date()
