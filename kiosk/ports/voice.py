"""The voice port: the core (through the screens) says what to speak; a backend speaks it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class Voice(Protocol):
    def say(self, text: str, language: str) -> None: ...


class Silent:
    """No speech: tests, the tour, and stations without a speech engine."""

    def say(self, text: str, language: str) -> None:
        pass


@runtime_checkable
class Loudness(Protocol):
    """A voice whose volume the screen can set (the clip voice): 0 silent .. 100 full."""

    @property
    def volume(self) -> int: ...

    def set_volume(self, percent: int) -> None: ...
