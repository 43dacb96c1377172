"""Tracking codes: every single slip a person makes reading one aloud is caught."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import trackcode
from kiosk.trackcode import ALPHABET, check_char, display, is_valid, new_code, normalize

payloads = st.text(alphabet=ALPHABET, min_size=9, max_size=9)
codes = payloads.map(lambda p: p + check_char(p))


def test_new_code_shape() -> None:
    seen = {new_code() for _ in range(2000)}
    assert len(seen) == 2000  # 45 random bits: a repeat here means the randomness is broken
    for code in seen:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{10}", code)
        assert is_valid(code)


@settings(max_examples=300)
@given(codes)
def test_every_single_substitution_is_rejected(code: str) -> None:
    assert is_valid(code)
    for i in range(len(code)):
        for ch in ALPHABET:
            if ch != code[i]:
                assert not is_valid(code[:i] + ch + code[i + 1 :]), (code, i, ch)


@settings(max_examples=300)
@given(codes)
def test_every_adjacent_transposition_is_rejected(code: str) -> None:
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not is_valid(swapped), (code, i)


def test_transpositions_detected_for_every_symbol_pair_at_every_position() -> None:
    # The property tests sample codes; this covers the whole space. Detection depends only on the
    # two swapped symbols and their position (the rest of the weighted sum cancels), so for each
    # position it is enough to see every ordered pair of distinct symbols there once.
    for i in range(trackcode.LENGTH - 1):
        free = (i, i + 1) if i + 1 < trackcode.LENGTH - 1 else (i - 1, i)  # last pair: vary check
        pairs_seen = set()
        for a in ALPHABET:
            for b in ALPHABET:
                chars = ["0"] * 9
                chars[free[0]], chars[free[1]] = a, b
                payload = "".join(chars)
                code = payload + check_char(payload)
                x, y = code[i], code[i + 1]
                if x == y:
                    continue
                pairs_seen.add((x, y))
                assert not is_valid(code[:i] + y + x + code[i + 2 :]), (code, i)
        assert len(pairs_seen) == 32 * 31, i


@given(codes)
def test_normalize_round_trip(code: str) -> None:
    assert normalize(code) == code
    assert normalize(display(code)) == code
    assert normalize(display(code).lower()) == code
    assert normalize(" " + " ".join(code.lower()) + " ") == code


def test_crockford_aliases() -> None:
    payload = "0110ABCDE"
    code = payload + check_char(payload)
    assert normalize("OIL0A-BCDE" + code[-1].lower()) == code
    assert normalize("oil0abcde" + code[-1]) == code


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ- abcxyz", max_size=14))
def test_normalize_returns_a_valid_code_or_none(text: str) -> None:
    result = normalize(text)
    assert result is None or is_valid(result)


@pytest.mark.parametrize(
    "text",
    ["", "ABCDE", "ABCDEFGHJKM", "ABCDE-FGHJU", "ABCDE_FGHJK", "ÀBCDE-FGHJK"],
)
def test_normalize_rejects_non_codes(text: str) -> None:
    assert normalize(text) is None


def test_is_valid_wants_canonical_form() -> None:
    code = "ABCDEFGHJ" + check_char("ABCDEFGHJ")
    assert is_valid(code)
    assert not is_valid(code.lower())
    assert not is_valid(display(code))


def test_display_groups_five_and_five() -> None:
    assert display("7K3QXM9T2B") == "7K3QX-M9T2B"
    with pytest.raises(ValueError):
        display("7K3QX")
