"""Translatable text: every citizen-facing string is a {language: text} table.

A text missing in the language asked for falls back to Vietnamese, with a warning on the
`kiosk.text` logger: the tests fail on it (tests/conftest.py), so a gap never ships unseen.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

LANGUAGES = ("vi", "en")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Text:
    by_language: Mapping[str, str] = field(default_factory=dict)

    def get(self, language: str) -> str:
        text = self.by_language.get(language)
        if text:
            return text
        fallback = self.by_language.get("vi", "")
        if fallback and language != "vi":
            logger.warning("no %r text for %r: showing the Vietnamese", language, fallback)
        return fallback

    def format(self, **values: str | int | Text) -> Text:
        """Fill the {placeholders} in every language; a `Text` value gives each language its own."""
        return Text(
            {
                language: text.format(
                    **{k: v.get(language) if isinstance(v, Text) else v for k, v in values.items()}
                )
                for language, text in self.by_language.items()
            }
        )

    def __bool__(self) -> bool:
        return any(self.by_language.values())

    @classmethod
    def of(cls, vi: str, en: str = "") -> Text:
        return cls({"vi": nfc(vi), "en": nfc(en)})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, tone- and accent-free form for search ('Đức' and 'duc' match)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()
