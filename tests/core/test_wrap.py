"""Line breaks at phrase boundaries (issue 11): "cư / trú" and "Ông/ Bà" were split over lines."""

from __future__ import annotations

from kiosk.wrap import NO_BREAK, WORD_JOINER, keep_phrases, plain


def test_syllables_of_a_word_are_joined() -> None:
    assert keep_phrases("Đăng ký tạm trú") == f"Đăng{NO_BREAK}ký tạm{NO_BREAK}trú"


def test_a_slash_between_words_never_ends_a_line() -> None:
    shown = keep_phrases("Ông/Bà có đồng ý? Ngày/tháng/năm")
    assert f"Ông/{WORD_JOINER}Bà" in shown and f"Ngày/{WORD_JOINER}tháng/{WORD_JOINER}năm" in shown


def test_a_lone_slash_is_left_alone() -> None:
    assert keep_phrases("a / b") == "a / b"


def test_plain_gives_back_the_text() -> None:
    text = "Ông/Bà đăng ký tạm trú"
    assert plain(keep_phrases(text)) == text
