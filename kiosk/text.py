"""Translatable text: every citizen-facing string is a {language: text} table.

A text missing in the language asked for falls back to Vietnamese, with a warning on the
`kiosk.text` logger: the tests fail on it (tests/conftest.py), so a gap never ships unseen.

Vietnamese and English are complete (`LANGUAGES`). A language pack (kiosk/languages.py) is partial
by design: its translations are installed here, keyed by the Vietnamese they translate, and a
string the pack lacks is shown in Vietnamese without a warning. With `mark_fallbacks` (test mode,
`kiosk tour` for a reviewer) every string shown in Vietnamese for want of a translation starts with
a marker, so a screen shows which of its strings fell back.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

LANGUAGES = ("vi", "en")
logger = logging.getLogger(__name__)

# Installed language packs: language -> {Vietnamese text: its translation} (kiosk/languages.py
# resolves the pack's text ids to the Vietnamese of this catalog when it installs it).
_translations: dict[str, Mapping[str, str]] = {}
_fallback_mark = ""


def install_translations(language: str, table: Mapping[str, str]) -> None:
    if language in LANGUAGES:
        raise ValueError(f"{language!r} is a complete language, not a pack")
    _translations[language] = dict(table)


def remove_translations(language: str) -> None:
    _translations.pop(language, None)


def pack_languages() -> tuple[str, ...]:
    return tuple(_translations)


def mark_fallbacks(mark: str) -> str:
    """Start every string shown in Vietnamese for want of a translation with `mark` ("" = off);
    returns the mark before, for a test to put back."""
    global _fallback_mark
    before, _fallback_mark = _fallback_mark, mark
    return before


@dataclass(frozen=True)
class Text:
    by_language: Mapping[str, str] = field(default_factory=dict)

    def get(self, language: str) -> str:
        text = self.by_language.get(language)
        if text:
            return text
        fallback = self.by_language.get("vi", "")
        if not fallback or language == "vi":
            return fallback
        pack = _translations.get(language)
        if pack is None:
            logger.warning("no %r text for %r: showing the Vietnamese", language, fallback)
        elif fallback in pack:
            return pack[fallback]
        return _fallback_mark + fallback

    def format(self, **values: str | int | Text) -> Text:
        """Fill the {placeholders} in every language, a pack's too when it translates this text;
        a `Text` value gives each language its own."""
        templates = dict(self.by_language)
        vietnamese = templates.get("vi", "")
        for language, pack in _translations.items():
            if language not in templates and vietnamese in pack:
                templates[language] = pack[vietnamese]
        return Text(
            {
                language: text.format(
                    **{k: v.get(language) if isinstance(v, Text) else v for k, v in values.items()}
                )
                for language, text in templates.items()
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
