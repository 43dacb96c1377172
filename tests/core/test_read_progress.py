"""A card read reports every step it takes; the screen hears of each new stage (the voice says it)
and, within one, at most every `PROGRESS_EVERY_S` (each report re-rendered the whole window:
~70 ms of the UI thread a read)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from kiosk import controller
from kiosk.app import scripted
from kiosk.app.root import build_app
from kiosk.config import load_config
from kiosk.flow.state import CardPhase, FlowState, Phase
from kiosk.ports.card import ReadProgress
from kiosk.runner import InlineRunner

REPORTS = 200


def test_progress_reaches_the_journey_at_most_every_forty_milliseconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]  # a report every millisecond of this clock

    def monotonic() -> float:
        clock[0] += 0.001
        return clock[0]

    monkeypatch.setattr(controller.time, "monotonic", monotonic)
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    app = build_app(config, InlineRunner())
    reader = app.card_reader()
    real_read = reader.read

    def chatty(key: Any, progress: Any = None, **kwargs: Any) -> Any:
        for done in range(REPORTS):
            progress(ReadProgress("DG2", done, REPORTS))
        return real_read(key, None, **kwargs)  # the read itself reports nothing more

    reader.read = chatty  # type: ignore[method-assign]
    heard: list[float] = []

    def seen(state: FlowState) -> None:
        reading = state.card.phase is CardPhase.READING and state.card.stage == "DG2"
        if reading and (not heard or heard[-1] != state.card.progress):
            heard.append(state.card.progress)

    app.journey.subscribe(seen)
    app.controller.start()
    try:
        state = scripted.submit_as_citizen(app)
    finally:
        app.controller.stop()
        app.close()
    assert state.phase is Phase.DONE  # the read went through as before
    every = round(controller.PROGRESS_EVERY_S * 1000)  # reports: one a millisecond
    steps = [round((b - a) * REPORTS) for a, b in itertools.pairwise(heard)]
    assert heard[0] == 0.0 and len(heard) >= REPORTS // (every + 1)  # the first at once, then…
    assert all(step in (every, every + 1) for step in steps), steps  # …one every 40 (the clock's rounding)
