"""Languages the citizen can choose: Vietnamese and English (complete), and language packs.

A pack (resources/languages/<code>.toml, format in resources/languages/README.md) translates
some of the kiosk's phrases (`kiosk.phrases`, by name: "CALL_OFFICER", "CARD_ERRORS.WRONG_KEY")
and catalog texts (by service slug and place: "khai-bao-tam-vang.steps.reason.title"). Whatever it
does not translate is shown in Vietnamese, string by string (`kiosk.text`). No offline voice speaks
these languages: a station records clips (`kiosk voice add|import`), and until a recording exists
the Vietnamese clip of the same text is played (`vietnamese_of`, used by `kiosk.voice.plan`).
"""

from __future__ import annotations

import logging
import re
import string
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from kiosk import phrases
from kiosk.catalog import Catalog
from kiosk.text import LANGUAGES, Text, install_translations, nfc, remove_translations
from kiosk.voice import sentences

log = logging.getLogger(__name__)

# The languages every string has, named in themselves (the chooser shows and says these).
OWN_NAMES = {"vi": "Tiếng Việt", "en": "English"}
# The pack's own name is a text like any other: recorded as "LANGUAGE_NAME", else said in Vietnamese.
NAME_ID = "LANGUAGE_NAME"
REVIEW_STATES = ("draft", "reviewed")
_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")


class PackError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LanguagePack:
    code: str  # ISO 639 code, e.g. "hmn"
    name: str  # in the language itself: "Lus Hmoob"
    name_vi: str  # what the Vietnamese voice says until the name is recorded: "Tiếng H'Mông"
    variety: str  # dialect and orthography, for the reviewer
    review: str  # "draft" (not yet checked by a native speaker) or "reviewed"
    reviewed_by: str
    unsure: tuple[str, ...]  # what the writer was not sure of, for the reviewer
    texts: Mapping[str, str]  # text id -> translation
    where: str = ""


@dataclass(frozen=True)
class Language:
    """One button of the chooser."""

    code: str
    name: Text  # its own name, and what the Vietnamese voice says for it

    @property
    def own_name(self) -> str:
        return self.name.get(self.code)


# -- text ids -----------------------------------------------------------------------------------


def phrase_ids() -> Iterator[tuple[str, Text]]:
    """(id, text) of every phrase: module constants by name, table entries as NAME.key."""

    def walk(name: str, value: Any) -> Iterator[tuple[str, Text]]:
        if isinstance(value, Text):
            yield name, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(f"{name}.{getattr(key, 'name', key)}", item)

    for name, value in vars(phrases).items():
        if name.isupper():
            yield from walk(name, value)


def catalog_ids(catalog: Catalog) -> Iterator[tuple[str, Text]]:
    """(id, text) of every catalog text, named by the service's slug and the text's place."""
    for s in catalog.services:
        yield from (
            (f"{s.slug}.{name}", text)
            for name, text in (
                ("title", s.title),
                ("summary", s.summary),
                ("who", s.who),
                ("processing_time", s.processing_time),
                ("next_steps", s.next_steps),
                ("fee.note", s.fee.note),
            )
        )
        yield from ((f"{s.slug}.papers.{n}", paper.text) for n, paper in enumerate(s.papers, 1))
        yield from ((f"{s.slug}.fee.cases.{n}.note", c.note) for n, c in enumerate(s.fee.cases, 1))
        for step in s.steps:
            yield f"{s.slug}.steps.{step.id}.title", step.title
            yield f"{s.slug}.steps.{step.id}.say", step.say
        for f in s.fields.values():
            yield f"{s.slug}.fields.{f.id}.label", f.label
            yield f"{s.slug}.fields.{f.id}.hint", f.hint
            yield from ((f"{s.slug}.fields.{f.id}.messages.{r}", m) for r, m in f.messages.items())
            yield from ((f"{s.slug}.fields.{f.id}.options.{o.value}", o.label) for o in f.options)


def text_ids(catalog: Catalog) -> dict[str, Text]:
    """Every text a pack may translate, by id (empty texts left out)."""
    return {tid: text for tid, text in (*phrase_ids(), *catalog_ids(catalog)) if text}


# -- reading and checking a pack ----------------------------------------------------------------


def _flatten(raw: Mapping[str, Any], prefix: str, out: dict[str, Any]) -> None:
    # `CARD_ERRORS.WRONG_KEY = "…"` in TOML is a table in a table: the id is the dotted path.
    for key, value in raw.items():
        tid = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{tid}.", out)
        else:
            out[tid] = value


def read_pack(source: str, where: str) -> LanguagePack:
    """A pack from its TOML text; every problem of its header is collected into one PackError."""
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise PackError([f"{where}: not valid TOML: {exc}"]) from exc
    problems: list[str] = []
    head = raw.get("pack", {})
    if not isinstance(head, dict):
        head = {}

    def header(key: str, required: bool = True) -> str:
        value = head.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            problems.append(f"{where}: [pack] needs '{key}' (text)")
            return ""
        return nfc(value.strip())

    code, name, name_vi = header("language"), header("name"), header("name_vi")
    variety = header("variety", required=False)
    if code and (not _CODE.fullmatch(code) or code in LANGUAGES):
        problems.append(f"{where}: language {code!r} must be an ISO 639 code other than {LANGUAGES}")
    review = header("review")
    if review and review not in REVIEW_STATES:
        problems.append(f"{where}: review must be one of {', '.join(REVIEW_STATES)}")
    reviewed_by = header("reviewed_by", required=False)
    if review == "reviewed" and not reviewed_by:
        problems.append(f"{where}: a reviewed pack names its reviewer (reviewed_by)")
    unsure = head.get("unsure", [])
    if not isinstance(unsure, list) or not all(isinstance(u, str) for u in unsure):
        problems.append(f"{where}: unsure must be a list of texts")
        unsure = []
    for extra in sorted(set(raw) - {"pack", "phrases", "services"}):
        problems.append(f"{where}: unknown table [{extra}] (known: pack, phrases, services)")
    flat: dict[str, Any] = {}
    _flatten(raw.get("phrases", {}), "", flat)
    _flatten(raw.get("services", {}), "", flat)
    texts: dict[str, str] = {}
    for tid, value in flat.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {tid} must be a non-empty text")
        else:
            texts[tid] = nfc(value.strip())
    if problems:
        raise PackError(problems)
    return LanguagePack(
        code=code,
        name=name,
        name_vi=name_vi,
        variety=variety,
        review=review,
        reviewed_by=reviewed_by,
        unsure=tuple(nfc(u) for u in unsure),
        texts=texts,
        where=where,
    )


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def check_pack(pack: LanguagePack, ids: Mapping[str, Text]) -> dict[str, str]:
    """What is wrong with the pack against these texts, by text id: unknown ids (renamed or
    removed), other placeholders than the Vietnamese, two translations of the same Vietnamese."""
    problems: dict[str, str] = {}
    seen: dict[str, tuple[str, str]] = {}  # Vietnamese -> (id, translation)
    for tid, translation in pack.texts.items():
        text = ids.get(tid)
        if text is None:
            problems[tid] = "is not a phrase or catalog text (renamed or removed?)"
            continue
        vietnamese = text.by_language.get("vi", "")
        if _placeholders(translation) != _placeholders(vietnamese):
            problems[tid] = (
                f"must have the placeholders of the Vietnamese {sorted(_placeholders(vietnamese))}"
            )
            continue
        earlier = seen.setdefault(vietnamese, (tid, translation))
        if earlier[1] != translation:
            problems[tid] = f"translates the Vietnamese of {earlier[0]} differently"
    return problems


def bundled_packs() -> list[LanguagePack]:
    folder = resources.files("resources") / "languages"
    packs = [
        read_pack(entry.read_text("utf-8"), f"resources/languages/{entry.name}")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    ]
    misnamed = [p.where for p in packs if p.where.rsplit("/", 1)[-1] != f"{p.code}.toml"]
    if misnamed:  # the file's name is the code `ui.language` accepts (kiosk.config.language_codes)
        raise PackError([f"{where}: a pack's file is named <language>.toml" for where in misnamed])
    return packs


# -- installed packs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Installed:
    pack: LanguagePack
    heard: Mapping[str, str]  # the translation's sentences, joined -> the Vietnamese text
    templates: tuple[tuple[re.Pattern[str], str], ...] = field(default=())


_installed: dict[str, _Installed] = {}


def _heard(text: str) -> str:
    return " ".join(sentences(text))


def _template(translation: str) -> re.Pattern[str]:
    """A pattern matching the translation filled in: "Kauj ruam {n}/{total}" → values by name."""
    parts: list[str] = []
    for literal, name, _spec, _conv in string.Formatter().parse(_heard(translation)):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(f"(?P<{name}>.+?)" if f"(?P<{name}>" not in "".join(parts) else f"(?P={name})")
    return re.compile("".join(parts))


def install(pack: LanguagePack, ids: Mapping[str, Text]) -> list[str]:
    """Show the pack's translations from now on; returns its problems (the texts concerned are
    left out, the rest is used: a pack never stops the kiosk)."""
    bad = check_pack(pack, ids)
    shown: dict[str, str] = {}
    heard: dict[str, str] = {}
    templates: list[tuple[re.Pattern[str], str]] = []
    pairs = [(pack.name_vi, pack.name)]
    pairs += [(ids[t].by_language["vi"], tr) for t, tr in pack.texts.items() if t in ids and t not in bad]
    for vietnamese, translation in pairs:
        shown[vietnamese] = translation
        if _placeholders(vietnamese):
            if all(name.isidentifier() for name in _placeholders(vietnamese)):
                templates.append((_template(translation), vietnamese))
        else:
            heard.setdefault(_heard(translation), vietnamese)
    install_translations(pack.code, shown)
    _installed[pack.code] = _Installed(pack, heard, tuple(templates))
    return [f"{pack.where}: {tid} {problem}" for tid, problem in bad.items()]


def uninstall(code: str) -> None:
    _installed.pop(code, None)
    remove_translations(code)


def install_bundled(catalog: Catalog) -> list[str]:
    """Every bundled pack, against this catalog; the problems, one line each (also logged)."""
    ids = text_ids(catalog)
    problems: list[str] = []
    try:
        packs = bundled_packs()
    except PackError as exc:
        packs, problems = [], exc.problems
    for pack in packs:
        problems += install(pack, ids)
    for problem in problems:
        log.warning("language pack: %s", problem)
    return problems


def installed(code: str) -> LanguagePack | None:
    entry = _installed.get(code)
    return entry.pack if entry else None


def choices() -> list[Language]:
    """The chooser's languages: Vietnamese, English, then the installed packs."""
    complete = [Language(code, Text({code: name})) for code, name in OWN_NAMES.items()]
    packs = [
        Language(code, Text({"vi": entry.pack.name_vi, code: entry.pack.name}))
        for code, entry in _installed.items()
    ]
    return complete + packs


def is_pack(code: str) -> bool:
    return code in _installed


def vietnamese_of(code: str, said: str) -> str | None:
    """The Vietnamese text whose translation in pack `code` is `said` (its sentences joined by a
    space, as `kiosk.voice.plan` tries them), or None: what plays until a recording exists."""
    entry = _installed.get(code)
    if entry is None:
        return None
    said = unicodedata.normalize("NFC", said)
    found = entry.heard.get(said)
    if found is not None:
        return found
    for pattern, vietnamese in entry.templates:
        match = pattern.fullmatch(said)
        if match:
            return vietnamese.format(**match.groupdict())
    return None
