"""The payment panel: what a phone camera sees decodes to the payload, and three offers fit 1366×768."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.payment import PaymentOffer, PaymentOptions, parse_emv
from ui.theme import Metrics, load_fonts, stylesheet
from ui.widgets.payment_panel import QR_MIN_PX, QR_QUIET_MODULES, PaymentPanel, qr_pixmap

CODE = "HNR3FQM5QV"
BASIS = "Thông tư 75/2022/TT-BTC"
ALL = PaymentOptions(
    methods=("cash", "platform", "vietqr"),
    vietqr_bin="970405",
    vietqr_account="1234567890123",
    vietqr_account_name="CONG AN XA TA VAN",
)
# The citizen area on a 1366×768 screen, less the top and bottom bars.
AREA_768 = (1250, 560)

needs_zbar = pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) not installed")


def zbar(path: Path) -> list[str]:
    """Every QR code zbarimg finds in the image, as text."""
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return [line for line in result.stdout.splitlines() if line]


@pytest.fixture
def themed(qtbot: QtBot, request: pytest.FixtureRequest) -> Iterator[None]:
    """The real theme at 768 px screen height, as the kiosk applies it (large text when asked)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    load_fonts()
    previous = app.styleSheet()
    large = getattr(request, "param", False)
    app.setStyleSheet(stylesheet("normal", Metrics.of(1366, 768), large_text=large))
    yield
    app.setStyleSheet(previous)


def make_panel(qtbot: QtBot, offers: list[PaymentOffer], amount: int = 50_000) -> PaymentPanel:
    panel = PaymentPanel()
    qtbot.addWidget(panel)
    panel.resize(*AREA_768)
    panel.show_offers(amount, BASIS, offers, "vi")
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def texts(widget: QWidget) -> list[str]:
    return [child.text() for child in widget.findChildren(QLabel) if child.isVisible() and child.text()]


def test_qr_pixmap_size_and_quiet_zone(qtbot: QtBot) -> None:
    payload = ALL.offers(50_000, CODE)[2].payload
    image = qr_pixmap(payload).toImage()
    size = image.width()
    assert size == image.height() >= QR_MIN_PX

    def dark(x: int, y: int) -> bool:
        return image.pixelColor(x, y).lightness() < 128

    # The top-left finder pattern starts at the first dark pixel on the diagonal; its top edge is a
    # run of 7 dark modules, which gives the module size in pixels.
    edge = next(i for i in range(size) if dark(i, i))
    run = next(x for x in range(edge, size) if not dark(x, edge)) - edge
    assert run % 7 == 0
    module = run // 7
    assert edge == QR_QUIET_MODULES * module  # four light modules before the code starts
    assert size % module == 0
    for i in range(size):
        for j in range(edge):  # all four margins, their full width
            for x, y in ((i, j), (j, i), (i, size - 1 - j), (size - 1 - j, i)):
                assert not dark(x, y), (x, y)


@needs_zbar
def test_qr_on_screen_decodes_to_the_payload(qtbot: QtBot, themed: None, tmp_path: Path) -> None:
    offers = ALL.offers(50_000, CODE)
    panel = make_panel(qtbot, offers)
    (qr,) = panel.qr_labels
    assert qr.pixmap().width() >= QR_MIN_PX
    # What the screen shows: the whole panel as rendered, not the pixmap we handed over.
    shot = tmp_path / "panel.png"
    assert panel.grab().save(str(shot))
    decoded = zbar(shot)
    assert decoded == [offers[2].payload]
    fields = parse_emv(decoded[0])
    assert fields["54"] == "50000" and fields["62"] == {"08": CODE}


@needs_zbar
def test_qr_pixmap_decodes_for_long_payloads(tmp_path: Path, qtbot: QtBot) -> None:
    options = PaymentOptions(
        ("vietqr",), vietqr_bin="970416", vietqr_account="9" * 19, vietqr_account_name=""
    )
    payload = options.offers(10**12, CODE)[0].payload
    path = tmp_path / "qr.png"
    assert qr_pixmap(payload).save(str(path))
    assert zbar(path) == [payload]


@pytest.mark.parametrize("themed", [False, True], ids=["normal-text", "large-text"], indirect=True)
def test_three_offers_fit_1366x768(qtbot: QtBot, themed: None) -> None:
    panel = make_panel(qtbot, ALL.offers(50_000, CODE))
    width, height = AREA_768
    assert panel.minimumSizeHint().width() <= width
    # Every label gets at least the height its wrapped text needs at its actual width: nothing clipped.
    for child in panel.findChildren(QLabel):
        if child.isVisible() and child.text():
            assert child.height() >= child.heightForWidth(child.width()), child.text()
            bottom = child.mapTo(panel, QPoint(0, child.height())).y()
            assert bottom <= height, child.text()
    (qr,) = panel.qr_labels
    corner = qr.mapTo(panel, QPoint(qr.width(), qr.height()))
    assert corner.x() <= width and corner.y() <= height


def test_shows_amount_basis_and_each_offer(qtbot: QtBot, themed: None) -> None:
    offers = ALL.offers(50_000, CODE)
    panel = make_panel(qtbot, offers)
    shown = texts(panel)
    assert "Lệ phí: 50.000 đồng" in shown
    assert f"Căn cứ: {BASIS}" in shown
    for offer in offers:
        assert offer.title.get("vi") in shown
        assert offer.instructions.get("vi") in shown
    assert "CONG AN XA TA VAN" in shown and "1234567890123" in shown and CODE in shown


def test_language_switch(qtbot: QtBot, themed: None) -> None:
    offers = ALL.offers(50_000, CODE)
    panel = make_panel(qtbot, offers)
    panel.set_language("en")
    # New cards are shown by Qt's event loop once laid out.
    qtbot.waitUntil(lambda: offers[0].title.get("en") in texts(panel))
    shown = texts(panel)
    assert "Fee: 50,000 VND" in shown
    assert offers[0].title.get("en") in shown
    assert not any("Ông/Bà" in t for t in shown)
    assert len(panel.qr_labels) == 1  # rebuilt, not duplicated


def test_no_fee(qtbot: QtBot, themed: None) -> None:
    panel = make_panel(qtbot, ALL.offers(0, CODE), amount=0)
    assert texts(panel) == ["Không thu lệ phí"]
    assert panel.qr_labels == []


def test_fee_but_nothing_configured_sends_to_the_officer(qtbot: QtBot, themed: None) -> None:
    panel = make_panel(qtbot, [])
    assert any("hỏi cán bộ" in t for t in texts(panel))


def test_cash_only_has_no_qr(qtbot: QtBot, themed: None) -> None:
    panel = make_panel(qtbot, PaymentOptions(("cash",), "", "", "").offers(50_000, CODE))
    assert panel.qr_labels == []
    assert "Nộp tiền mặt cho cán bộ" in texts(panel)


def test_screenshot_for_review(qtbot: QtBot, themed: None) -> None:
    """Writes the panel to $KIOSK_SCREENSHOTS (when set) so a person can look at it."""
    target = os.environ.get("KIOSK_SCREENSHOTS")
    panel = make_panel(qtbot, ALL.offers(50_000, CODE))
    image = panel.grab()
    assert (image.width(), image.height()) == AREA_768
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(target) / "payment_panel_1366x768.png"))


def test_the_payment_view_is_said_fee_then_each_way_and_how(qtbot: QtBot, themed: None) -> None:
    offers = ALL.offers(50_000, CODE)
    panel = make_panel(qtbot, offers)
    said = panel.spoken()
    assert said.startswith("Lệ phí: 50.000 đồng.")  # the money read as words by the voice
    at = 0
    for offer in offers:  # in the order shown, each with what to do
        for part in (offer.title.get("vi"), offer.instructions.get("vi").rstrip(".")):
            found = said.find(part, at)
            assert found > 0, part
            at = found
    assert BASIS not in said


def test_the_done_screen_says_its_payment_view_as_it_opens(kiosk_ui) -> None:  # type: ignore[no-untyped-def]
    from ui.screens.done import DoneScreen
    from ui.window import settle

    window = kiosk_ui.window
    screen = window.screens["done"]
    assert isinstance(screen, DoneScreen)
    screen.panel.show_offers(50_000, BASIS, ALL.offers(50_000, CODE), "vi")
    screen.pay_button.click()
    settle()
    assert window.voice.said[-1] == (screen.panel.spoken(), "vi")
    screen.on_primary()  # back to the summary: what the done screen says
    assert window.voice.said[-1] == (screen.spoken(kiosk_ui.app.journey.state()), "vi")
