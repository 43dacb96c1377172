"""Text prepared for speech synthesis (the voice port itself is `kiosk.ports.voice`)."""

from __future__ import annotations

import re

_DIGIT_WORDS = {
    "vi": ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
}


def spell_digits(text: str, language: str) -> str:
    """Synthesisers misread numbers ("15" → "mười năm"): say each digit (ux.md)."""
    words = _DIGIT_WORDS.get(language, _DIGIT_WORDS["vi"])
    return re.sub(r"\d", lambda m: f" {words[int(m.group())]} ", text).replace("  ", " ").strip()
