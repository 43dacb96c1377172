"""The applicant's chip ID card: type (or scan) its number, the chip is read, the card admitted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kiosk import phrases
from kiosk.admission import AdmissionRule, admit
from kiosk.flow.state import CardPhase, FlowState
from kiosk.flow.steps.base import Leave, StepEnv, StepKind, clear_messages, refused
from kiosk.ports.card import AccessKey, CardRead, Holder


class Card(StepKind):
    name = "card"
    admission = AdmissionRule(documents=("cccd",))

    def validate(self, state: FlowState, env: StepEnv) -> FlowState | None:
        if state.card.holder is None:
            return replace(state, card=replace(state.card, message=phrases.NEED_CARD))
        return None

    def access_key(self, state: FlowState) -> AccessKey | None:
        if state.card.holder is None and len(state.card.id_number) == 12:
            return AccessKey.from_id_number(state.card.id_number)
        return None

    def card_read(
        self, state: FlowState, read: CardRead, residence: Mapping[str, str] | None, env: StepEnv
    ) -> Leave:
        step = state.step
        assert step is not None
        verdict = admit(self.rule(step), read, env.trust)
        if not verdict.admitted:
            return refused(state, verdict.reason)
        card = replace(
            state.card,
            phase=CardPhase.READ,
            progress=1.0,
            error=None,
            holder=read.holder,
            photo=read.face,
            residence_address=residence,
            passive_auth=verdict.outcome,
        )
        form = replace(state.form, values=prefilled(state, read.holder, residence))
        return Leave(clear_messages(replace(state, card=card, form=form)))


def prefilled(state: FlowState, holder: Holder, residence: Mapping[str, str] | None) -> dict[str, Any]:
    """Answers filled from the card: chip data replaces readonly fields, fills empty ones.
    An address field takes the card's residence converted to today's units, when it converts."""
    values = dict(state.form.values)
    service = state.service
    for fdef in service.fields.values() if service else []:
        if not fdef.prefill or not (fdef.readonly or not values.get(fdef.id)):
            continue
        if fdef.type == "address":
            if fdef.prefill == "residence" and residence:
                values[fdef.id] = dict(residence)
        else:
            values[fdef.id] = getattr(holder, fdef.prefill, "")
    return values


KIND = Card()
