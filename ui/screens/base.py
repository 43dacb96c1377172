"""What every screen has in common, and what it tells the frame around it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from kiosk.app.root import appointment_settings, payment_options
from kiosk.appointments import AppointmentSettings
from kiosk.config import Config, load_config
from kiosk.flow import FlowState, Journey
from kiosk.payment import PaymentOptions
from kiosk.text import Text


def _defaults() -> Config:
    return load_config(environ={})


@dataclass
class ScreenContext:
    journey: Journey
    demo_cards: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    appointments: AppointmentSettings = field(default_factory=lambda: appointment_settings(_defaults()))
    payment: PaymentOptions = field(default_factory=lambda: payment_options(_defaults()))
    demo_passports: list[tuple[str, Callable[[], None]]] = field(default_factory=list)


class Screen(QWidget):
    """A screen renders state; the frame asks it for its primary action and its spoken text."""

    frame_changed = Signal()  # a view inside the screen changed what the frame should show

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__()
        self.ctx = ctx

    @property
    def journey(self) -> Journey:
        return self.ctx.journey

    def show_state(self, state: FlowState) -> None:
        raise NotImplementedError

    def primary_text(self, state: FlowState) -> Text | None:
        """Label of the bottom-right button, or None to hide it."""
        return None

    def on_primary(self) -> None:
        self.journey.next()

    def has_back(self, state: FlowState) -> bool:
        return True

    def spoken(self, state: FlowState) -> str:
        """What 'Nghe lại' reads aloud."""
        step = state.step
        if step is not None:
            return (step.say or step.title).get(state.language)
        return ""
