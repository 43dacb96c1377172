"""Numbers read as words, codes spelled in groups (issue 11 item 10): what every voice backend says."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk import trackcode
from kiosk.payment import format_money
from kiosk.speech import en_number, for_speech, vi_number

VI_WORDS = {
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
    "mười", "mươi", "trăm", "nghìn", "triệu", "tỷ", "linh", "mốt", "tư", "lăm",
}  # fmt: skip
_DIGIT_OF = {
    w: i for i, w in enumerate(["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"])
}
_DIGIT_OF.update({"mốt": 1, "tư": 4, "lăm": 5})


def parse_vi(said: str) -> int:
    """Vietnamese number words back to the number: an independent reading of what was said."""
    big = section = group = digit = 0
    for word in said.split():
        if word in _DIGIT_OF:
            digit = _DIGIT_OF[word]
        elif word == "mười":
            group += 10
        elif word == "mươi":
            group, digit = group + digit * 10, 0
        elif word == "trăm":
            group, digit = group + digit * 100, 0
        elif word == "linh":
            pass
        elif word in ("nghìn", "triệu"):
            section += (group + digit) * (1000 if word == "nghìn" else 10**6)
            group = digit = 0
        elif word == "tỷ":
            big = (big + section + group + digit) * 10**9
            section = group = digit = 0
        else:
            raise AssertionError(f"unknown word {word!r} in {said!r}")
    return big + section + group + digit


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (30, "ba mươi"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (1005, "một nghìn không trăm linh năm"),
        (1050, "một nghìn không trăm năm mươi"),
        (2026, "hai nghìn không trăm hai mươi sáu"),
        (200_000, "hai trăm nghìn"),
        (1_500_000, "một triệu năm trăm nghìn"),
        (1_000_500, "một triệu năm trăm"),
        (1_005_000, "một triệu không trăm linh năm nghìn"),
        (1_000_000_005, "một tỷ không trăm linh năm"),
        (2_000_000_000_000, "hai nghìn tỷ"),
    ],
)
def test_vietnamese_numbers(number: int, said: str) -> None:
    assert vi_number(number) == said


@given(st.integers(min_value=0, max_value=10**9))
def test_every_number_is_known_words_that_mean_it(number: int) -> None:
    said = vi_number(number)
    words = said.split()
    assert set(words) <= VI_WORDS and not re.search(r"\d", said)
    assert parse_vi(said) == number
    for before, word in zip(["", *words], words, strict=False):
        if word in ("mốt", "tư"):
            assert before == "mươi", said  # 21 "hai mươi mốt", 11 "mười một", 14 "mười bốn"
        if word == "lăm":
            assert before in ("mươi", "mười"), said  # 105 "một trăm linh năm"
        if word == "linh":
            assert before == "trăm", said


@given(st.integers(min_value=0, max_value=10**12))
def test_english_numbers_are_words(number: int) -> None:
    said = en_number(number)
    assert re.fullmatch(r"[a-z -]+", said), said


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (0, "zero"),
        (21, "twenty-one"),
        (105, "one hundred and five"),
        (1_500_000, "one million five hundred thousand"),
    ],
)
def test_english_number_table(number: int, said: str) -> None:
    assert en_number(number) == said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Tạm trú từ 30 ngày trở lên", "Tạm trú từ ba mươi ngày trở lên"),
        ("Lệ phí 200.000 đồng", "Lệ phí hai trăm nghìn đồng"),
        ("Lệ phí 200.000 ₫", "Lệ phí hai trăm nghìn đồng"),
        ("50.000đ.", "năm mươi nghìn đồng."),
        ("1.500.000 đồng", "một triệu năm trăm nghìn đồng"),
        ("02/12/2026", "ngày hai tháng mười hai năm hai nghìn không trăm hai mươi sáu"),
        ("Nộp ngày 02/12/2026", "Nộp ngày hai tháng mười hai năm hai nghìn không trăm hai mươi sáu"),
        ("tháng 12/2026", "tháng mười hai năm hai nghìn không trăm hai mươi sáu"),
        ("09:30", "chín giờ ba mươi phút"),
        ("Hẹn 08:00", "Hẹn tám giờ"),
        ("08:00–11:30", "tám giờ đến mười một giờ ba mươi phút"),
        ("2,5 tháng", "hai phẩy năm tháng"),
        ("50%", "năm mươi phần trăm"),
        ("0912345678", "không chín một hai, ba bốn năm, sáu bảy tám"),
        ("Số 0912 345 678.", "Số, không chín một hai, ba bốn năm, sáu bảy tám."),
        ("001234567890", "không không một, hai ba bốn, năm sáu bảy, tám chín không"),
        ("Mã hồ sơ: 7K2QM-9X4TB", "Mã hồ sơ: bảy ca hai quy em mờ, chín ích xì bốn tê bê"),
        ("29A-123.45", "hai chín a, một hai ba, bốn năm"),
        ("Số khung RLHJA3907FY", "Số khung, e rờ e lờ hát gi, a ba chín không, bảy ép i dài"),
        ("T2", "T hai"),
        ("Chạm vào màn hình để bắt đầu", "Chạm vào màn hình để bắt đầu"),
    ],
)
def test_vietnamese_texts(text: str, said: str) -> None:
    assert for_speech(text, "vi") == said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("30 days", "thirty days"),
        ("50,000 VND", "fifty thousand dong"),
        ("150.000 đồng in area III", "one hundred and fifty thousand dong in area III"),
        ("02/12/2026", "the second of December twenty twenty-six"),
        ("09:30", "nine thirty"),
        ("08:00", "eight o'clock"),
        ("09:05", "nine oh five"),
        ("3.5 months", "three point five months"),
        ("0912345678", "zero nine one two, three four five, six seven eight"),
        ("7K2QM-9X4TB", "seven K two Q M, nine X four T B"),
    ],
)
def test_english_texts(text: str, said: str) -> None:
    assert for_speech(text, "en") == said


@given(st.integers(min_value=1, max_value=10**9))
def test_money_as_the_kiosk_writes_it_is_read(amount: int) -> None:
    said = for_speech(format_money(amount, "vi"), "vi")
    assert said == f"{vi_number(amount)} đồng"
    assert for_speech(format_money(amount, "en"), "en") == f"{en_number(amount)} dong"


@given(st.integers(min_value=0, max_value=2**40))
def test_tracking_codes_are_spelled_in_their_printed_halves(seed: int) -> None:
    code = trackcode.display(trackcode.new_code())
    said = for_speech(f"Mã hồ sơ: {code}", "vi")
    first, second = said.removeprefix("Mã hồ sơ: ").split(", ")
    assert len(first.split()) >= 5 and len(second.split()) >= 5  # one word (or two) per character
    assert not re.search(r"\d", said)


@given(
    st.text(alphabet="0123456789 .,:/-–₫%đABKXhT", max_size=40),
    st.sampled_from(["vi", "en", "hmn"]),
)
def test_no_digit_is_left_for_the_synthesiser(text: str, language: str) -> None:
    assert not re.search(r"\d", for_speech(text, language))
