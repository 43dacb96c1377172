"""The card-removed prompt (issue 11, row 8g of docs/issue-11-checklist.md): "Ông/Bà đã nhấc thẻ
ra. Ông/Bà đã xong chưa?" highlights the answer that keeps what was typed ("Chưa, làm tiếp"), not
the one that wipes the session ("Xong, kết thúc"). A citizen who cannot read presses the
highlighted button; it must not throw their answers away.

Through the real window: the card is lifted from the emulated reader after the first question."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton

from kiosk import phrases
from kiosk.flow.state import Phase
from tests.e2e.conftest import Citizen
from tests.waits import WAIT_MS
from ui.app import KioskUi

ABSENCE = "1.003677"
NAME = "Trần Văn Đức"
PRIMARY_BLUE = QColor("#0B3D91")  # QPushButton#primary's background in ui/themes/normal.qss


def card_lifted_after_an_answer(qtbot: Any, ui: KioskUi) -> Citizen:
    """Temporary absence with its destination answered, on the dates step; then the card lifted."""
    person = Citizen(qtbot, ui)
    profile = next(p for p in ui.app.demo_profiles if p.holder.full_name == NAME)
    person.start(ABSENCE, profile)
    person.wait_for("form")
    person.answer_step()
    person.next()
    qtbot.waitUntil(lambda: step_id(person) == "dates")
    assert "destination" in person.state().form.values
    ui.app.card_reader().remove()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: person.state().ask_done, timeout=WAIT_MS)
    qtbot.waitUntil(ui.window.overlay.isVisible, timeout=WAIT_MS)
    return person


def step_id(person: Citizen) -> str | None:
    step = person.state().step
    return step.id if step is not None else None


def answers(ui: KioskUi) -> list[QPushButton]:
    return [b for b in ui.window.overlay.buttons.findChildren(QPushButton) if b.isVisible()]


def most_drawn(button: QPushButton) -> QColor:
    """The colour most of the button is painted in (its background, around the words)."""
    image = button.grab().toImage()
    counts = Counter(
        image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
    )
    return QColor.fromRgb(counts.most_common(1)[0][0])


def test_the_highlighted_answer_keeps_going(qtbot: Any, kiosk_ui: KioskUi) -> None:
    person = card_lifted_after_an_answer(qtbot, kiosk_ui)
    assert kiosk_ui.window.overlay.title.text() == phrases.ASK_DONE.get("vi")
    shown = answers(kiosk_ui)
    assert sorted(b.text() for b in shown) == sorted(
        [phrases.ASK_DONE_YES.get("vi"), phrases.ASK_DONE_NO.get("vi")]
    )
    (primary,) = [b for b in shown if b.objectName() == "primary"]
    assert primary.text() == phrases.ASK_DONE_NO.get("vi")  # "Chưa, làm tiếp"
    (other,) = [b for b in shown if b is not primary]
    # As seen: the keep-going answer is painted in the primary blue, the wiping one is not.
    assert most_drawn(primary) == PRIMARY_BLUE
    assert most_drawn(other) != PRIMARY_BLUE

    person.tap(primary)
    assert not kiosk_ui.window.overlay.isVisible()
    state = person.state()
    assert state.phase is Phase.STEP and step_id(person) == "dates"
    assert "destination" in state.form.values  # the answer typed before is still there


def test_the_other_answer_ends_the_session(qtbot: Any, kiosk_ui: KioskUi) -> None:
    person = card_lifted_after_an_answer(qtbot, kiosk_ui)
    (finish,) = [b for b in answers(kiosk_ui) if b.text() == phrases.ASK_DONE_YES.get("vi")]
    person.tap(finish)
    person.wait_for("idle")
    assert "destination" not in person.state().form.values
