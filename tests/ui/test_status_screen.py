"""The status screen with a real journey, a real SQLite store and slip key: keypad, scanner, results.

Lookups run through `InlineRunner`, as the controller runs them (on the calling thread here).
Scans are simulated as a keyboard-wedge scanner types them: `qtbot.keyClicks` with no delay is a
burst far faster than the 30 ms per key that separates scanners from people.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from db import migrate
from db.dossiers import SqlDossierRepository
from db.engine import make_engine
from db.models import DossierRow
from kiosk.catalog import load_catalog
from kiosk.dossier import Dossier
from kiosk.flow.effects import LookUp
from kiosk.flow.journey import Journey
from kiosk.flow.state import Phase
from kiosk.outbox import DossierStore
from kiosk.runner import InlineRunner
from kiosk.sealing import KEY_SIZE, Sealer
from kiosk.slip import SlipSigner
from kiosk.status import LookupOutcome, StatusLookup, StatusResult
from kiosk.trackcode import check_char, display
from tests.waits import WAIT_MS
from ui.scan_filter import ScanKeyFilter
from ui.screens.base import ScreenContext
from ui.screens.status import StatusScreen
from ui.theme import Metrics, load_fonts, stylesheet

T0 = dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)
STATION = "HCM-Q1-03"
STORED = "7K3QXM9T2" + check_char("7K3QXM9T2")
TAM_VANG = "1.003677"
SHOTS = Path(os.environ.get("STATUS_SCREENSHOTS", "/tmp/status_screen"))
CITIZEN = json.loads(Path("/work/shared/data/citizens.json").read_text("utf-8"))["citizens"][1]  # a man


class Clock:
    def __call__(self) -> dt.datetime:
        return dt.datetime(2026, 11, 26, 9, 0)


class Kiosk:
    """Journey + lookup wiring as the controller does it, and the status screen on its own."""

    def __init__(self, tmp_path: Path, qtbot, large_text: bool = False) -> None:  # type: ignore[no-untyped-def]
        url = f"sqlite:///{tmp_path / 'kiosk.db'}"
        migrate.upgrade(url)
        self.engine = make_engine(url)
        sealer = Sealer(os.urandom(KEY_SIZE))
        store = DossierStore(SqlDossierRepository(self.engine, "kiosk-1"), sealer, clock=lambda: T0)
        store.submit(Dossier(STORED, TAM_VANG, 1, STATION, T0, fields={}, holder={"full_name": "A"}))
        self.signer = SlipSigner(bytes(range(32)), STATION)
        self.lookup = StatusLookup(store, self.signer)
        self.runner = InlineRunner()
        self.journey = Journey(load_catalog(), Clock())
        self.journey.subscribe(lambda _state: self._drain())
        load_fonts()
        self.screen = StatusScreen(ScreenContext(self.journey))
        self.screen.setStyleSheet(stylesheet("normal", Metrics.of(1366, 768), large_text))
        self.journey.subscribe(self.screen.show_state)
        qtbot.addWidget(self.screen)
        self.screen.resize(1250, 520)  # what the window leaves a screen at 1366×768

    def _drain(self) -> None:
        for effect in self.journey.take_effects():
            if isinstance(effect, LookUp):
                self.runner.run(
                    lambda text=effect.text: self.lookup(text),
                    self.journey.lookup_done,
                    lambda exc: self.journey.lookup_done(StatusResult(LookupOutcome.UNKNOWN)),
                )

    def set_status(self, status: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.update(DossierRow).values(status=status))


@pytest.fixture
def kiosk(qtbot, tmp_path: Path) -> Kiosk:  # type: ignore[no-untyped-def]
    kiosk = Kiosk(tmp_path, qtbot)
    kiosk.journey.open_status()
    kiosk.screen.show()
    qtbot.waitExposed(kiosk.screen)
    return kiosk


@pytest.fixture
def scanner(kiosk: Kiosk) -> Iterator[ScanKeyFilter]:
    scan_filter = ScanKeyFilter.for_journey(kiosk.journey)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(scan_filter)
    yield scan_filter
    app.removeEventFilter(scan_filter)


def shoot(widget: QWidget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # pending layout requests first, as a real paint would
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def press(qtbot, kiosk: Kiosk, keys: str) -> None:  # type: ignore[no-untyped-def]
    for ch in keys:
        key = kiosk.screen.keypad.keys[ch]
        assert key.isVisible() and key.isEnabled()
        qtbot.mouseClick(key, Qt.MouseButton.LeftButton)


def texts(kiosk: Kiosk) -> str:
    screen = kiosk.screen
    return " | ".join(w.text() for w in (screen.result_title, screen.result_detail, screen.result_when))


def test_typing_on_the_keypad_then_look_up(qtbot, kiosk: Kiosk) -> None:  # type: ignore[no-untyped-def]
    screen = kiosk.screen
    assert screen.code.text() == "•••••-•••••"
    assert screen.primary_text(kiosk.journey.state()) is None  # nothing to look up yet
    press(qtbot, kiosk, STORED[:7])
    assert screen.code.text() == f"{STORED[:5]}-{STORED[5:7]}•••"
    qtbot.mouseClick(screen.keypad.erase_button, Qt.MouseButton.LeftButton)
    press(qtbot, kiosk, STORED[6:] + "Z")  # an eleventh key is ignored
    assert kiosk.journey.state().lookup.text == STORED
    assert screen.code.text() == display(STORED)
    primary = screen.primary_text(kiosk.journey.state())
    assert primary is not None and primary.get("vi") == "Tra cứu"
    shoot(screen, "typed")

    screen.on_primary()  # what the window's primary button does
    result = kiosk.journey.state().lookup.result
    assert result is not None and result.outcome is LookupOutcome.FOUND
    assert screen.result_box.isVisible()
    assert "Đã tiếp nhận" in texts(kiosk) and "Nộp ngày 24/11/2026" in texts(kiosk)
    assert "Khai báo tạm vắng" in texts(kiosk)
    assert screen.spoken(kiosk.journey.state()).startswith("Đã tiếp nhận.")
    shoot(screen, "found_received")

    qtbot.mouseClick(screen.keypad.clear_button, Qt.MouseButton.LeftButton)
    assert kiosk.journey.state().lookup.text == "" and screen.code.text() == "•••••-•••••"
    assert not screen.result_box.isVisible()  # typing again clears the old answer


def test_only_the_crockford_alphabet_has_keys(kiosk: Kiosk) -> None:
    keys = set(kiosk.screen.keypad.keys)
    assert keys == set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert not keys & set("ILOU")


@pytest.mark.parametrize(
    ("status", "headline", "picture"),
    [
        ("received", "Đã tiếp nhận", "hourglass"),
        ("processing", "Đang xử lý", "hourglass"),
        ("needs_info", "Cần bổ sung — Ông/Bà xem lời nhắn", "officer"),
        ("done", "Đã có kết quả — Ông/Bà đến nhận tại quầy", "check"),
        ("rejected", "Không được chấp nhận — Ông/Bà hỏi cán bộ", "officer"),
    ],
)
def test_each_status_in_plain_words(qtbot, kiosk: Kiosk, status: str, headline: str, picture: str) -> None:  # type: ignore[no-untyped-def]
    kiosk.set_status(status)
    kiosk.journey.lookup_submit(kiosk.signer.sign(STORED))
    screen = kiosk.screen
    assert screen.result_title.text() == headline
    assert screen._picture_name == picture
    assert screen.code.text() == display(STORED)  # the scanned slip's code is shown
    assert screen.spoken(kiosk.journey.state()).startswith(headline)
    shoot(screen, f"found_{status}")


def test_the_officers_note_is_shown_and_read_with_the_status(qtbot, kiosk: Kiosk) -> None:  # type: ignore[no-untyped-def]
    with kiosk.engine.begin() as conn:  # as the console's status change leaves it (kiosk.desk)
        conn.execute(
            sa.update(DossierRow).values(status="needs_info", note_for_citizen="Mang theo sổ tạm trú")
        )
    kiosk.journey.lookup_submit(kiosk.signer.sign(STORED))
    screen = kiosk.screen
    assert "Lời nhắn của cán bộ: Mang theo sổ tạm trú" in screen.result_detail.text()
    assert "Mang theo sổ tạm trú" in screen.spoken(kiosk.journey.state())
    shoot(screen, "found_needs_info_note")


def test_wrong_check_character_says_check_the_code(qtbot, kiosk: Kiosk) -> None:  # type: ignore[no-untyped-def]
    wrong = STORED[:-1] + ("0" if STORED[-1] != "0" else "1")
    press(qtbot, kiosk, wrong)
    kiosk.screen.on_primary()
    assert kiosk.screen.result_title.text() == "Mã chưa đúng, Ông/Bà kiểm tra lại"
    assert kiosk.screen.result_detail.objectName() == "error"  # said in red, next to the code
    shoot(kiosk.screen, "mistyped")


def test_wedge_scan_of_a_slip(qtbot, kiosk: Kiosk, scanner: ScanKeyFilter) -> None:  # type: ignore[no-untyped-def]
    payload = kiosk.signer.sign(STORED)
    qtbot.keyClicks(kiosk.screen, payload)  # a burst: microseconds between keys
    qtbot.keyClick(kiosk.screen, Qt.Key.Key_Return)
    assert scanner.scans == [payload]
    result = kiosk.journey.state().lookup.result
    assert result is not None and result.outcome is LookupOutcome.FOUND
    assert kiosk.journey.state().lookup.text == ""  # none of the scanner's keys were typed
    assert kiosk.screen.code.text() == display(STORED)


def test_wedge_scan_of_a_forged_slip(qtbot, kiosk: Kiosk, scanner: ScanKeyFilter) -> None:  # type: ignore[no-untyped-def]
    forged = SlipSigner(os.urandom(32), STATION).sign(STORED)
    qtbot.keyClicks(kiosk.screen, forged)
    qtbot.keyClick(kiosk.screen, Qt.Key.Key_Return)
    assert kiosk.screen.result_title.text() == "Phiếu không hợp lệ"
    assert kiosk.screen.code.text() == "•••••-•••••"  # the forged code is not echoed
    shoot(kiosk.screen, "forged")


def test_person_at_a_usb_keyboard_types_the_code(qtbot, kiosk: Kiosk, scanner: ScanKeyFilter) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(kiosk.screen, display(STORED).lower(), delay=60)  # a quick typist: 60 ms a key
    qtbot.waitUntil(lambda: kiosk.journey.state().lookup.text == STORED, timeout=2000)
    assert scanner.scans == []
    qtbot.keyClick(kiosk.screen, Qt.Key.Key_Return, delay=60)
    result = kiosk.journey.state().lookup.result
    assert result is not None and result.outcome is LookupOutcome.FOUND


def test_typing_then_a_scan(qtbot, kiosk: Kiosk, scanner: ScanKeyFilter) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(kiosk.screen, "AB", delay=80)
    qtbot.waitUntil(lambda: kiosk.journey.state().lookup.text == "AB", timeout=2000)
    qtbot.wait(80)
    qtbot.keyClicks(kiosk.screen, kiosk.signer.sign(STORED))
    qtbot.keyClick(kiosk.screen, Qt.Key.Key_Enter)
    assert len(scanner.scans) == 1
    result = kiosk.journey.state().lookup.result
    assert result is not None and result.outcome is LookupOutcome.FOUND
    assert kiosk.journey.state().lookup.text == "AB"  # what the person typed stays


def test_id_card_qr_on_the_status_screen(qtbot, kiosk: Kiosk, scanner: ScanKeyFilter) -> None:  # type: ignore[no-untyped-def]
    line = "|".join([CITIZEN["id"], CITIZEN["old_id"], "Lo Van Un", "02091955", "Nam", "Son La", "21072021"])
    qtbot.keyClicks(kiosk.screen, line)
    qtbot.keyClick(kiosk.screen, Qt.Key.Key_Return)
    assert kiosk.screen.result_title.text() == "Đây là mã trên thẻ căn cước"
    shoot(kiosk.screen, "id_card")


def test_slip_scanned_on_the_idle_screen_opens_the_status(
    qtbot, kiosk: Kiosk, scanner: ScanKeyFilter
) -> None:  # type: ignore[no-untyped-def]
    kiosk.journey.reset()
    assert kiosk.journey.state().phase is Phase.IDLE
    qtbot.keyClicks(kiosk.screen, kiosk.signer.sign(STORED))
    qtbot.keyClick(kiosk.screen, Qt.Key.Key_Return)
    assert kiosk.journey.state().phase is Phase.STATUS
    result = kiosk.journey.state().lookup.result
    assert result is not None and result.outcome is LookupOutcome.FOUND


def test_english(qtbot, kiosk: Kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk.journey.set_language("en")
    assert kiosk.screen.instruction.text() == "Scan the QR code on your slip or type the code"
    kiosk.set_status("done")
    kiosk.journey.lookup_submit(kiosk.signer.sign(STORED))
    assert kiosk.screen.result_title.text() == "Ready — please collect it at the counter"
    shoot(kiosk.screen, "found_done_en")


@pytest.mark.parametrize("large_text", [False, True])
def test_fits_1366x768(qtbot, tmp_path: Path, large_text: bool) -> None:  # type: ignore[no-untyped-def]
    kiosk = Kiosk(tmp_path, qtbot, large_text=large_text)
    kiosk.journey.open_status()
    kiosk.set_status("rejected")
    kiosk.journey.set_language("en")  # the longer texts
    kiosk.journey.lookup_submit(kiosk.signer.sign(STORED))
    kiosk.screen.show()
    qtbot.waitExposed(kiosk.screen)
    layout = kiosk.screen.layout()
    assert layout is not None
    width = kiosk.screen.width()
    needed = (
        layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.minimumSize().height()
    )
    # The frame's bars are one 16 mm row each (ui/theme.py): 768 − 2 × 76 leaves 616 px; 600 keeps a margin.
    assert needed <= 600, f"needs {needed} px of 600"
    assert layout.minimumSize().width() <= 1250
    for key in kiosk.screen.keypad.keys.values():
        assert key.height() >= 46 and key.width() >= 46  # ≥ 12 mm on a 15.6" 1366×768 panel
    shoot(kiosk.screen, f"fit_{'large' if large_text else 'normal'}")


def test_id_card_qr_at_the_card_step_fills_the_number(qtbot, kiosk: Kiosk, scanner: ScanKeyFilter) -> None:  # type: ignore[no-untyped-def]
    journey = kiosk.journey
    journey.reset()
    journey.start()
    journey.choose_service(TAM_VANG)
    for _ in range(5):
        if journey.state().screen == "card":
            break
        if journey.state().screen == "consent":
            journey.consent(True)  # type: ignore[attr-defined,unused-ignore]
        else:
            journey.next()
    assert journey.state().screen == "card" and journey.state().card.id_number == ""
    line = "|".join(
        [
            CITIZEN["id"],
            CITIZEN["old_id"],
            CITIZEN["name"],
            CITIZEN["dob"].replace("/", ""),
            CITIZEN["sex"],
            CITIZEN["residence"],
            CITIZEN["issued"].replace("/", ""),
        ]
    )
    # A keyboard wedge cannot type most Vietnamese letters (nor can QTest): they are lost.
    typed = "".join(ch for ch in line if ord(ch) < 128)
    qtbot.keyClicks(kiosk.screen, typed)
    qtbot.keyClick(kiosk.screen, Qt.Key.Key_Return)
    assert scanner.scans == [typed]
    assert journey.state().card.id_number == CITIZEN["id"]
    assert journey.state().screen == "card"  # still there: the number fills, the read starts


def test_in_the_kiosk_window_at_1366x768(qtbot, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Inside the real frame (top bar, Back, primary button), with the app's own lookup wiring."""
    from kiosk.config import load_config
    from ui import window
    from ui.app import KioskUi

    from .conftest import RecordingVoice

    monkeypatch.setitem(window.SCREENS, "status", "ui.screens.status:StatusScreen")
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    voice = RecordingVoice()
    ui = KioskUi(config, windowed=True, voice=voice)
    qtbot.addWidget(ui.window)
    ui.window.resize(1366, 768)
    ui.show()
    try:
        ui.app.journey.open_status()
        screen = ui.window.current_screen()
        assert isinstance(screen, StatusScreen)
        assert voice.said[-1][0] == "Quét mã QR trên phiếu hoặc nhập mã hồ sơ"
        for ch in STORED:
            qtbot.mouseClick(screen.keypad.keys[ch], Qt.MouseButton.LeftButton)
        assert ui.window.primary_button.isVisible() and ui.window.primary_button.text() == "Tra cứu"
        qtbot.mouseClick(ui.window.primary_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: ui.app.journey.state().lookup.result is not None, timeout=WAIT_MS)
        assert screen.result_title.text() == "Không tìm thấy hồ sơ"  # an empty station database
        qtbot.waitUntil(lambda: ui.window.overflow() == 0, timeout=2000)  # once the layout settles
        layout = screen.layout()
        assert layout is not None and layout.minimumSize().width() <= 1366
        shoot(ui.window, "window_unknown")
        ui.window.speak()
        assert voice.said[-1][0].startswith("Không tìm thấy hồ sơ.")
        qtbot.mouseClick(ui.window.back_button, Qt.MouseButton.LeftButton)
        assert ui.app.journey.state().phase is Phase.IDLE
    finally:
        ui.close()


def test_bursts_into_a_text_box(qtbot, kiosk: Kiosk, scanner: ScanKeyFilter) -> None:  # type: ignore[no-untyped-def]
    """Mid-application: a slip never lands in a text box; text nobody wants is typed as usual."""
    from PySide6.QtWidgets import QLineEdit

    kiosk.journey.reset()
    kiosk.journey.start()
    kiosk.journey.choose_service(TAM_VANG)
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    before = kiosk.journey.state()
    qtbot.keyClicks(edit, kiosk.signer.sign(STORED))
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.text() == "" and kiosk.journey.state() == before  # swallowed, and ignored here
    qtbot.keyClicks(edit, "Thon 3 Xa Tam Thang")  # fast, but means nothing to the kiosk
    qtbot.waitUntil(lambda: edit.text() == "Thon 3 Xa Tam Thang", timeout=2000)
    qtbot.keyClicks(edit, " x", delay=50)
    qtbot.waitUntil(lambda: edit.text() == "Thon 3 Xa Tam Thang x", timeout=2000)
