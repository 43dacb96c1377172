"""Voice guidance: the core says what to speak; a backend speaks it."""

from __future__ import annotations

import re
from typing import Protocol

_DIGIT_WORDS = {
    "vi": ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
}


class Voice(Protocol):
    def say(self, text: str, language: str) -> None: ...


class Silent:
    def say(self, text: str, language: str) -> None:
        pass


def spell_digits(text: str, language: str) -> str:
    """Synthesisers misread numbers ("15" → "mười năm"): say each digit (ux.md)."""
    words = _DIGIT_WORDS.get(language, _DIGIT_WORDS["vi"])
    return re.sub(r"\d", lambda m: f" {words[int(m.group())]} ", text).replace("  ", " ").strip()
