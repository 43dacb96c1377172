"""What every screen has in common, and what it tells the frame around it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from kiosk.flow.journey import Journey
from kiosk.flow.state import FlowState
from kiosk.text import Text


@dataclass
class ScreenContext:
    """What screens get besides the state: the journey to send intents to, and demo shortcuts.
    Rules and settings (appointment days, ways to pay) are the journey's, carried in its state."""

    journey: Journey
    station_name: str = ""  # the top bar names the station (config `station.name`)
    demo_cards: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    demo_passports: list[tuple[str, Callable[[], None]]] = field(default_factory=list)


class Screen(QWidget):
    """A screen renders state; the frame asks it for its primary action and its spoken text."""

    frame_changed = Signal()  # a view inside the screen changed what the frame should show
    say = Signal(str)  # to be said now, apart from any state change (a menu tile's first touch)
    # Kept at the session wipe (its `wipe` run) rather than destroyed and built again: for screens
    # slow to make that hold nothing of a citizen's or wipe all of it themselves. A kept screen
    # stays in the idle kiosk's memory once a session has shown it.
    kept: ClassVar[bool] = False

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__()
        self.ctx = ctx

    @property
    def journey(self) -> Journey:
        return self.ctx.journey

    def show_state(self, state: FlowState) -> None:
        raise NotImplementedError

    def prepare(self, state: FlowState) -> bool:
        """Make one more part ahead, for the idle kiosk or the session in `state` (the window
        calls it once per turn of the event loop, while nobody touches, until it returns False):
        a touch then does not wait for it to be made."""
        return False

    def wipe(self) -> None:
        """The session wipe of a `kept` screen: nothing of the citizen's may be left in it."""

    def primary_text(self, state: FlowState) -> Text | None:
        """Label of the bottom-right button, or None to hide it."""
        return None

    def on_primary(self) -> None:
        self.journey.next()

    def on_back(self) -> None:
        """Back (bottom-left): a screen with steps of its own goes back through them first."""
        self.journey.back()

    def has_back(self, state: FlowState) -> bool:
        return True

    def spoken(self, state: FlowState) -> str:
        """The screen's prompt: said on arriving (kiosk.voice_cues) and by 'Nghe lại'."""
        step = state.step
        if step is not None:
            return (step.say or step.title).get(state.language)
        return ""
