"""Translatable text: every citizen-facing string in the catalog is a {language: text} table."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Text:
    by_language: Mapping[str, str] = field(default_factory=dict)

    def get(self, language: str) -> str:
        return self.by_language.get(language) or self.by_language.get("vi", "")

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
