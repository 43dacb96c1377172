"""Vietnam's administrative units after 1 July 2025 (34 provinces, 3,321 communes) and old card addresses.

Since NQ 202/2025/QH15 an address is house/village/street – xã/phường/đặc khu – tỉnh/thành phố; cards
issued earlier still print the three-level form with a quận/huyện. The unit lists and the old → new
conversion come from the `vietnam-provinces` package (GSO codes), extracted to
resources/addresses/units.json by resources/addresses/build_units.py. Nothing here is typed by hand.

Codes are the official GSO codes as zero-padded strings: provinces "01".."96", communes "00004".."32248".
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, TypeVar

from kiosk.text import fold, nfc

_T = TypeVar("_T")

# Vietnamese alphabet order (tones ignored at the first level); f j w z only occur in borrowed names.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Tone marks, in the dictionary order of the tones: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_PROVINCE_PREFIX = re.compile(r"^(tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)
_COMMUNE_PREFIX = re.compile(r"^(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)


def _strip_tones(text: str) -> tuple[str, tuple[int, ...]]:
    """The text without tone marks (letters like ă, ơ, đ kept) and the tone of each syllable-letter."""
    letters: list[str] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if ch in _TONES:
            if tones:
                tones[-1] = _TONES[ch]
            continue
        letters.append(ch)
        tones.append(0)
    return unicodedata.normalize("NFC", "".join(letters)), tuple(tones)


def collation_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]:
    """Sort key in Vietnamese dictionary order: letters (a < ă < â, d < đ), then tones, then the text.

    Runs of digits compare as numbers, so "Phường 2" sorts before "Phường 10".
    """
    bare, tones = _strip_tones(nfc(text))
    primary: list[tuple[int, int]] = []
    for run in re.findall(r"\d+|\D", bare):
        if run.isdigit():
            primary.append((1, int(run)))
        elif run in _LETTER_RANK:
            primary.append((2, _LETTER_RANK[run]))
        else:  # spaces and punctuation sort before letters, as in a dictionary
            primary.append((0, ord(run)))
    return tuple(primary), tones, nfc(text)


def _number_words(text: str) -> str:
    """Folded text with numbers normalised ("Phường 04" and "phuong 4" compare equal)."""
    return re.sub(r"\d+", lambda m: str(int(m.group())), " ".join(fold(nfc(text)).replace("-", " ").split()))


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # full official name, "Tỉnh Lào Cai", "Thành phố Đà Nẵng"

    @property
    def short_name(self) -> str:
        """The name without "Tỉnh"/"Thành phố": "Lào Cai", "Đà Nẵng"."""
        return _PROVINCE_PREFIX.sub("", self.name)


@dataclass(frozen=True)
class Commune:
    code: str
    name: str  # full official name, "Xã Tam Thăng", "Phường Hòa Minh", "Đặc khu Phú Quốc"
    province_code: str

    @property
    def short_name(self) -> str:
        return _COMMUNE_PREFIX.sub("", self.name)


@dataclass(frozen=True)
class Address:
    """A current (two-level) address; `street` is the house number, street, village or group as typed."""

    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    street: str = ""

    def display(self) -> str:
        """ "Thôn 3, Xã Tam Thăng, Thành phố Đà Nẵng"."""
        parts = (self.street.strip(), self.commune_name, self.province_name)
        return ", ".join(nfc(p) for p in parts if p)

    def to_dict(self) -> dict[str, str]:
        return {
            "province_code": self.province_code,
            "province_name": self.province_name,
            "commune_code": self.commune_code,
            "commune_name": self.commune_name,
            "street": self.street,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Address:
        """Inverse of to_dict; raises ValueError on missing or non-text fields."""
        values: dict[str, str] = {}
        for key in ("province_code", "province_name", "commune_code", "commune_name", "street"):
            value = data.get(key, "" if key == "street" else None)
            if not isinstance(value, str) or (key != "street" and not value):
                raise ValueError(f"address field {key!r} missing or not text")
            values[key] = nfc(value)
        return cls(**values)


# Reasons a part of an old address could not be converted (the UI turns them into sentences).
PROBLEM_UNPARSED = "unparsed"  # no province part recognised at all
PROBLEM_PROVINCE_UNKNOWN = "province_unknown"
PROBLEM_PROVINCE_AMBIGUOUS = "province_ambiguous"  # old province now spread over several; see candidates
PROBLEM_DISTRICT_UNKNOWN = "district_unknown"
PROBLEM_DISTRICT_AMBIGUOUS = "district_ambiguous"
PROBLEM_COMMUNE_MISSING = "commune_missing"  # the text has no xã/phường part
PROBLEM_COMMUNE_UNKNOWN = "commune_unknown"  # not in the old list (renamed or merged before 2025?)
PROBLEM_COMMUNE_AMBIGUOUS = "commune_ambiguous"  # same name in several old districts, none given
PROBLEM_COMMUNE_SPLIT = "commune_split"  # the old commune was divided among several new ones
PROBLEM_COMMUNE_NOT_CONVERTED = "commune_not_converted"  # the conversion table has no entry


@dataclass(frozen=True)
class OldAddressMatch:
    """A card's address split into parts and converted to current units where the data allows.

    `province`/`commune` are set only when the conversion is unambiguous; otherwise `problems` says why and
    `commune_candidates` lists the new communes an old one was divided into.
    """

    text: str
    street: str
    old_commune: str
    old_district: str
    old_province: str
    province: Province | None = None
    commune: Commune | None = None
    commune_candidates: tuple[Commune, ...] = ()
    province_candidates: tuple[Province, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)
    already_current: bool = False  # the text was already a two-level address with current names

    @property
    def complete(self) -> bool:
        return self.province is not None and self.commune is not None and not self.problems

    def to_address(self) -> Address | None:
        if self.province is None or self.commune is None:
            return None
        p, c = self.province, self.commune
        return Address(p.code, p.name, c.code, c.name, self.street)


@dataclass(frozen=True)
class _OldWard:
    code: int
    name: str
    district: int
    partly_merged: bool
    new_communes: tuple[int, ...]


class _Units:
    """All unit tables and their search indexes, loaded from units.json once."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.source: str = data["source"]
        self.provinces = {int(c): Province(f"{c:02d}", nfc(n)) for c, n in data["provinces"]}
        self.communes = {int(c): Commune(f"{c:05d}", nfc(n), f"{p:02d}") for c, n, p in data["communes"]}
        self.by_province: dict[str, list[Commune]] = {p.code: [] for p in self.provinces.values()}
        for commune in self.communes.values():
            self.by_province[commune.province_code].append(commune)
        for items in self.by_province.values():
            items.sort(key=lambda c: collation_key(c.short_name))
        self.sorted_provinces = sorted(self.provinces.values(), key=lambda p: collation_key(p.short_name))
        self.folded = {c.code: _number_words(c.name) for c in self.communes.values()}
        # Old three-level units, indexed by folded base name.
        self.old_provinces: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
        for code, name, new in data["old_provinces"]:
            self.old_provinces.setdefault(_base(name, _OLD_PROVINCE_TYPES), []).append((code, tuple(new)))
        self.old_districts: dict[tuple[int, str], list[tuple[int, str]]] = {}
        for code, name, province in data["old_districts"]:
            kind, base = _split_type(name, _DISTRICT_TYPES)
            self.old_districts.setdefault((province, base), []).append((code, kind))
        self.old_district_province = {code: province for code, _, province in data["old_districts"]}
        self.old_wards: dict[str, list[_OldWard]] = {}
        for code, name, district, partly, new in data["old_wards"]:
            ward = _OldWard(code, nfc(name), district, bool(partly), tuple(new))
            self.old_wards.setdefault(_base(name, _COMMUNE_TYPES), []).append(ward)

    def current_province(self, name: str) -> Province | None:
        wanted = _base(name, _OLD_PROVINCE_TYPES)
        hits = [p for p in self.provinces.values() if _base(p.name, _OLD_PROVINCE_TYPES) == wanted]
        return hits[0] if len(hits) == 1 else None


# Provinces renamed before the package's "old" snapshot, so cards may still print the earlier name.
_RENAMED_PROVINCES = {"thua thien hue": "hue"}  # Thành phố Huế from 1/1/2025 (NQ 175/2024/QH15)
# Unit-type words as printed on cards, folded, longest first; the value is the canonical type.
_OLD_PROVINCE_TYPES = {"thanh pho": "tp", "tinh": "tinh", "tp.": "tp", "tp": "tp"}
_DISTRICT_TYPES = {
    "thanh pho": "tp",
    "thi xa": "tx",
    "huyen": "huyen",
    "quan": "quan",
    "tp.": "tp",
    "tp": "tp",
    "tx.": "tx",
    "tx": "tx",
    "h.": "huyen",
    "q.": "quan",
}
_COMMUNE_TYPES = {
    "thi tran": "tt",
    "phuong": "phuong",
    "dac khu": "dk",
    "xa": "xa",
    "tt.": "tt",
    "tt": "tt",
    "p.": "phuong",
    "x.": "xa",
}


def _split_type(text: str, types: Mapping[str, str]) -> tuple[str, str]:
    """("huyen", "sa pa") for "Huyện Sa Pa"; ("", folded text) when no type word leads."""
    folded = _number_words(text)
    for word in sorted(types, key=len, reverse=True):
        if folded.startswith(word) and len(folded) > len(word):
            rest = folded[len(word) :]
            if word.endswith(".") or rest.startswith(" "):
                return types[word], rest.strip()
    return "", folded


def _base(text: str, types: Mapping[str, str]) -> str:
    return _split_type(text, types)[1]


@functools.cache
def _units() -> _Units:
    raw = resources.files("resources.addresses").joinpath("units.json").read_text("utf-8")
    return _Units(json.loads(raw))


def data_source() -> str:
    """Which package and data date the unit tables come from (for the officer's "about" screen)."""
    return _units().source


def provinces() -> list[Province]:
    """The 34 provinces and centrally-run cities, in Vietnamese alphabetical order of their short names."""
    return list(_units().sorted_provinces)


def province(code: str) -> Province:
    """Raises KeyError for an unknown code."""
    found = _units().provinces.get(_int_code(code))
    if found is None:
        raise KeyError(code)
    return found


def communes(province_code: str) -> list[Commune]:
    """The communes, wards and special zones of a province, in alphabetical order of their short names."""
    return list(_units().by_province.get(province(province_code).code, []))


def commune(code: str) -> Commune:
    found = _units().communes.get(_int_code(code))
    if found is None:
        raise KeyError(code)
    return found


def search_provinces(query: str) -> list[Province]:
    """Provinces whose name contains `query`, ignoring tones and case; name starts first."""
    return _rank(provinces(), query, lambda p: _number_words(p.name), lambda p: _number_words(p.short_name))


def search_communes(province_code: str, query: str) -> list[Commune]:
    """Communes of the province whose name contains `query` ignoring tones and case ("tam thang" finds
    "Xã Tam Thăng"); names starting with it first, then matches at a word start, then anywhere."""
    folded = _units().folded
    items = communes(province_code)
    return _rank(items, query, lambda c: folded[c.code], lambda c: _number_words(c.short_name))


def _rank(items: list[_T], query: str, full: Callable[[_T], str], short: Callable[[_T], str]) -> list[_T]:
    wanted = _number_words(query)
    if not wanted:
        return list(items)
    starts, word_starts, inside = [], [], []
    for item in items:
        name = full(item)
        if short(item).startswith(wanted) or name.startswith(wanted):
            starts.append(item)
        elif f" {wanted}" in f" {name}":
            word_starts.append(item)
        elif wanted in name:
            inside.append(item)
    return starts + word_starts + inside


def _int_code(code: str) -> int:
    try:
        return int(code)
    except (TypeError, ValueError):
        raise KeyError(code) from None


def parse_old_address(text: str) -> OldAddressMatch:
    """Split a card address ("Thôn Lao Chải 1, Xã Lao Chải, Huyện Sa Pa, Tỉnh Lào Cai") and convert it.

    Parts are read from the end: province, then a quận/huyện/thị xã/thành phố part if present, then the
    xã/phường/thị trấn part; the rest is the street part. A district, when given, restricts the commune
    search to that district: a same-named commune elsewhere is never taken instead. An address already in
    the two-level form with current names is recognised as such.
    """
    units = _units()
    clean = nfc(" ".join(text.split()))
    parts = [p.strip() for p in clean.split(",") if p.strip()]
    if not parts:
        return OldAddressMatch(clean, "", "", "", "", problems=(PROBLEM_UNPARSED,))
    old_province = parts.pop()
    old_district = ""
    if parts and _split_type(parts[-1], _DISTRICT_TYPES)[0]:
        old_district = parts.pop()
    old_commune = ""
    if parts and _split_type(parts[-1], _COMMUNE_TYPES)[0]:
        old_commune = parts.pop()
    street = ", ".join(parts)
    match = functools.partial(OldAddressMatch, clean, street, old_commune, old_district, old_province)

    if not old_district:
        current = _as_current(units, old_province, old_commune)
        if current is not None:
            return match(province=current[0], commune=current[1], already_current=True)

    province_base = _base(old_province, _OLD_PROVINCE_TYPES)
    province_base = _RENAMED_PROVINCES.get(province_base, province_base)
    province_entries = units.old_provinces.get(province_base, [])
    if not province_entries:
        return match(problems=(PROBLEM_PROVINCE_UNKNOWN,))
    old_province_code, new_codes = province_entries[0]
    province_candidates = tuple(units.provinces[c] for c in new_codes)
    problems: list[str] = []

    districts: set[int] | None = None  # None: no district given, search the whole old province
    if old_district:
        kind, base = _split_type(old_district, _DISTRICT_TYPES)
        found = units.old_districts.get((old_province_code, base), [])
        same_kind = [code for code, k in found if k == kind]
        if len(found) == 1:
            districts = {found[0][0]}  # type may have changed since printing (Huyện → Thị xã Sa Pa)
        elif len(same_kind) == 1:
            districts = set(same_kind)
        else:
            problems.append(PROBLEM_DISTRICT_AMBIGUOUS if found else PROBLEM_DISTRICT_UNKNOWN)

    new_commune: Commune | None = None
    commune_candidates: tuple[Commune, ...] = ()
    if not old_commune:
        problems.append(PROBLEM_COMMUNE_MISSING)
    elif not problems:
        kind, base = _split_type(old_commune, _COMMUNE_TYPES)
        wards = [
            w
            for w in units.old_wards.get(base, [])
            if units.old_district_province.get(w.district) == old_province_code
            and (districts is None or w.district in districts)
        ]
        if len(wards) > 1:
            typed = [w for w in wards if _split_type(w.name, _COMMUNE_TYPES)[0] == kind]
            wards = typed if len(typed) == 1 else wards
        if not wards:
            problems.append(PROBLEM_COMMUNE_UNKNOWN)
        elif len(wards) > 1:
            problems.append(PROBLEM_COMMUNE_AMBIGUOUS)
        elif not wards[0].new_communes:
            problems.append(PROBLEM_COMMUNE_NOT_CONVERTED)
        elif len(wards[0].new_communes) > 1:
            problems.append(PROBLEM_COMMUNE_SPLIT)
            commune_candidates = tuple(units.communes[c] for c in wards[0].new_communes)
        else:
            new_commune = units.communes[wards[0].new_communes[0]]

    new_province: Province | None = None
    if new_commune is not None:
        new_province = units.provinces[int(new_commune.province_code)]
    elif commune_candidates and len({c.province_code for c in commune_candidates}) == 1:
        new_province = units.provinces[int(commune_candidates[0].province_code)]
    elif len(province_candidates) == 1:
        new_province = province_candidates[0]
    else:
        problems.append(PROBLEM_PROVINCE_AMBIGUOUS)
    return match(
        province=new_province,
        commune=new_commune,
        commune_candidates=commune_candidates,
        province_candidates=province_candidates if new_province is None else (),
        problems=tuple(problems),
    )


def _as_current(units: _Units, province_text: str, commune_text: str) -> tuple[Province, Commune] | None:
    found = units.current_province(province_text)
    if found is None or not commune_text:
        return None
    wanted = _number_words(commune_text)
    hits = [c for c in units.by_province[found.code] if units.folded[c.code] == wanted]
    return (found, hits[0]) if len(hits) == 1 else None
