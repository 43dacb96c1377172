"""Keyboards by field type (issue 11): codes keep their letters, e-mail has its signs, names get
Telex or VNI (switched on the keyboard) and come out NFC; cursor keys and clear-all everywhere."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from ui.widgets.keyboard import Keyboard


@pytest.fixture
def board(qtbot) -> Iterator[tuple[Keyboard, QLineEdit]]:  # type: ignore[no-untyped-def]
    keyboard = Keyboard("Dấu cách", "Xóa", clear_text="Xóa hết")
    edit = QLineEdit()
    qtbot.addWidget(keyboard)
    qtbot.addWidget(edit)
    keyboard.show()
    keyboard.attach(edit)
    yield keyboard, edit


def press(qtbot, keyboard: Keyboard, keys: str) -> None:  # type: ignore[no-untyped-def]
    for ch in keys:
        if ch == " ":
            target = keyboard.space_button
        else:
            shown = [b for b in keyboard.findChildren(QPushButton) if b.isVisible()]
            hits = [b for b in shown if b.text() == ch]
            hits = hits or [b for b in shown if b.text().lower() == ch.lower()]
            assert hits, f"no key {ch!r} in the {keyboard.mode} keyboard"
            target = hits[0]
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)


def test_code_keeps_its_letters(qtbot, board) -> None:  # type: ignore[no-untyped-def]
    keyboard, edit = board
    keyboard.set_mode("code")
    keyboard.attach(edit)
    press(qtbot, keyboard, "rlhja3907fy")  # Telex would make "Rlhjà3907y"
    assert edit.text() == "RLHJA3907FY"
    assert not keyboard.marks.isVisible() and not keyboard.method_button.isVisible()
    press(qtbot, keyboard, "-.Đ")
    assert edit.text() == "RLHJA3907FY-.Đ"


def test_email_has_its_signs(qtbot, board) -> None:  # type: ignore[no-untyped-def]
    keyboard, edit = board
    keyboard.set_mode("email")
    keyboard.attach(edit)
    press(qtbot, keyboard, "ten_1-a@vidu.vn")
    assert edit.text() == "ten_1-a@vidu.vn"  # no Telex ("vn" stays), lower case, all four signs


@pytest.mark.parametrize(
    ("method", "keys"),
    [("telex", "Nguyeenx Thuwowngf"), ("vni", "Nguye6n4 Thuo7ng2")],
)
def test_telex_and_vni_write_nfc_vietnamese(qtbot, board, method: str, keys: str) -> None:  # type: ignore[no-untyped-def]
    keyboard, edit = board
    if method != keyboard.method:
        qtbot.mouseClick(keyboard.method_button, Qt.MouseButton.LeftButton)  # the visible switch
    assert keyboard.method_button.text() == {"telex": "Telex", "vni": "VNI"}[method]
    press(qtbot, keyboard, keys)
    assert edit.text() == "Nguyễn Thường"
    assert unicodedata.is_normalized("NFC", edit.text())


def test_vni_digits_stay_digits_after_a_space(qtbot, board) -> None:  # type: ignore[no-untyped-def]
    keyboard, edit = board
    keyboard.set_method("vni")
    press(qtbot, keyboard, "Tho6n 3 so61 12")
    assert edit.text() == "Thôn 3 Số 12"


def test_cursor_keys_and_clear_all(qtbot, board) -> None:  # type: ignore[no-untyped-def]
    keyboard, edit = board
    keyboard.set_mode("code")
    keyboard.attach(edit)
    press(qtbot, keyboard, "29B12345")
    for _ in range(5):
        qtbot.mouseClick(keyboard.left_button, Qt.MouseButton.LeftButton)
    press(qtbot, keyboard, "-")  # a dash in the middle, where the cursor is
    assert edit.text() == "29B-12345"
    qtbot.mouseClick(keyboard.delete_button, Qt.MouseButton.LeftButton)  # deletes before the cursor
    qtbot.mouseClick(keyboard.right_button, Qt.MouseButton.LeftButton)
    press(qtbot, keyboard, "1")
    assert edit.text() == "29B112345"
    qtbot.mouseClick(keyboard.clear_button, Qt.MouseButton.LeftButton)
    assert edit.text() == ""


@pytest.mark.parametrize("mode", ["vietnamese", "code", "email"])
@pytest.mark.parametrize("large_text", [False, True], ids=["normal-text", "large-text"])
def test_every_key_keeps_its_size_on_a_portrait_768_px_panel(qtbot, mode: str, large_text: bool) -> None:  # type: ignore[no-untyped-def]
    """Ten 16 mm keys in a row: no row longer, the marks and the editing keys on two rows."""
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    from ui.theme import Metrics, load_fonts, stylesheet
    from ui.window import settle

    load_fonts()
    panel = QWidget()
    panel.setStyleSheet(stylesheet("normal", Metrics.of(768, 1366), large_text))
    QVBoxLayout(panel).setContentsMargins(20, 0, 20, 0)  # the form's sides below 1000 px
    keyboard = Keyboard("Dấu cách", "Xóa", mode, clear_text="Xóa hết")
    panel.layout().addWidget(keyboard)  # type: ignore[union-attr]
    qtbot.addWidget(panel)
    panel.setFixedSize(768, 1366)  # the kiosk's window: the screen's size, whatever it holds
    panel.show()
    qtbot.waitExposed(panel)
    settle()
    keys = [k for k in keyboard.findChildren(QPushButton) if k.isVisible()]
    assert keyboard.width() <= 728
    for key in keys:
        assert key.width() >= key.minimumSizeHint().width(), key.text()
        assert key.width() >= keyboard.shift_button.minimumWidth(), key.text()  # 16 mm
    boxes = [k.geometry().translated(k.parentWidget().mapTo(keyboard, k.pos()) - k.pos()) for k in keys]
    for i, a in enumerate(boxes):
        assert not any(a.intersects(b) for b in boxes[i + 1 :]), keys[i].text()
    assert QApplication.instance() is not None


def test_a_capital_at_every_word_only_when_asked(qtbot, board) -> None:  # type: ignore[no-untyped-def]
    keyboard, edit = board
    keyboard.set_mode("vietnamese", every_word=False)
    keyboard.attach(edit)
    press(qtbot, keyboard, "lafm ruoongj")
    assert edit.text() == "Làm ruộng"
    edit.clear()
    keyboard.set_mode("vietnamese", every_word=True)  # a name
    keyboard.attach(edit)
    press(qtbot, keyboard, "nguyeenx vawn")
    assert edit.text() == "Nguyễn Văn"
