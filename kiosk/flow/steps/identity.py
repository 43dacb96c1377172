"""The data read from the card, to confirm: "this is me" moves on, "not me" reads again
(`Journey.confirm_identity`)."""

from __future__ import annotations

from kiosk.flow.steps.base import StepKind


class Identity(StepKind):
    name = "identity"


KIND = Identity()
