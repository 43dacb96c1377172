"""The journey: takes the citizen's intents and the devices' results, and keeps the `FlowState`.

The UI renders `Journey.state()` and calls the intent methods; device results come in through
the `card_*` / `submitted` / `printed` / `lookup_done` methods. What the journey needs done outside
itself it queues as effects (`kiosk.flow.effects`), which the controller drains. What a step does
depends on its kind (`kiosk.flow.steps`); the intents live by concern: the walk between steps
(`walk`), the card (`reader`), the guests (`guests`), the status lookup (`lookup`), and here the
service, its answers, the session and the submission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kiosk import phrases
from kiosk.flow.effects import CallOfficer, RecordSession
from kiosk.flow.guests import GuestIntents
from kiosk.flow.lookup import LookupIntents
from kiosk.flow.menu import busiest_first
from kiosk.flow.reader import CardIntents
from kiosk.flow.state import CardPhase, CardState, FlowState, FormState, LookupState, Phase, ReviewState
from kiosk.flow.steps.base import clear_messages
from kiosk.flow.steps.form import date_starts
from kiosk.health import Health
from kiosk.ports.sessions import SessionOutcome, SessionSummary
from kiosk.text import Text


class Journey(CardIntents, GuestIntents, LookupIntents):
    # The session in progress, for its anonymous summary (`kiosk.ports.sessions`) when it ends.
    _session_started: dt.datetime | None = None
    _session_service = ""
    _session_step = ""
    _session_submitted = False

    def _put(self, state: FlowState) -> None:
        if state.phase is not Phase.IDLE:
            if self._session_started is None:
                self._session_started = self._clock()
            if state.service is not None:
                self._session_service = state.service.code
            step = state.step
            self._session_step = step.id if step is not None else state.phase.value
            self._session_submitted = self._session_submitted or state.phase is Phase.DONE
        super()._put(state)

    def session_seconds(self) -> int:
        """How long the session in progress has lasted (0 at the idle screen)."""
        if self._session_started is None:
            return 0
        return max(0, int((self._clock() - self._session_started).total_seconds()))

    def _end_session(self, timed_out: bool) -> SessionSummary | None:
        """The summary of the session ending now; None if there was none, or it only looked a
        status up (that is no application, abandoned or not)."""
        started, self._session_started = self._session_started, None
        service, step, submitted = self._session_service, self._session_step, self._session_submitted
        self._session_service, self._session_step, self._session_submitted = "", "", False
        if started is None or (not service and step == Phase.STATUS.value):
            return None
        if submitted:
            outcome = SessionOutcome.SUBMITTED
        else:
            outcome = SessionOutcome.TIMED_OUT if timed_out else SessionOutcome.ABANDONED
        assisted = bool(self._state.assisted_by)
        return SessionSummary(started, self._clock(), service, step, outcome, assisted)

    def set_health(self, health: Health) -> None:
        """The station's health check passed or failed (`kiosk.app.health`, every few minutes).

        Out of service, nobody new is let in: a citizen at the menu is sent back to the idle
        screen, which says to see the officer; one already in a service keeps going (what was
        typed is not thrown away; sending says itself whether it worked). Fixed, the invitation
        comes back by itself."""
        state = replace(self._state, health=health)
        if state.out_of_service and state.phase is Phase.MENU:
            state = replace(state, phase=Phase.IDLE)
        if not health.can_look_up and state.phase is Phase.STATUS and not state.lookup.busy:
            state = replace(state, phase=Phase.IDLE, lookup=LookupState())
        self._put(state)

    def set_service_counts(self, counts: Mapping[str, int]) -> None:
        """Dossiers this station took per service (its storage, now and then): the menu shows
        the busiest first."""
        self._put(replace(self._state, menu=busiest_first(self.catalog.services, counts)))

    def choose_service(self, code: str) -> None:
        self.touch()
        if self._state.out_of_service:
            return
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
        values = {**form.values, field_id: value}
        starts = form.date_starts
        if starts and self._state.step is not None and self._state.service is not None:
            # A return date's picker starts the day after the leaving date, once that is chosen.
            fields = self._state.service.fields_of(self._state.step, values)
            starts = date_starts(fields, values, self.today())
        self._set(form=replace(form, values=values, errors=errors, date_starts=starts))

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
        state = self._state
        for index, step in enumerate(service.steps):
            if step.id == step_id:
                edited = replace(state, step_index=index, editing_from_review=tuple(state.active_steps))
                self._put(clear_messages(edited))
                return

    def consent(self, agree: bool) -> None:
        """Law 91/2025/QH15: nothing is read or kept without consent; refusing ends the session."""
        self.touch()
        if not agree:
            self.reset()  # nothing kept; the idle screen says to go to the counter
            self._set(notice=phrases.CONSENT_REFUSED)
            return
        self._set(consented_at=self._clock())
        self.next()

    def set_language(self, language: str) -> None:
        self.touch()
        self._set(language=language)

    def toggle_large_text(self) -> None:
        self.touch()
        self._set(large_text=not self._state.large_text)

    def toggle_high_contrast(self) -> None:
        self.touch()
        self._set(high_contrast=not self._state.high_contrast)

    def accessibility_on(self) -> None:
        """Accessibility mode (`FlowState.accessible`), with large text and high contrast; from the
        idle screen it also starts, as a touch would."""
        self.touch()
        if not self._state.accessible:
            self._set(accessible=True, large_text=True, high_contrast=True)
        self.start()

    def call_officer(self) -> None:
        """ "Gọi cán bộ": the call goes to the station console; the citizen is told an officer is
        coming only once it was stored (`officer_call_done`)."""
        self.touch()
        state = self._state
        if state.officer_called and state.officer_call_delivered is None:
            return  # on its way already: one call, not one per tap
        step = state.step
        screen = step.id if step is not None else state.phase.value
        self._effects.append(CallOfficer(screen, self.session_seconds()))
        self._set(officer_called=True, officer_call_delivered=None)

    def officer_call_done(self, delivered: bool) -> None:
        if self._state.officer_called:
            self._set(officer_call_delivered=delivered)

    def dismiss_officer(self) -> None:
        self.touch()
        self._set(officer_called=False, officer_call_delivered=None)

    # -- assist mode: an officer fills in for the citizen, on the same screens -----------------
    def take_over(self, officer_id: str) -> None:
        """The officer takes over with everything entered kept (from the idle screen: a new session)."""
        self.touch()
        if self._state.phase is Phase.IDLE:
            self.start()
        self._set(assisted_by=officer_id, assisting=True, officer_called=False, officer_call_delivered=None)

    def hand_back(self) -> None:
        """Back to the citizen; the session stays marked as assisted (`assisted_by`)."""
        self.touch()
        self._set(assisting=False)

    def set_identity_check(self, text: str) -> None:
        self.touch()
        self._set(identity_check=text)

    def answer_done(self, done: bool) -> None:
        if done:
            self.reset()
        else:
            self.touch()
            self._set(ask_done=False)

    def reset(self, *, timed_out: bool = False) -> None:
        """Wipe the session: nothing the citizen entered or the card held stays in memory. Its
        anonymous summary is queued for the statistics (`timed_out`: by the idle reset)."""
        summary = self._end_session(timed_out)
        self._effects.clear()
        self._retried = False
        self._last_touch = self._clock()
        self._state = FlowState(
            language=self._default_language,
            card=CardState(phase=self._card_waiting(), reader_attached=self._reader_attached),
            health=self._state.health,
            menu=self._state.menu,
        )
        if summary is not None:
            self._effects.append(RecordSession(summary))
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
            self.reset(timed_out=True)
        elif idle >= self._warn_after and not self._state.idle_warning:
            self._set(idle_warning=True)

    def submitted(self, tracking_code: str) -> None:
        # The ways to pay are decided here, for this dossier's fee and code; the screen shows them.
        amount = self._state.fee_amount
        offers = tuple(self.payment.offers(amount, tracking_code)) if amount > 0 and self.payment else ()
        review = ReviewState(tracking_code=tracking_code, print_state="printing", offers=offers)
        self._set(phase=Phase.DONE, review=review)

    def submit_failed(self, message: Text) -> None:
        # Back to review with everything kept; the citizen can try again or call an officer.
        self._set(phase=Phase.STEP, review=replace(self._state.review, submit_error=message))

    def printed(self, ok: bool) -> None:
        self._set(review=replace(self._state.review, print_state="printed" if ok else "failed"))
