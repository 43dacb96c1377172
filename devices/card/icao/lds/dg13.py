"""DG13 of the Vietnamese CCCD: personal data keyed by integers (not an ICAO-defined layout).

Layout (see docs/reference cccd-chip.md, "Verified from open-source readers"):
    6D { 30 { 02 01 01, 06 OID 1.0.10646.1.0.8, 31 { 30 { 02 kk, value... } ... } } }
Entries are read **by key**, never by position: any key may be missing, key 14 may be present
with no value, key 13 holds the parents either in one SEQUENCE of two strings or in one SEQUENCE
per name. Every string found under an entry is collected in order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from devices.card.icao.lds import tlv
from devices.card.icao.lds.errors import LdsError

UTF8_MARKER_OID = bytes.fromhex("28D316010008")  # 1.0.10646.1.0.8

KEY_ID = 1
KEY_NAME = 2
KEY_DOB = 3
KEY_SEX = 4
KEY_NATIONALITY = 5
KEY_ETHNICITY = 6
KEY_RELIGION = 7
KEY_HOMETOWN = 8
KEY_RESIDENCE = 9
KEY_MARKS = 10
KEY_ISSUE_DATE = 11
KEY_EXPIRY = 12
KEY_PARENTS = 13
KEY_SPOUSE = 14
KEY_OLD_ID = 15
KEY_CARD_SERIAL = 16

TAG_UTF8 = 0x0C
TAG_PRINTABLE = 0x13
TAG_IA5 = 0x16
_STRING_TAGS = (TAG_UTF8, TAG_PRINTABLE, TAG_IA5)
MAX_DEPTH = 8


@dataclass(frozen=True)
class Dg13:
    """The decoded entries: key → strings in order (empty tuple: key present with no value)."""

    entries: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def first(self, key: int) -> str:
        values = self.entries.get(key, ())
        return values[0] if values else ""

    @property
    def id_number(self) -> str:
        return self.first(KEY_ID)

    @property
    def full_name(self) -> str:
        return self.first(KEY_NAME)

    @property
    def father(self) -> str:
        return self.first(KEY_PARENTS)

    @property
    def mother(self) -> str:
        parents = self.entries.get(KEY_PARENTS, ())
        return parents[1] if len(parents) > 1 else ""

    @property
    def spouse(self) -> str:
        return self.first(KEY_SPOUSE)

    def as_fields(self) -> dict[str, str]:
        """Named fields (the names of `devices.card.Holder`)."""
        return {
            "id_number": self.id_number,
            "full_name": self.full_name,
            "date_of_birth": self.first(KEY_DOB),
            "sex": self.first(KEY_SEX),
            "nationality": self.first(KEY_NATIONALITY),
            "ethnicity": self.first(KEY_ETHNICITY),
            "religion": self.first(KEY_RELIGION),
            "hometown": self.first(KEY_HOMETOWN),
            "residence": self.first(KEY_RESIDENCE),
            "identifying_marks": self.first(KEY_MARKS),
            "issue_date": self.first(KEY_ISSUE_DATE),
            "expiry_date": self.first(KEY_EXPIRY),
            "father": self.father,
            "mother": self.mother,
            "spouse": self.spouse,
            "old_id_number": self.first(KEY_OLD_ID),
            "card_serial": self.first(KEY_CARD_SERIAL),
        }


def _decode_string(item: tlv.Tlv) -> str:
    try:
        text = item.value.decode("utf-8") if item.tag == TAG_UTF8 else item.value.decode("ascii")
    except UnicodeDecodeError as exc:
        raise LdsError(f"DG13 string (tag {item.tag:02X}) is not valid text") from exc
    return unicodedata.normalize("NFC", text)


def _strings(items: list[tlv.Tlv], depth: int = 0) -> list[str]:
    if depth > MAX_DEPTH:
        raise LdsError("DG13 nested too deeply")
    found: list[str] = []
    for item in items:
        if item.tag in _STRING_TAGS:
            found.append(_decode_string(item))
        elif item.constructed:
            found.extend(_strings(item.children(), depth + 1))
    return found


def _key(item: tlv.Tlv) -> int:
    if item.tag != 0x02 or not 1 <= len(item.value) <= 2:
        raise LdsError("DG13 entry must start with a small INTEGER key")
    return int.from_bytes(item.value, "big")


def parse_dg13(data: bytes) -> Dg13:
    root = tlv.parse_single(data, 0x6D)
    sequence = root.child(0x30)
    entries: dict[int, tuple[str, ...]] = {}
    sets = [item for item in sequence.children() if item.tag == 0x31]
    if not sets:
        raise LdsError("DG13 has no SET of entries")
    for entry_set in sets:
        for entry in entry_set.children():
            if entry.tag != 0x30:
                raise LdsError("DG13 entry must be a SEQUENCE")
            parts = entry.children()
            if not parts:
                raise LdsError("empty DG13 entry")
            key = _key(parts[0])
            entries[key] = entries.get(key, ()) + tuple(_strings(parts[1:]))
    return Dg13(entries)
