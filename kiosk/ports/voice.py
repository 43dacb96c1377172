"""The voice port: the core (through the screens) says what to speak; a backend speaks it."""

from __future__ import annotations

from typing import Protocol


class Voice(Protocol):
    def say(self, text: str, language: str) -> None: ...


class Silent:
    """No speech: tests, the tour, and stations without a speech engine."""

    def say(self, text: str, language: str) -> None:
        pass
