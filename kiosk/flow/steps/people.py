"""A list of people (lodging guests), each read from an ID card or a passport and admitted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from kiosk import phrases
from kiosk.admission import VIETNAM, AdmissionRule, admit
from kiosk.flow.state import CardPhase, FlowState
from kiosk.flow.steps.base import Leave, StepEnv, StepKind, clear_messages, refused
from kiosk.ports.card import AccessKey, CardRead


def _yymmdd(iso: str) -> str:
    """ISO date → the YYMMDD of a machine-readable zone."""
    return iso[2:4] + iso[5:7] + iso[8:10]


class People(StepKind):
    name = "people"
    card_leaves_freely = True  # guests take their cards back one after another
    admission = AdmissionRule(documents=("cccd", "passport"), nationalities=(VIETNAM,))

    def validate(self, state: FlowState, env: StepEnv) -> FlowState | None:
        step = state.step
        assert step is not None
        if state.people.adding:
            return state  # the guest's card is being read; "Quay lại" cancels
        if len(state.guests) < step.min_items:
            return replace(state, people=replace(state.people, message=phrases.NEED_PEOPLE))
        return None

    def screen(self, state: FlowState) -> str:
        return "card" if state.people.adding else self.name  # the guest's card is read on the card screen

    def access_key(self, state: FlowState) -> AccessKey | None:
        people, card = state.people, state.card
        if not people.adding:
            return None
        if people.passport:
            if people.mrz is None:
                return None
            number, birth, expiry = people.mrz
            return AccessKey.from_mrz(number, _yymmdd(birth), _yymmdd(expiry))
        return AccessKey.from_id_number(card.id_number) if len(card.id_number) == 12 else None

    def card_read(
        self, state: FlowState, read: CardRead, residence: Mapping[str, str] | None, env: StepEnv
    ) -> Leave:
        step = state.step
        assert step is not None
        verdict = admit(self.rule(step), read, env.trust, guest=True)
        if not verdict.admitted:
            return refused(state, verdict.reason)
        guest = {k: v for k, v in vars(read.holder).items() if isinstance(v, str) and v}
        guest["document_kind"] = read.document_kind
        guest["passive_auth"] = verdict.outcome  # each guest's own check, for the officer
        if verdict.officer_note:
            guest["passive_auth_note"] = verdict.officer_note
        guests = [p for p in state.guests if p.get("id_number") != guest.get("id_number")] + [guest]
        card = replace(state.card, phase=CardPhase.READ, progress=1.0, error=None, id_number="")
        form = replace(state.form, values={**state.form.values, step.id: guests})
        after = replace(state, card=card, form=form, people=replace(state.people, adding=False))
        return Leave(clear_messages(after), advance=False)


KIND = People()
