"""A submission whose answer from the station worker is lost (the worker died after storing it, the
channel broke) tells the citizen it could not be sent; trying again sends the same dossier with the
same code, so it is stored once: nothing confirmed is lost, nothing is stored twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.app import scripted
from kiosk.app.channel import StationLost
from kiosk.app.root import build_app
from kiosk.config import load_config
from kiosk.flow.state import Phase
from kiosk.runner import InlineRunner


class AnswerLost:
    """The real store, whose first submission is stored and then its answer lost."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.codes: list[str] = []

    def submit(self, dossier: Any, receipt: Any = None) -> int | None:
        job = self._store.submit(dossier, receipt)
        self.codes.append(dossier.tracking_code)
        if len(self.codes) == 1:
            raise StationLost("the station worker's channel broke")
        return job  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_trying_again_after_a_lost_answer_stores_the_dossier_once(tmp_path: Path) -> None:
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    app = build_app(config, InlineRunner())
    assert app.side is not None
    real = app.side.store()
    flaky = AnswerLost(real)
    app.side.store = lambda: flaky  # type: ignore[assignment,method-assign]
    app.controller.start()
    try:
        state = scripted.submit_as_citizen(app)
        assert state.phase is not Phase.DONE and state.review.submit_error is not None  # "see the officer"
        app.journey.next()  # the citizen taps "Gửi" again
        state = app.journey.state()
    finally:
        app.controller.stop()
        app.close()
    assert state.phase is Phase.DONE
    assert flaky.codes == [state.review.tracking_code] * 2  # the same dossier, sent twice
    assert real.backlog() == 1  # and stored once
    assert state.review.print_state == "printed"


def test_other_answers_after_a_failure_are_a_new_dossier(tmp_path: Path) -> None:
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    app = build_app(config, InlineRunner())
    assert app.side is not None
    flaky = AnswerLost(app.side.store())
    app.side.store = lambda: flaky  # type: ignore[assignment,method-assign]
    app.controller.start()
    try:
        scripted.submit_as_citizen(app)
        app.journey.reset()  # the citizen left; the next one comes
        state = scripted.submit_as_citizen(app, profile_index=1)
    finally:
        app.controller.stop()
        app.close()
    assert state.phase is Phase.DONE
    assert len(set(flaky.codes)) == 2
