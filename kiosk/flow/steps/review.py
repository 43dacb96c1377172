"""Everything once more; "Gửi hồ sơ" checks every answer again and submits."""

from __future__ import annotations

from dataclasses import replace

from kiosk import phrases
from kiosk.flow.effects import Submit
from kiosk.flow.state import FlowState, Phase
from kiosk.flow.steps.base import Leave, StepEnv, StepKind, clear_messages
from kiosk.flow.steps.form import field_errors


class Review(StepKind):
    name = "review"

    def leave(self, state: FlowState, env: StepEnv) -> Leave:
        service = state.service
        assert service is not None
        values = state.form.values
        active = service.active_fields(values)
        errors = field_errors(active, values, env)
        if errors:  # back to the first step with a problem
            first = next(i for i, s in enumerate(service.steps) if set(s.fields) & set(errors))
            form = replace(state.form, errors=errors)
            return Leave(replace(state, step_index=first, form=form), advance=False)
        holder = state.card.holder
        if holder is None:
            index = next((i for i, s in enumerate(service.steps) if s.kind == "card"), 0)
            card = replace(state.card, message=phrases.NEED_CARD)
            return Leave(replace(state, step_index=index, card=card), advance=False)
        # Only what was asked is sent: answers to questions hidden later by a changed choice drop out.
        keep = {f.id for f in active} | {s.id for s in service.steps if s.kind == "people"}
        sent = {k: v for k, v in values.items() if k in keep}
        submit = Submit(service, sent, holder, state.consented_at, state.card.passive_auth, state.card.photo)
        review = replace(state.review, submit_error=None)
        return Leave(
            clear_messages(replace(state, phase=Phase.SUBMITTING, review=review)), (submit,), advance=False
        )


KIND = Review()
