"""bench/novice.py's driver, bounded to one journey: the scripted novice taps a temporary absence
from idle to the printed receipt through the real window, and its counts add up. Nothing here is
timed: the bench measures the seconds (bench/README_voice.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.novice import Ear, Run, Said, Tap, drive, named, speech_waits
from kiosk.config import load_config
from tests.e2e.conftest import PAYMENT
from ui.app import KioskUi


def test_novice_reaches_the_printed_receipt(qtbot: Any, tmp_path: Path) -> None:
    config = load_config(overrides={"paths.data_dir": str(tmp_path), **PAYMENT}, demo=True, environ={})
    ear = Ear()
    ui = KioskUi(config, windowed=True, voice=ear)  # the station's side on a thread of this process
    qtbot.addWidget(ui.window)
    ui.show()
    ui.window.resize(1366, 768)
    try:
        run = drive(ui, ear, "absence")
        assert ui.app.side is not None
        stored = ui.app.side.store().get(run.tracking_code)
    finally:
        ui.close()
    assert run.print_state == "printed"
    assert stored is not None and stored.dossier is not None and stored.dossier.service_code == "1.003677"
    assert stored.dossier.fields["reason"] == "family"  # the novice's own answer, not a sample
    summary = run.summary()
    first = ["idle", "menu", "intro/intro", "consent/consent", "card/card", "identity/identity"]
    assert run.places[:6] == first
    assert "review/review" in run.places and run.places[-1] == "done"
    assert summary["taps"] == len(run.taps) == sum(summary["taps_by_place"].values())
    assert {tap.place for tap in run.taps} <= set(run.places)
    assert summary["taps_by_place"]["card/card"] >= 12  # the card's twelve digits, each a tap
    assert not run.silent, f"the novice arrived where nothing was said: {run.silent}"
    assert run.said and all(run.start <= s.at <= run.printed for s in run.said)


def test_a_later_utterance_cuts_an_earlier_one() -> None:
    run = Run("absence", start=0.0, printed=10.0)
    run.taps = [Tap(0.0, "a", "x", False, False), Tap(1.0, "b", "y", True, False)]
    run.said = [Said(0.1, "long", "vi"), Said(0.2, "short", "vi"), Said(1.5, "after b", "vi")]
    # Before tap b: "short" (cut "long") ends at 0.2 + 1.3 = 1.5, so 0.5 s of waiting; after it,
    # "after b" ends at 1.5 + 20 = 21.5, 11.5 s after the receipt came out at 10.
    waits = speech_waits(run, [5.0, 1.3, 20.0])
    assert waits == [(pytest.approx(0.5), pytest.approx(1.5)), (pytest.approx(11.5), pytest.approx(20.5))]


def test_a_card_laid_on_the_reader_waits_for_the_prompt_too() -> None:
    run = Run("absence", start=0.0, printed=10.0)
    run.taps = [Tap(0.0, "Đồng ý", "consent", True, False), Tap(2.0, "0", "card", False, False)]
    run.placed = [(1.0, "card")]
    run.said = [Said(0.1, "place the card", "vi"), Said(1.1, "card seen, type its digits", "vi")]
    # The card is laid once "place the card" (4 s from 0.1) is out: 3.1 s; the first digit once
    # "card seen" (2 s from 1.1) is: 1.1 s; nothing said after it.
    waits = speech_waits(run, [4.0, 2.0])
    assert [round(w, 6) for w, _gap in waits] == [3.1, 1.1, 0.0]
    assert run.summary([4.0, 2.0])["speech_wait_by_place"] == {"card": 4.2, "receipt": 0.0}


def test_a_go_on_button_is_named_by_its_name_or_its_place() -> None:
    assert named("Tiếp tục", "Khách đến ngày nào? Rồi bấm Tiếp tục")
    assert named("Tiếp tục", "Xong thì bấm nút Tiếp tục ở góc dưới bên phải")
    assert named("Đúng, tiếp tục", "Đây có phải là Ông/Bà không? Nếu đúng, bấm nút ở góc dưới bên phải")
    assert not named("Tiếp tục", "Khách đến ngày nào?")
    assert not named("Gửi hồ sơ", "Bấm Thêm khách")
