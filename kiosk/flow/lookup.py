"""The status screen's intents: "check my application" by a scanned slip or a typed code."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from kiosk.flow.effects import LookUp
from kiosk.flow.state import LookupState, Phase
from kiosk.flow.walk import Walk

if TYPE_CHECKING:
    from kiosk.status_result import StatusResult


class LookupIntents(Walk):
    def open_status(self) -> None:
        """From the idle screen: 'check my application' (while the database can be read)."""
        self.touch()
        if self._state.health.can_look_up:
            self._set(phase=Phase.STATUS, lookup=LookupState())

    def lookup_input(self, text: str) -> None:
        """What the citizen typed so far (the keypad) — not yet looked up."""
        self.touch()
        self._set(lookup=replace(self._state.lookup, text=text[:200], result=None))

    def lookup_submit(self, text: str | None = None) -> None:
        """Look up `text` (a scanner line) or what was typed."""
        self.touch()
        if self._state.phase is not Phase.STATUS:
            self._set(phase=Phase.STATUS, lookup=replace(self._state.lookup, result=None))
        lookup = self._state.lookup
        query = (text if text is not None else lookup.text).strip()
        if not query or lookup.busy:
            return
        self._effects.append(LookUp(query))
        self._set(lookup=replace(lookup, text=query if text is None else lookup.text, busy=True))

    def lookup_done(self, result: StatusResult) -> None:
        if self._state.phase is Phase.STATUS:
            self._set(lookup=replace(self._state.lookup, busy=False, result=result))
