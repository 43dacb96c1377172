"""Faults injected before each step of a citizen's journey, through the whole kiosk (`build_app`,
in this process): the database locked by another writer, a truncated data key or slip key, the
printer gone. The fault lasts until the journey ends at "Gửi"; then it is cleared and the citizen
taps "Gửi lại" if told it failed. Each case ends with the database holding exactly the confirmed
submissions, each with its receipt job, and every shown code's receipt printed exactly once.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import db.engine
from kiosk.app.root import KioskApp, build_app
from kiosk.app.scripted import journey_steps, submit_as_citizen
from kiosk.config import load_config
from kiosk.flow.state import Phase
from kiosk.runner import InlineRunner

STEPS = [
    "start", "choose service", "begin", "consent", "read card", "confirm identity",
    "destination", "dates", "reason", "submit",
]  # fmt: skip


def make_app(data_dir: Path) -> KioskApp:
    settings = {
        "paths.data_dir": str(data_dir),
        "printer.pdf_dir": str(data_dir / "printer" / "receipts"),
        "station.kiosk_id": "kiosk-1",
    }
    app = build_app(load_config(overrides=settings, demo=True, environ={}), InlineRunner())
    app.controller.start()
    return app


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A station that has served one citizen already (database, keys, catalog cache)."""
    data = tmp_path_factory.mktemp("template") / "data"
    state = submit_as_citizen(make_app(data))
    assert state.phase is Phase.DONE
    return data, state.review.tracking_code


@dataclass
class Fault:
    data: Path
    undo: list[Callable[[], None]] = field(default_factory=list)

    def clear(self) -> None:
        while self.undo:
            self.undo.pop()()


def lock_database(fault: Fault) -> None:
    conn = sqlite3.connect(fault.data / "kiosk.sqlite3", isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")  # another writer holds the lock: an officer's tool, a backup
    fault.undo.append(conn.close)


def truncate(name: str) -> Callable[[Fault], None]:
    def inject(fault: Fault) -> None:
        path = fault.data / name
        good = path.read_bytes()
        path.write_bytes(good[:31])
        fault.undo.append(lambda: path.write_bytes(good))

    return inject


def remove(name: str) -> Callable[[Fault], None]:
    def inject(fault: Fault) -> None:
        path = fault.data / name
        good = path.read_bytes()
        path.unlink()
        fault.undo.append(lambda: path.write_bytes(good))

    return inject


def printer_gone(fault: Fault) -> None:
    folder = fault.data / "printer"
    shutil.rmtree(folder, ignore_errors=True)
    folder.write_text("unplugged")  # the receipts folder cannot be made: every print fails
    fault.undo.append(folder.unlink)


FAULTS: dict[str, Callable[[Fault], None]] = {
    "database locked": lock_database,
    "data key missing": remove("data.key"),
    "data key truncated": truncate("data.key"),
    "slip key truncated": truncate("slip.key"),
    "printer gone": printer_gone,
}


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(db.engine, "BUSY_TIMEOUT_MS", 200)  # a locked database fails in 0.2 s, not 5
    yield


@pytest.mark.usefixtures("short_busy_timeout")
@pytest.mark.parametrize("step", range(len(STEPS)), ids=STEPS)
@pytest.mark.parametrize("kind", FAULTS)
def test_a_fault_before_a_step(
    kind: str, step: int, template: tuple[Path, str], tmp_path: Path, check_database: Any
) -> None:
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    earlier = template[1]
    app = make_app(data)  # the kiosk restarted: storage, keys and printer are opened when first used
    fault = Fault(data)
    steps = journey_steps(app)
    assert [name for name, _ in steps] == STEPS
    for index, (_name, tap) in enumerate(steps):
        if index == step:
            FAULTS[kind](fault)
        tap()
    state = app.journey.state()
    shown = []
    if state.phase is Phase.DONE:
        shown.append(state.review.tracking_code)
    else:
        assert state.screen == "review" and state.review.submit_error is not None  # the citizen is told
    fault.clear()
    if not shown:
        app.journey.next()  # "Gửi lại"
        state = app.journey.state()
        assert state.phase is Phase.DONE, state
        shown.append(state.review.tracking_code)
    check_database(data / "kiosk.sqlite3", [earlier, *shown])

    # The citizen's receipt: printed for them, or by the officer's next `kiosk print again`.
    if state.review.print_state != "printed":
        assert app.print_queue().print_pending().printed == 1
    assert app.print_queue().pending() == []
    printed = sorted(p.name for p in (data / "printer" / "receipts").glob("*.pdf"))
    assert [name[:11].replace("-", "") for name in printed].count(shown[0]) == 1
    for code in (earlier, shown[0]):  # all readable with the one station key
        stored = app.side.store().get(code)
        assert stored is not None and stored.dossier is not None, code
