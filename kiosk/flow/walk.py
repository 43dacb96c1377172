"""The walk through a service: the state and who listens to it, the effects queued for the outside,
and moving between steps as each step's kind says (`kiosk.flow.steps`). The journey's intents by
concern (`reader`, `guests`, `lookup`, `journey`) build on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kiosk.admission import TrustPolicy
from kiosk.appointments import AppointmentSettings
from kiosk.catalog import Catalog
from kiosk.flow.effects import Effect, ReadCard
from kiosk.flow.menu import busiest_first
from kiosk.flow.state import CardPhase, FlowState, Phase
from kiosk.flow.steps import kind_of
from kiosk.flow.steps.base import Leave, StepEnv, StepKind, clear_messages
from kiosk.payment import PaymentOptions
from kiosk.ports.clock import Clock


class Walk:
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
        trust: TrustPolicy | None = None,
    ) -> None:
        self.catalog = catalog
        self._clock = clock
        self._warn_after = dt.timedelta(seconds=idle_warning_s)
        self._reset_after = dt.timedelta(seconds=idle_warning_s + idle_reset_s)
        self._default_language = language
        # The station's settings, from the composition root; None: none configured (no appointment
        # days offered, no ways to pay shown: the citizen asks the officer).
        self.appointments = appointments
        self.payment = payment
        self.trust = trust or TrustPolicy()
        self._effects: list[Effect] = []
        self._listeners: list[Callable[[FlowState], None]] = []
        self._reader_attached = True
        self._card_present = False
        self._retried = False
        self._state = FlowState(language=language, menu=busiest_first(catalog.services, {}))
        self._last_touch = clock()

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
        return StepEnv(self._clock(), self.appointments, self.trust)

    def _kind(self) -> StepKind | None:
        step = self._state.step
        return kind_of(step.kind) if step is not None else None

    def _card_waiting(self) -> CardPhase:
        return CardPhase.PRESENT if self._card_present else CardPhase.WAITING

    def touch(self) -> None:
        self._last_touch = self._clock()
        if self._state.idle_warning:
            self._set(idle_warning=False)

    def start(self) -> None:
        self.touch()
        if self._state.phase is Phase.IDLE and not self._state.out_of_service:
            self._set(phase=Phase.MENU, notice=None)

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
            review = self._step_index_of("review")
            asked = state.editing_from_review
            if asked is not None and review is not None and tuple(state.active_steps) == asked:
                following = review  # an answer changed from the review: straight back to it
            else:
                following = self._neighbour(state, +1)  # the change asks new steps: walk them
            state = clear_messages(replace(state, step_index=following))
            if state.step is not None and state.step.kind == "review":
                state = replace(state, editing_from_review=None)
        self._put(state)

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
