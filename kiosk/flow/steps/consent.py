"""Law 91/2025/QH15, Article 9: nothing is read or kept without consent. Only the consent buttons move on
(`Journey.consent`); refusing ends the session."""

from __future__ import annotations

from kiosk.flow.state import FlowState
from kiosk.flow.steps.base import StepEnv, StepKind


class Consent(StepKind):
    name = "consent"

    def validate(self, state: FlowState, env: StepEnv) -> FlowState | None:
        return state if state.consented_at is None else None  # "Tiếp tục" alone does not consent


KIND = Consent()
