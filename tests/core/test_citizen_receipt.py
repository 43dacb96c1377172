"""A citizen's receipt at the kiosk: stored with the dossier, printed for them alone, retried by
the station worker while they wait at the done screen, and left for an officer once they have gone.

The whole kiosk as `build_app` wires it (journey, controller, emulated card, SQLite, PDF printer,
worker tasks), run inline; the "printer" is a receipts folder that cannot be written until the
test removes the file standing in its way (the paper is loaded).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader

from devices.printer.sample import sample_receipt
from kiosk.app import scripted
from kiosk.app.root import KioskApp, build_app
from kiosk.config import load_config
from kiosk.flow.state import Phase
from kiosk.runner import InlineRunner
from kiosk.trackcode import display, new_code


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    """A file where the receipts folder's parent should be: printing fails until it is removed."""
    blocker = tmp_path / "printer"
    blocker.write_text("no paper")
    return blocker


@pytest.fixture
def app(tmp_path: Path, paper: Path) -> KioskApp:
    settings = {"paths.data_dir": str(tmp_path / "data"), "printer.pdf_dir": str(paper / "receipts")}
    app = build_app(load_config(overrides=settings, demo=True, environ={}), InlineRunner())
    app.controller.start()
    return app


def load_paper(paper: Path) -> None:
    paper.unlink()


def receipts(paper: Path) -> list[str]:
    """The names printed so far, in print order."""
    files = sorted((paper / "receipts").glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns)
    return [" ".join(PdfReader(f).pages[0].extract_text().split()) for f in files]


def submit_as_citizen(app: KioskApp) -> str:
    state = scripted.submit_as_citizen(app)
    assert state.phase is Phase.DONE, state
    return state.review.tracking_code


def retry_task(app: KioskApp):  # type: ignore[no-untyped-def]
    [task] = [t for t in app.worker.tasks if t.name == "print-retry"]
    return task


def test_the_waiting_citizens_receipt_prints_when_paper_is_loaded(app: KioskApp, paper: Path) -> None:
    name = app.demo_profiles[0].holder.full_name
    # A receipt an earlier citizen left waiting (they have gone: it is for an officer).
    stranger = dataclasses.replace(
        sample_receipt(), tracking_code=display(new_code()), citizen_name="Giàng A Sử"
    )
    app.side.print_queue().enqueue(stranger)

    code = submit_as_citizen(app)
    assert app.journey.state().review.print_state == "failed"  # paper out: "an officer will help"
    [waiting] = [job for job in app.print_queue().pending() if job.tracking_code == code]
    assert waiting.attempts == 1

    assert not retry_task(app).run().printed  # still no paper: nothing printed, still waiting
    load_paper(paper)
    assert retry_task(app).run().printed == 1
    assert app.journey.state().review.print_state == "printed"  # the done screen says "take your slip"
    printed = receipts(paper)
    assert len(printed) == 1 and name in printed[0] and display(code) in printed[0]
    assert "Giàng A Sử" not in printed[0]
    assert [job.tracking_code for job in app.print_queue().pending()] == [
        stranger.tracking_code.replace("-", "")
    ]


def test_once_the_citizen_has_gone_their_receipt_waits_for_an_officer(app: KioskApp, paper: Path) -> None:
    code = submit_as_citizen(app)
    assert app.journey.state().review.print_state == "failed"
    app.journey.reset()  # the session is wiped (timeout, or "Xong")
    load_paper(paper)
    submit_as_citizen(app)  # the next citizen: their own receipt prints, and only theirs
    assert app.journey.state().review.print_state == "printed"
    assert retry_task(app).run().idle  # the worker does not print the one left behind
    assert len(receipts(paper)) == 1
    assert [job.tracking_code for job in app.print_queue().pending()] == [code]

    report = app.print_queue().print_pending()  # an officer: `kiosk print again`
    assert report.printed == 1 and app.print_queue().pending() == []
    assert display(code) in receipts(paper)[-1]


def test_the_dossier_and_its_receipt_are_stored_before_the_code_is_shown(app: KioskApp) -> None:
    code = submit_as_citizen(app)
    stored = app.side.store().get(code)
    assert stored is not None and stored.dossier is not None
    assert [job.tracking_code for job in app.print_queue().pending()] == [code]  # queued, not lost
    assert [item.target for item in app.side.store().pending()] == ["local"]
