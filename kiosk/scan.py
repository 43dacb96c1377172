"""What a scanned line is: a status-slip payload, a tracking code, an ID card's QR, or unknown.

ID card QR layouts (the project's chip reference, `cccd-chip.md`):

- 2021 CCCD, front: 7 fields separated by ``|``:
  ``ID (12 digits) | old CMND (9 digits, may be empty) | full name | DOB ddmmyyyy | sex | address |
  issue date ddmmyyyy``. Confirmed by several sources: parsed by position, every field validated
  (the date of birth and sex against the ID number's encoding, below). A keyboard-wedge scanner
  cannot type "ữ": a sex field it garbled ("N?", "N") is accepted as unknown sex, not refused.
- 2024 thẻ căn cước, back: more content (ID, name, DOB, sex, residence, issue date, old CMND,
  cancelled ID numbers, parents' names) in an order and with a separator no source confirms. So
  it is *not* parsed by position: the ID is recognised as the one 12-digit field whose
  century/sex/year digits agree with a date in the line (its date of birth), dates by their shape.
  Nothing else is guessed: name and address stay empty.

The 12-digit personal ID encodes (Thông tư 07/2016/TT-BCA): 3 digits province of birth
registration, 1 digit century and sex (0/1 = 20th century male/female, 2/3 = 21st, 4/5 = 22nd…),
2 digits year of birth, 6 serial digits. The chip's CAN is the ID's last 6 digits.

Never raises on any input; `ScanResult.problem` says in plain words why a line was not accepted,
without repeating personal data (it goes to logs).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from dataclasses import dataclass, field

from kiosk.trackcode import normalize

_ID = re.compile(r"[0-9]{12}")
_OLD_ID = re.compile(r"[0-9]{9}")
_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})|([0-9]{2})/([0-9]{2})/([0-9]{4})")
_SEPARATORS = re.compile(r"[|;\t\r\n]")
_MIN_YEAR = 1900
# A status slip's payload (`kiosk.slip`: "KS<version>.<station>.<code>.…"), told by its prefix
# here, without the slip module's signature crypto: the kiosk's UI process recognises a scanned
# slip, the station worker verifies it.
_LOOKS_LIKE_SLIP = re.compile(r"KS[0-9]+\..*", re.DOTALL)


def looks_like_slip(text: str) -> bool:
    """True when `text` is meant as a slip payload (right prefix), whether or not it verifies."""
    return _LOOKS_LIKE_SLIP.fullmatch(text.strip().upper()) is not None


class ScanKind(enum.Enum):
    SLIP = "slip"  # a status-slip payload (prefix only: verify it with kiosk.slip)
    TRACKING_CODE = "tracking_code"  # a bare tracking code with a correct check character
    CCCD_2021 = "cccd_2021"  # the 2021 CCCD front QR, all 7 fields valid
    CCCD_2024 = "cccd_2024"  # an ID card QR recognised by pattern (2024 card; order unconfirmed)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IdCardQr:
    """What an ID card's QR says. Empty strings / None where the layout does not say for sure."""

    id_number: str
    old_id: str = ""
    full_name: str = ""
    date_of_birth: dt.date | None = None
    sex: str = ""  # "Nam" or "Nữ"
    address: str = ""
    issue_date: dt.date | None = None

    @property
    def can(self) -> str:
        """The chip's card access number: the ID's last 6 digits (convention of CCCD readers)."""
        return self.id_number[-6:]

    def __repr__(self) -> str:  # personal data stays out of logs and tracebacks
        return f"IdCardQr(id_number='…{self.id_number[-3:]}')"


@dataclass(frozen=True)
class ScanResult:
    kind: ScanKind
    text: str = field(repr=False)  # the line as scanned, stripped (may hold personal data)
    tracking_code: str = ""  # TRACKING_CODE: canonical form
    card: IdCardQr | None = field(default=None, repr=False)  # CCCD_2021 / CCCD_2024
    problem: str = ""  # UNKNOWN: why, in words fit for a log

    @property
    def is_id_card(self) -> bool:
        return self.kind in (ScanKind.CCCD_2021, ScanKind.CCCD_2024)


def parse_scan(line: str) -> ScanResult:
    """Classify one scanned (or typed) line."""
    text = line.strip()
    if not text:
        return ScanResult(ScanKind.UNKNOWN, text, problem="empty line")
    if looks_like_slip(text):
        return ScanResult(ScanKind.SLIP, text)
    code = normalize(text)
    if code is not None:
        return ScanResult(ScanKind.TRACKING_CODE, text, tracking_code=code)
    fields = [f.strip() for f in text.split("|")]
    if len(fields) == 7 and _ID.fullmatch(fields[0]) and (not fields[1] or fields[1].isdigit()):
        # The 2021 shape: from here on every field must be right, or the line is refused.
        card, problem = _parse_2021(fields)
        if card is None:
            return ScanResult(
                ScanKind.UNKNOWN, text, problem=f"CCCD QR (2021 layout) not accepted: {problem}"
            )
        return ScanResult(ScanKind.CCCD_2021, text, card=card)
    tokens = [t.strip() for t in _SEPARATORS.split(text)]
    if len(tokens) >= 3:
        card, problem = _recognise_card(tokens)
        if card is not None:
            return ScanResult(ScanKind.CCCD_2024, text, card=card)
        return ScanResult(ScanKind.UNKNOWN, text, problem=f"not an ID card QR: {problem}")
    return ScanResult(ScanKind.UNKNOWN, text, problem="not a slip, tracking code or ID card QR")


# -- fields -----------------------------------------------------------------------------------------


def parse_date(token: str) -> dt.date | None:
    """A date written ddmmyyyy or dd/mm/yyyy, or None."""
    match = _DATE.fullmatch(token)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups() if g is not None)
    if year < _MIN_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_sex(token: str) -> str:
    """'Nam' or 'Nữ' however a scanner delivered it ('NỮ', 'Nu', decomposed accents), else ''."""
    decomposed = unicodedata.normalize("NFD", token.strip())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return {"nam": "Nam", "nu": "Nữ"}.get(folded, "")


def _garbled(token: str) -> bool:
    """A field a keyboard-wedge scanner could not type: it drops or replaces letters such as 'ữ'."""
    return "?" in token or any(ord(ch) > 127 for ch in token) or token in ("N", "n")


def birth_encoded(id_number: str) -> tuple[int, str]:
    """(year of birth, sex) as encoded in a 12-digit ID: digit 4 is century and sex, 5–6 the year."""
    code = int(id_number[3])
    return 1900 + 100 * (code // 2) + int(id_number[4:6]), ("Nam" if code % 2 == 0 else "Nữ")


def _parse_2021(fields: list[str]) -> tuple[IdCardQr | None, str]:
    id_number, old_id, name, dob_text, sex_text, address, issued_text = fields
    if not _ID.fullmatch(id_number):
        return None, "ID number (field 1) is not 12 digits"
    if old_id and not (_OLD_ID.fullmatch(old_id) or _ID.fullmatch(old_id)):
        return None, "old ID (field 2) is neither empty nor 9 or 12 digits"
    dob = parse_date(dob_text)
    if dob is None:
        return None, "date of birth (field 4) is not a valid ddmmyyyy date"
    year, encoded_sex = birth_encoded(id_number)
    if dob.year != year:
        return None, "date of birth does not match the year encoded in the ID number"
    sex = parse_sex(sex_text)
    if sex and sex != encoded_sex:
        return None, "sex (field 5) does not match the ID number"
    if not sex and not _garbled(sex_text):
        return None, "sex (field 5) is neither Nam nor Nữ"
    issued = parse_date(issued_text)
    if issued is None:
        return None, "issue date (field 7) is not a valid ddmmyyyy date"
    if issued < dob:
        return None, "issue date is before the date of birth"
    card = IdCardQr(id_number, old_id, name, dob, sex, address, issued)
    return card, ""


def _recognise_card(tokens: list[str]) -> tuple[IdCardQr | None, str]:
    """Pattern recognition for layouts whose order is unconfirmed (2024 card)."""
    ids = list(dict.fromkeys(t for t in tokens if _ID.fullmatch(t)))
    if not ids:
        return None, "no 12-digit ID number"
    dates = sorted({d for t in tokens if (d := parse_date(t)) is not None})
    sexes = {s for t in tokens if (s := parse_sex(t))}
    matches: list[tuple[str, dt.date]] = []
    for id_number in ids:
        year, encoded_sex = birth_encoded(id_number)
        if sexes and encoded_sex not in sexes:
            continue
        births = [d for d in dates if d.year == year]
        if births:
            matches.append((id_number, births[0]))  # earliest: a baby's card is issued the year it is born
    if not matches:
        return None, "no 12-digit number agrees with a date of birth in the line"
    if len(matches) > 1:
        return None, "several 12-digit numbers agree with a date of birth: cannot tell which is the ID"
    id_number, dob = matches[0]
    _, sex = birth_encoded(id_number)
    later = [d for d in dates if d > dob]
    old_ids = [t for t in tokens if _OLD_ID.fullmatch(t)]
    return (
        IdCardQr(
            id_number,
            old_id=old_ids[0] if len(old_ids) == 1 else "",
            date_of_birth=dob,
            sex=sex if sex in sexes else "",
            issue_date=later[0] if len(later) == 1 else None,  # more than one later date: do not guess
        ),
        "",
    )
