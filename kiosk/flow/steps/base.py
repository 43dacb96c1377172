"""What a step kind is: how the journey enters, checks and leaves a step of that kind.

Each kind is one module in this package exporting `KIND`; the registry (`kiosk.flow.steps`) finds
them, the catalog accepts exactly their names, and the UI has one screen per kind. The hooks are
pure: they take a `FlowState` and return the next one, so each is testable on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kiosk.admission import AdmissionRule, TrustPolicy
from kiosk.appointments import AppointmentSettings
from kiosk.catalog import Step
from kiosk.flow.effects import Effect
from kiosk.flow.state import CardPhase
from kiosk.ports.card import AccessKey, CardRead

if TYPE_CHECKING:
    from kiosk.flow.state import FlowState
    from kiosk.text import Text


DEFAULT_TRUST = TrustPolicy()


@dataclass(frozen=True)
class StepEnv:
    """What the steps may consult besides the state: the time and the station's settings."""

    now: dt.datetime
    appointments: AppointmentSettings | None = None  # None: no appointments are offered
    trust: TrustPolicy = DEFAULT_TRUST  # what the station accepts of the chip checks

    @property
    def today(self) -> dt.date:
        return self.now.date()


@dataclass(frozen=True)
class Leave:
    """What leaving a step does: the new state, effects to run, and whether to move on."""

    state: FlowState
    effects: tuple[Effect, ...] = ()
    advance: bool = True  # go to the next step that is asked


class StepKind:
    name: str = ""
    # The card may leave the reader on this step without "are you done?" (guests take theirs back).
    card_leaves_freely: bool = False
    # The admission rule of a step that reads documents, when its catalog entry gives none.
    admission: AdmissionRule | None = None

    def enter(self, state: FlowState, env: StepEnv) -> FlowState:
        """Make the state ready for this step. Called on arrival and again after every answer given
        on the step, so it must only fill what is missing."""
        return state

    def validate(self, state: FlowState, env: StepEnv) -> FlowState | None:
        """None if "Tiếp tục" may leave the step; otherwise the state that shows why not."""
        return None

    def leave(self, state: FlowState, env: StepEnv) -> Leave:
        """Leave a validated step forward."""
        return Leave(state)

    def screen(self, state: FlowState) -> str:
        """The screen that renders this step now (see ui/window.py SCREENS)."""
        return self.name

    def access_key(self, state: FlowState) -> AccessKey | None:
        """The key to read the card on the reader with, when this step wants one read now."""
        return None

    def card_read(
        self, state: FlowState, read: CardRead, residence: Mapping[str, str] | None, env: StepEnv
    ) -> Leave:
        """A read this step asked for has finished: the new state, and whether to move on."""
        return Leave(state, advance=False)

    def rule(self, step: Step) -> AdmissionRule:
        """The admission rule for `step`: the catalog's, else this kind's."""
        rule = step.admit or self.admission
        if rule is None:
            raise ValueError(f"step kind {self.name!r} reads no documents")
        return rule


def clear_messages(state: FlowState) -> FlowState:
    """Moving between steps drops every step's "what is wrong" message."""
    return replace(
        state,
        form=replace(state.form, errors={}),
        card=replace(state.card, message=None),
        people=replace(state.people, message=None),
    )


def refused(state: FlowState, reason: Text | None) -> Leave:
    """A read document that is not admitted is never used: the card screen says why (the citizen
    is sent to the officer) and the journey stays on the step."""
    card = replace(state.card, phase=CardPhase.FAILED, progress=0.0, error=None, message=reason)
    return Leave(replace(state, card=card), advance=False)
