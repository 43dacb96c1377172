"""Machine readable zone: check digits (ICAO 9303-3 §4.9) and TD1 / TD3 layouts (9303-5, 9303-4)."""

from __future__ import annotations

from dataclasses import dataclass

from devices.card.icao.lds.errors import LdsError

_WEIGHTS = (7, 3, 1)


def _char_value(char: str) -> int:
    if char.isdigit():
        return ord(char) - 48
    if "A" <= char <= "Z":
        return ord(char) - 55
    if char == "<":
        return 0
    raise LdsError(f"character {char!r} is not allowed in an MRZ")


def check_digit(field: str) -> str:
    """ICAO 9303-3 §4.9: weights 7, 3, 1 repeated, sum modulo 10."""
    total = sum(_char_value(ch) * _WEIGHTS[i % 3] for i, ch in enumerate(field))
    return str(total % 10)


def mrz_information(document_number: str, date_of_birth: str, date_of_expiry: str) -> str:
    """The MRZ_information the BAC and PACE-MRZ keys are derived from (9303-11 §4.3.2, §4.4.4).

    Document number padded with '<' to at least 9 characters, each field followed by its check
    digit. An empty expiry (a CCCD "Không thời hạn") is taken as six fillers.
    """
    number = document_number.upper().ljust(9, "<")
    expiry = date_of_expiry or "<<<<<<"
    for name, value in (("date of birth", date_of_birth), ("date of expiry", expiry)):
        if len(value) != 6:
            raise LdsError(f"{name} must be YYMMDD")
    return (
        number
        + check_digit(number)
        + date_of_birth
        + check_digit(date_of_birth)
        + expiry
        + check_digit(expiry)
    )


@dataclass(frozen=True)
class Mrz:
    """A parsed MRZ (TD1: 3 × 30 characters; TD3: 2 × 44)."""

    layout: str  # "TD1" or "TD3"
    document_code: str
    issuing_state: str
    document_number: str
    date_of_birth: str  # YYMMDD
    sex: str  # M / F / <
    date_of_expiry: str  # YYMMDD
    nationality: str
    primary_identifier: str  # surname
    secondary_identifier: str  # given names
    optional_data: str
    optional_data_2: str
    failed_checks: tuple[str, ...]  # the fields whose check digit is wrong, in MRZ order
    text: str

    @property
    def check_digits_valid(self) -> bool:
        return not self.failed_checks

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.primary_identifier, self.secondary_identifier) if part)


def _names(field: str) -> tuple[str, str]:
    primary, _, secondary = field.partition("<<")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip()


def parse_mrz(text: str) -> Mrz:
    for char in text:
        _char_value(char)
    if len(text) == 90:
        return _parse_td1(text)
    if len(text) == 88:
        return _parse_td3(text)
    raise LdsError(f"an MRZ of {len(text)} characters is neither TD1 (90) nor TD3 (88)")


def _failed(*checks: tuple[str, str, str]) -> tuple[str, ...]:
    return tuple(name for name, field, digit in checks if check_digit(field) != digit)


def _parse_td1(text: str) -> Mrz:
    line1, line2, line3 = text[:30], text[30:60], text[60:]
    number, number_check, optional1 = line1[5:14], line1[14], line1[15:30]
    if number_check == "<" and optional1.strip("<"):
        # 9303-5 §4.2.2: a number longer than 9 characters continues in the optional data,
        # its check digit follows the last character.
        extra, _, rest = optional1.partition("<")
        number, number_check, optional1 = number + extra[:-1], extra[-1:], rest
    failed = _failed(
        ("document number", number, number_check),
        ("date of birth", line2[0:6], line2[6]),
        ("date of expiry", line2[8:14], line2[14]),
        ("composite", line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29], line2[29]),
    )
    primary, secondary = _names(line3)
    return Mrz(
        layout="TD1",
        document_code=line1[0:2].replace("<", ""),
        issuing_state=line1[2:5].replace("<", ""),
        document_number=number.replace("<", ""),
        date_of_birth=line2[0:6],
        sex=line2[7],
        date_of_expiry=line2[8:14],
        nationality=line2[15:18].replace("<", ""),
        primary_identifier=primary,
        secondary_identifier=secondary,
        optional_data=optional1.rstrip("<"),
        optional_data_2=line2[18:29].rstrip("<"),
        failed_checks=failed,
        text=text,
    )


def _parse_td3(text: str) -> Mrz:
    line1, line2 = text[:44], text[44:]
    failed = _failed(
        ("document number", line2[0:9], line2[9]),
        ("date of birth", line2[13:19], line2[19]),
        ("date of expiry", line2[21:27], line2[27]),
        ("composite", line2[0:10] + line2[13:20] + line2[21:43], line2[43]),
    )
    primary, secondary = _names(line1[5:44])
    return Mrz(
        layout="TD3",
        document_code=line1[0:2].replace("<", ""),
        issuing_state=line1[2:5].replace("<", ""),
        document_number=line2[0:9].replace("<", ""),
        date_of_birth=line2[13:19],
        sex=line2[20],
        date_of_expiry=line2[21:27],
        nationality=line2[10:13].replace("<", ""),
        primary_identifier=primary,
        secondary_identifier=secondary,
        optional_data=line2[28:42].rstrip("<"),
        optional_data_2="",
        failed_checks=failed,
        text=text,
    )


def _field(value: str, width: int) -> str:
    value = value.upper().replace(" ", "<")
    if len(value) > width:
        return value[:width]
    return value.ljust(width, "<")


def _name_field(primary: str, secondary: str, width: int) -> str:
    field = _field(primary, len(primary)) + "<<" + _field(secondary, len(secondary))
    return _field(field, width)


def build_td1(
    *,
    document_code: str,
    issuing_state: str,
    document_number: str,
    optional_data: str,
    date_of_birth: str,
    sex: str,
    date_of_expiry: str,
    nationality: str,
    primary_identifier: str,
    secondary_identifier: str,
    optional_data_2: str = "",
) -> str:
    """Compose a TD1 MRZ (9303-5 §4.2) with its check digits; names already transliterated."""
    number = _field(document_number, 9)
    line1 = _field(document_code, 2) + _field(issuing_state, 3) + number + check_digit(number)
    line1 += _field(optional_data, 15)
    expiry = date_of_expiry or "<<<<<<"
    line2 = date_of_birth + check_digit(date_of_birth) + (sex or "<") + expiry + check_digit(expiry)
    line2 += _field(nationality, 3) + _field(optional_data_2, 11)
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return line1 + line2 + _name_field(primary_identifier, secondary_identifier, 30)


def build_td3(
    *,
    document_code: str,
    issuing_state: str,
    document_number: str,
    date_of_birth: str,
    sex: str,
    date_of_expiry: str,
    nationality: str,
    primary_identifier: str,
    secondary_identifier: str,
    personal_number: str = "",
) -> str:
    """Compose a TD3 MRZ (9303-4 §4.2) with its check digits."""
    line1 = _field(document_code, 2) + _field(issuing_state, 3)
    line1 += _name_field(primary_identifier, secondary_identifier, 39)
    number = _field(document_number, 9)
    personal = _field(personal_number, 14)
    line2 = number + check_digit(number) + _field(nationality, 3)
    line2 += date_of_birth + check_digit(date_of_birth) + (sex or "<")
    line2 += date_of_expiry + check_digit(date_of_expiry) + personal + check_digit(personal)
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return line1 + line2
