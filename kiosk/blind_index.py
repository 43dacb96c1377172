"""The keyed blind index the console searches dossiers by, without storing a name in the clear.

Personal data is sealed at rest (`kiosk.sealing`), so the database cannot search it. Beside each
dossier the core stores HMAC-SHA256 tokens, keyed with the station's index key: one per word of
the holder's name folded to plain letters (NFC, tone marks dropped, đ → d, lower case), and one
for the ID number. "nguyen thi hang" then finds "Nguyễn Thị Hằng": the query is folded and keyed
the same way and every query token must be among the dossier's. Without the key the tokens say
nothing (a name's words cannot be guessed by hashing a dictionary of names).

Stored form: the tokens joined by single spaces with a space before each and at the end
(" t1 t2 "), so that a token is matched whole with `LIKE '% t1 %'`; the same tokens one per row
(`db.models.DossierNameTokenRow`, revision 0008) let the search find a token's dossiers by index
instead of reading every row. Every two distinct tokens of a name also make a pair row
(`name_pairs`, `db.models.DossierNamePairRow`, revision 0012): a query of two or more words then
starts from the shortest pair list, so that two common words that no name holds together find an
empty list at once instead of reading one word's hundred thousand dossiers.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KEY_SIZE = 32
TOKEN_HEX = 16  # 64 bits: a false match among a station's names is practically impossible
MAX_QUERY_TOKENS = 8  # a search box holds a name, not an essay

_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"[0-9]{9,12}")


def index_key_id(key: bytes) -> str:
    """Short public id of an index key, as recorded in the database (`kiosk.keys`)."""
    return hashlib.sha256(b"kiosk-index-key-id\x00" + key).hexdigest()[:16]


def fold(text: str) -> str:
    """Vietnamese text without tone marks or diacritics, lower case: "Nguyễn Đức" -> "nguyen duc"."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.lower()


def words(text: str) -> list[str]:
    """The folded words of a name, in order, without repeats."""
    return list(dict.fromkeys(_WORD.findall(fold(text))))


def is_id_number(text: str) -> bool:
    """A 12-digit citizen ID number (or the 9 digits of an old ID card)."""
    return bool(_DIGITS.fullmatch(text.strip()))


def joined(tokens: Iterable[str]) -> str:
    """The stored form: " t1 t2 " ("" for no tokens)."""
    listed = list(tokens)
    return f" {' '.join(listed)} " if listed else ""


def pair(first: str, second: str) -> str:
    """The pair row of two name tokens: both keyed tokens, the smaller first, so that the order of
    the words does not matter. Made of the tokens alone (no key) so that the migration can fill
    it in SQL from the stored tokens; it tells nothing the token rows of a dossier do not."""
    return first + second if first < second else second + first


def name_pairs(tokens: Iterable[str]) -> list[str]:
    """Every pair of distinct tokens of one name (3 for three words, 6 for four), in order."""
    distinct: Sequence[str] = list(dict.fromkeys(tokens))
    return [pair(a, b) for a, b in itertools.combinations(distinct, 2)]


@dataclass(frozen=True)
class Indexed:
    """What is stored beside a dossier: name tokens (stored form) and the ID number's token."""

    name_index: str
    id_index: str


class BlindIndex:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise ValueError(f"index key must be {KEY_SIZE} bytes, got {len(key)}")
        self._key = key

    def _token(self, kind: bytes, text: str) -> str:
        mac = hmac.new(self._key, kind + b"\x00" + text.encode(), hashlib.sha256)
        return mac.hexdigest()[:TOKEN_HEX]

    def name_tokens(self, name: str) -> list[str]:
        return [self._token(b"name", word) for word in words(name)]

    def id_token(self, id_number: str) -> str:
        digits = id_number.strip()
        return self._token(b"id", digits) if digits else ""

    def of_holder(self, holder: dict[str, str]) -> Indexed:
        """The index of a dossier's holder (`Dossier.holder`: full_name, id_number)."""
        return Indexed(
            joined(self.name_tokens(holder.get("full_name", ""))),
            self.id_token(holder.get("id_number", "")),
        )

    def query_tokens(self, text: str) -> list[str]:
        """Tokens a name query must all match; at most `MAX_QUERY_TOKENS` words are kept."""
        return self.name_tokens(text)[:MAX_QUERY_TOKENS]
