"""The service explained: what it is for, who needs it, papers, fee. Nothing to check."""

from __future__ import annotations

from kiosk.flow.steps.base import StepKind


class Intro(StepKind):
    name = "intro"


KIND = Intro()
