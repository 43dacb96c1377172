"""What the kiosk's voice can say ahead of time, and how a rendered clip is named.

Pure: the renderer, the clip folder and the player are in `devices/audio/`. A clip holds one
sentence, so a screen that reads "step title. how to do it" plays two clips that were both
rendered at build time, and only a sentence with a name or a code in it is made at first use.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from kiosk.catalog import Catalog
from kiosk.speech import for_speech
from kiosk.text import LANGUAGES, Text

# Not after "No." ("form No. 3"): an abbreviation, not a sentence end.
# A colon too: the cues say "<field>: <what to do>" and "<code label>: <code>", and each half then
# has its own clip (the label built ahead, only the code made at first use).
_SENTENCE_END = re.compile(r"(?<=[.!?…:])(?<![Nn]o\.)\s+")


def _bare(sentence: str) -> str:
    # A final full stop changes nothing heard: "Tạm ngừng phục vụ." (a screen joining two phrases)
    # is the clip of the phrase "Tạm ngừng phục vụ". A question or exclamation mark stays.
    return sentence.strip().rstrip(".:").rstrip()


def sentences(text: str) -> list[str]:
    """The sentences of a spoken text, each one clip ("A. B?" → ["A", "B?"])."""
    text = unicodedata.normalize("NFC", text).strip()
    parts = (_bare(part) for part in _SENTENCE_END.split(text)) if text else ()
    return [part for part in parts if part]


def clip_key(voice_id: str, text: str, language: str) -> str:
    """The clip's file name: a new engine, voice or reading of the text is a new clip, never a
    stale one; the text itself (it may carry a citizen's name) is not in the name."""
    spoken = for_speech(_bare(unicodedata.normalize("NFC", text)), language)
    digest = hashlib.sha256(f"{voice_id}\0{language}\0{spoken}".encode()).hexdigest()
    return digest[:40]


def recorded_key(language: str, text: str) -> str:
    """A recording's file name (`kiosk voice add`): its language and the text it says as shown on
    screen, so a text changed since no longer finds the old recording."""
    said = " ".join(sentences(text))
    return hashlib.sha256(f"recorded\0{language}\0{said}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Part:
    """One clip of what is said: rendered by the engine in `language`, or a station's recording."""

    key: str
    sentence: str
    language: str  # "vi" where a language pack has no recording and falls back
    recorded: bool = False


def plan(
    text: str,
    language: str,
    voice_id: Callable[[str], str],
    recorded: Callable[[str], bool] = lambda _key: False,
    vietnamese_of: Callable[[str], str | None] = lambda _said: None,
) -> list[Part]:
    """The clips that say `text`. Vietnamese and English: one rendered clip per sentence. A pack's
    language: the longest run of sentences that has a recording plays it; else the Vietnamese
    clips of the text that run translates; a sentence neither recorded nor translated (a name, a
    string the pack lacks and so shows in Vietnamese) is read by the Vietnamese voice."""
    said = sentences(text)
    if language in LANGUAGES:
        voice = voice_id(language)
        return [Part(clip_key(voice, s, language), s, language) for s in said]
    vi_voice = voice_id("vi")

    def in_vietnamese(vietnamese: str) -> list[Part]:
        return [Part(clip_key(vi_voice, s, "vi"), s, "vi") for s in sentences(vietnamese)]

    parts: list[Part] = []
    start = 0
    while start < len(said):
        for end in range(len(said), start, -1):
            run = " ".join(said[start:end])
            key = recorded_key(language, run)
            if recorded(key):
                parts.append(Part(key, run, language, recorded=True))
                break
            vietnamese = vietnamese_of(run)
            if vietnamese is not None:
                parts += in_vietnamese(vietnamese)
                break
        else:
            end = start + 1
            parts += in_vietnamese(said[start])
        start = end
    return parts


def _texts_in(module: ModuleType) -> Iterator[Text]:
    for value in vars(module).values():
        if isinstance(value, Text):
            yield value
        elif isinstance(value, dict):
            yield from (v for v in value.values() if isinstance(v, Text))
        elif isinstance(value, (tuple, list)):
            yield from (v for v in value if isinstance(v, Text))


def _catalog_texts(catalog: Catalog) -> Iterator[Text]:
    for service in catalog.services:
        yield from (service.title, service.summary, service.who, service.processing_time, service.next_steps)
        yield from (paper.text for paper in service.papers)
        yield from (service.fee.note, *(case.note for case in service.fee.cases))
        for step in service.steps:
            yield step.title  # said alone where the step's `say` was heard already (a guest list)
            if step.say:
                yield step.say
        for field in service.fields.values():
            yield from (field.label, field.hint, *field.messages.values())
            yield from (option.label for option in field.options)


def known_texts(
    catalog: Catalog, languages: Iterable[str], phrase_modules: Iterable[ModuleType] = ()
) -> dict[str, list[str]]:
    """Per language, every sentence known before a citizen comes: the catalog's service titles and
    summaries, each step's spoken text, and the kiosk's phrases (those with a {placeholder} are
    filled at run time and made then). Sorted, no duplicates."""
    from kiosk import phrases

    modules = [phrases, *phrase_modules]
    texts = [*(t for m in modules for t in _texts_in(m)), *_catalog_texts(catalog)]
    out: dict[str, list[str]] = {}
    for language in languages:
        said = {s for t in texts for s in sentences(t.get(language) if language in t.by_language else "")}
        out[language] = sorted(s for s in said if "{" not in s)
    return out
