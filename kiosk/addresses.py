"""Vietnam's administrative units after 1 July 2025 (34 provinces, 3,321 communes) and old card addresses.

Since NQ 202/2025/QH15 an address is house/village/street – xã/phường/đặc khu – tỉnh/thành phố; cards
issued earlier still print the three-level form with a quận/huyện. The unit lists and the old → new
conversion come from the `vietnam-provinces` package (GSO codes), extracted to
resources/addresses/units.json by resources/addresses/build_units.py and read from the index that
resources/addresses/build_index.py makes of it. Nothing here is typed by hand.

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
    kind: str  # unit type as in _COMMUNE_TYPES' values


def _index(name: str) -> Any:
    """One file of resources/addresses/index (see build_index.py there for what each holds)."""
    return json.loads(resources.files("resources.addresses.index").joinpath(name).read_text("utf-8"))


class _Country:
    """What every look-up needs: the provinces, old provinces and which province each commune is in.

    The tables are split by province and each part loads on first use (a few ms): loading them all
    at once, folding and sorting 13,000 names, held the interpreter for ~85 ms on the first card read.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.source: str = data["source"]
        self.sorted_provinces = [Province(f"{c:02d}", n) for c, n, _ in data["provinces"]]
        self.provinces = {int(p.code): p for p in self.sorted_provinces}
        self.province_bases = {c: base for c, _, base in data["provinces"]}
        self.old_provinces: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
        for code, base, new in data["old_provinces"]:
            self.old_provinces.setdefault(base, []).append((code, tuple(new)))
        self.commune_province: dict[int, int] = dict(data["commune_province"])

    def current_province(self, name: str) -> Province | None:
        wanted = _base(name, _OLD_PROVINCE_TYPES)
        hits = [self.provinces[c] for c, base in self.province_bases.items() if base == wanted]
        return hits[0] if len(hits) == 1 else None


@dataclass(frozen=True)
class _ProvinceCommunes:
    """The communes of one current province in alphabetical order, with their folded names."""

    items: tuple[Commune, ...]
    folded: Mapping[str, str]  # commune code -> folded full name
    folded_short: Mapping[str, str]


@dataclass(frozen=True)
class _OldProvince:
    """One pre-2025 province: its districts and wards, by folded base name."""

    districts: Mapping[str, tuple[tuple[int, str], ...]]  # base -> (district code, type)
    wards: Mapping[str, tuple[_OldWard, ...]]


@functools.cache
def _country() -> _Country:
    return _Country(_index("provinces.json"))


@functools.cache
def _communes_of(province_code: int) -> _ProvinceCommunes:
    rows = _index(f"communes-{province_code:02d}.json")
    code = f"{province_code:02d}"
    items = tuple(Commune(f"{c:05d}", name, code) for c, name, _, _ in rows)
    return _ProvinceCommunes(
        items,
        {f"{c:05d}": folded for c, _, folded, _ in rows},
        {f"{c:05d}": short for c, _, _, short in rows},
    )


@functools.cache
def _old_province(code: int) -> _OldProvince:
    data = _index(f"old-{code:02d}.json")
    districts: dict[str, list[tuple[int, str]]] = {}
    for district, base, kind in data["districts"]:
        districts.setdefault(base, []).append((district, kind))
    wards: dict[str, list[_OldWard]] = {}
    for ward, name, district, partly, new, base, kind in data["wards"]:
        wards.setdefault(base, []).append(_OldWard(ward, name, district, bool(partly), tuple(new), kind))
    return _OldProvince({k: tuple(v) for k, v in districts.items()}, {k: tuple(v) for k, v in wards.items()})


def _commune_by_number(code: int) -> Commune | None:
    province_code = _country().commune_province.get(code)
    if province_code is None:
        return None
    wanted = f"{code:05d}"
    return next(c for c in _communes_of(province_code).items if c.code == wanted)


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


def data_source() -> str:
    """Which package and data date the unit tables come from (for the officer's "about" screen)."""
    return _country().source


def provinces() -> list[Province]:
    """The 34 provinces and centrally-run cities, in Vietnamese alphabetical order of their short names."""
    return list(_country().sorted_provinces)


def province(code: str) -> Province:
    """Raises KeyError for an unknown code."""
    found = _country().provinces.get(_int_code(code))
    if found is None:
        raise KeyError(code)
    return found


def communes(province_code: str) -> list[Commune]:
    """The communes, wards and special zones of a province, in alphabetical order of their short names."""
    return list(_communes_of(int(province(province_code).code)).items)


def commune(code: str) -> Commune:
    found = _commune_by_number(_int_code(code))
    if found is None:
        raise KeyError(code)
    return found


def search_provinces(query: str) -> list[Province]:
    """Provinces whose name contains `query`, ignoring tones and case; name starts first."""
    return _rank(provinces(), query, lambda p: _number_words(p.name), lambda p: _number_words(p.short_name))


def search_communes(province_code: str, query: str) -> list[Commune]:
    """Communes of the province whose name contains `query` ignoring tones and case ("tam thang" finds
    "Xã Tam Thăng"); names starting with it first, then matches at a word start, then anywhere."""
    table = _communes_of(int(province(province_code).code))
    return _rank(
        list(table.items), query, lambda c: table.folded[c.code], lambda c: table.folded_short[c.code]
    )


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
    country = _country()
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
        current = _as_current(country, old_province, old_commune)
        if current is not None:
            return match(province=current[0], commune=current[1], already_current=True)

    province_base = _base(old_province, _OLD_PROVINCE_TYPES)
    province_base = _RENAMED_PROVINCES.get(province_base, province_base)
    province_entries = country.old_provinces.get(province_base, [])
    if not province_entries:
        return match(problems=(PROBLEM_PROVINCE_UNKNOWN,))
    old_province_code, new_codes = province_entries[0]
    province_candidates = tuple(country.provinces[c] for c in new_codes)
    old = _old_province(old_province_code)
    problems: list[str] = []

    districts: set[int] | None = None  # None: no district given, search the whole old province
    if old_district:
        kind, base = _split_type(old_district, _DISTRICT_TYPES)
        found = old.districts.get(base, ())
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
        wards = [w for w in old.wards.get(base, ()) if districts is None or w.district in districts]
        if len(wards) > 1:
            typed = [w for w in wards if w.kind == kind]
            wards = typed if len(typed) == 1 else wards
        if not wards:
            problems.append(PROBLEM_COMMUNE_UNKNOWN)
        elif len(wards) > 1:
            problems.append(PROBLEM_COMMUNE_AMBIGUOUS)
        elif not wards[0].new_communes:
            problems.append(PROBLEM_COMMUNE_NOT_CONVERTED)
        elif len(wards[0].new_communes) > 1:
            problems.append(PROBLEM_COMMUNE_SPLIT)
            commune_candidates = tuple(_existing_commune(c) for c in wards[0].new_communes)
        else:
            new_commune = _existing_commune(wards[0].new_communes[0])

    new_province: Province | None = None
    if new_commune is not None:
        new_province = country.provinces[int(new_commune.province_code)]
    elif commune_candidates and len({c.province_code for c in commune_candidates}) == 1:
        new_province = country.provinces[int(commune_candidates[0].province_code)]
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


def _existing_commune(code: int) -> Commune:
    found = _commune_by_number(code)
    if found is None:  # the conversion table names a commune the unit list lacks: a data error
        raise KeyError(f"{code:05d}")
    return found


def _as_current(country: _Country, province_text: str, commune_text: str) -> tuple[Province, Commune] | None:
    found = country.current_province(province_text)
    if found is None or not commune_text:
        return None
    wanted = _number_words(commune_text)
    table = _communes_of(int(found.code))
    hits = [c for c in table.items if table.folded[c.code] == wanted]
    return (found, hits[0]) if len(hits) == 1 else None
