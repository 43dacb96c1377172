"""Text prepared for speech synthesis: the one function every voice backend calls (`for_speech`).

Synthesisers read digits badly (espeak-ng says "15" as "mười năm"), so numbers, money, dates and
times are written out as words here, and codes (tracking codes, ID and phone numbers, plates) are
spelled character by character in groups, with a pause between groups. Which is which is decided
from the text's shape: a run of six digits or more, a number with a leading zero, and an upper-case
letter+digit code are spelled; every other number is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# -- Vietnamese numbers ---------------------------------------------------------------------------

_VI_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_VI_SCALES = ("", "nghìn", "triệu")  # then "tỷ", which repeats: a thousand billion is "nghìn tỷ"


def _vi_group(n: int, full: bool) -> list[str]:
    """0 < n < 1000. `full`: a higher group was said before, so "không trăm" and "linh" are said
    too (1005 "một nghìn không trăm linh năm")."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_VI_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")  # 105 "một trăm linh năm" (in the South "lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_VI_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")  # 21 "hai mươi mốt", but 11 "mười một"
        elif units == 4 and tens >= 2:
            words.append("tư")  # 24 "hai mươi tư", but 14 "mười bốn"
        elif units == 5 and tens >= 1:
            words.append("lăm")  # 15 "mười lăm", 25 "hai mươi lăm", but 105 "một trăm linh năm"
        else:
            words.append(_VI_DIGITS[units])
    return words


def _vi_below_billion(n: int, full: bool) -> list[str]:
    words: list[str] = []
    for power in (2, 1, 0):
        group = n // 1000**power % 1000
        if group == 0:
            continue  # an empty middle group is not said: 1.000.500 "một triệu năm trăm"
        words += _vi_group(group, full)
        if _VI_SCALES[power]:
            words.append(_VI_SCALES[power])
        full = True
    return words


def vi_number(n: int) -> str:
    """A whole number ≥ 0 in Vietnamese words: 1.500.000 "một triệu năm trăm nghìn"."""
    if n < 0:
        raise ValueError(f"a count or an amount is never negative, got {n}")
    if n == 0:
        return "không"
    billions, rest = divmod(n, 10**9)
    words = [vi_number(billions), "tỷ"] if billions else []
    words += _vi_below_billion(rest, full=bool(billions))
    return " ".join(words)


# -- English numbers ------------------------------------------------------------------------------

_EN_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_EN_TENS = (
    "_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
_EN_SCALES = ("", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion")
_EN_ORDINAL_ENDS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _en_group(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = [_EN_ONES[hundreds], "hundred"] if hundreds else []
    if rest and words:
        words.append("and")
    if rest >= 20:
        tens, units = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_ONES[units]}" if units else ""))
    elif rest:
        words.append(_EN_ONES[rest])
    return words


def en_number(n: int) -> str:
    if n < 0:
        raise ValueError(f"a count or an amount is never negative, got {n}")
    if n == 0:
        return "zero"
    groups = []
    power = 0
    while n:
        n, group = divmod(n, 1000)
        if group:
            groups.append(" ".join(_en_group(group) + ([_EN_SCALES[power]] if _EN_SCALES[power] else [])))
        power += 1
    return " ".join(reversed(groups))


def _en_ordinal(n: int) -> str:
    words = en_number(n)
    head, sep, last = words.rpartition("-") if "-" in words else words.rpartition(" ")
    if last in _EN_ORDINAL_ENDS:
        last = _EN_ORDINAL_ENDS[last]
    else:
        last = last[:-1] + "ieth" if last.endswith("y") else last + "th"
    return head + sep + last


def _en_year(year: int) -> str:
    """2026 "twenty twenty-six", 2005 "two thousand and five", 1990 "nineteen ninety"."""
    high, low = divmod(year, 100)
    if year < 1100 or (high % 10 == 0 and low < 10):
        return en_number(year)
    if low == 0:
        return f"{en_number(high)} hundred"
    return f"{en_number(high)} {'oh ' + _EN_ONES[low] if low < 10 else en_number(low)}"


# -- spelling codes -------------------------------------------------------------------------------

_VI_LETTERS = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "E": "e", "F": "ép", "G": "giê", "H": "hát", "I": "i",
    "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ", "O": "o", "P": "pê", "Q": "quy",
    "R": "e rờ", "S": "ét xì", "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích xì",
    "Y": "i dài", "Z": "dét",
}  # fmt: skip


def _groups(chars: str) -> list[str]:
    """An unbroken code in groups of three, or four where three do not divide it (a phone number
    0912 345 678); a ten-character tracking code in its printed halves (kiosk.trackcode)."""
    if len(chars) == 10 and not chars.isdigit():
        return [chars[:5], chars[5:]]
    if len(chars) <= 5:
        return [chars]
    fours = len(chars) % 3  # 7 = 4+3, 8 = 4+4, 10 = 4+3+3
    sizes = [4] * fours + [3] * ((len(chars) - 4 * fours) // 3)
    out, at = [], 0
    for size in sizes:
        out.append(chars[at : at + size])
        at += size
    return out


def spell(code: str, language: str) -> str:
    """Each character said on its own, the code's groups apart: "0912 345 678" → "không chín một
    hai, ba bốn năm, sáu bảy tám". Groups are the code's own (spaces, dots, dashes) where it has
    them."""
    parts = [p for p in re.split(r"[\s.\-]+", code.upper()) if p]
    if len(parts) == 1:
        parts = _groups(parts[0])
    digits = _VI_DIGITS if language == "vi" else _EN_ONES
    letters = _VI_LETTERS if language == "vi" else {}
    said = (" ".join(digits[int(ch)] if ch.isdigit() else letters.get(ch, ch) for ch in p) for p in parts)
    return ", ".join(said)


# -- reading a text -------------------------------------------------------------------------------

_CODE_CHARS = "0-9A-HJKMNP-TV-Z"  # kiosk.trackcode.ALPHABET
_PATTERN = re.compile(
    "|".join(
        (
            rf"(?P<track>(?<![A-Za-z0-9])[{_CODE_CHARS}]{{5}}-[{_CODE_CHARS}]{{5}}(?![A-Za-z0-9]))",
            # upper-case letters and digits together: a plate 29A-123.45, a frame RLHJA3907FY
            r"(?P<code>(?<![A-Za-z0-9])(?=(?:[.\-]?[A-Z0-9]){3})(?=[A-Z0-9.\-]*[A-Z])(?=[A-Z0-9.\-]*[0-9])"
            r"[A-Z0-9]+(?:[.\-][A-Z0-9]+)*(?![A-Za-z0-9]))",
            r"(?P<date>(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/]))",
            r"(?P<monthyear>(?<![\d/])(?P<mm>\d{1,2})/(?P<yy>\d{4})(?![\d/]))",
            r"(?P<time>(?<![\d:])(?P<h>[01]?\d|2[0-3])(?:[:h](?P<min>[0-5]\d)|h)(?![\d:]|[^\W\d_]))",
            # a phone or ID number, whole or in groups; a leading zero is never an amount
            r"(?P<digits>(?<!\d)(?:0\d+|\d{6,})(?:[ .\-]\d{2,4}(?!\d))*(?!\d))",
            r"(?P<number>(?<!\d)(?:\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*(?![.,]?\d)"
            r"|(?P<int>\d+)(?:[.,](?P<frac>\d+))?)(?![\d]))"
            r"(?P<unit>\s?(?:%|₫|VND\b|đồng\b|đ(?![^\W\d_])))?",
            r"(?P<range>(?<=\d)\s*[–—-]\s*(?=\d))",
            r"(?P<per>(?<=\d)/(?=\d))",
            r"(?P<dong>₫)",
            r"(?P<rest>\d+)",  # what no shape above takes (digits glued to a code): said one by one
        )
    )
)

_UNITS = {
    "vi": {"%": "phần trăm", "₫": "đồng", "VND": "đồng", "đồng": "đồng", "đ": "đồng"},
    "en": {"%": "percent", "₫": "dong", "VND": "dong", "đồng": "dong", "đ": "dong"},
}


def _read_number(match: re.Match[str], language: str) -> str:
    say = vi_number if language == "vi" else en_number
    if match["int"] is None:  # grouped thousands: 200.000, 1,500,000
        words = say(int(re.sub(r"[.,]", "", match["number"])))
    else:
        words = say(int(match["int"]))
        if match["frac"] is not None:  # 2,5 "hai phẩy năm"; 0.75 "zero point seven five"
            frac = match["frac"]
            if language == "vi" and not frac.startswith("0"):
                said = vi_number(int(frac))
            else:
                said = " ".join((_VI_DIGITS if language == "vi" else _EN_ONES)[int(d)] for d in frac)
            words += (" phẩy " if language == "vi" else " point ") + said
    unit = (match["unit"] or "").strip()
    return f"{words} {_UNITS[language][unit]}" if unit else words


def _said_before(text: str, at: int, word: str) -> bool:
    return text[:at].rstrip().lower().endswith(word)


def _read_date(match: re.Match[str], language: str, text: str) -> str:
    day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return " ".join((vi_number if language == "vi" else en_number)(n) for n in (day, month, year))
    if language == "vi":
        said = f"tháng {vi_number(month)} năm {vi_number(year)}"
        return (
            f"{vi_number(day)} " if _said_before(text, match.start(), "ngày") else f"ngày {vi_number(day)} "
        ) + said
    return f"the {_en_ordinal(day)} of {_EN_MONTHS[month - 1]} {_en_year(year)}"


def _read_month_year(match: re.Match[str], language: str, text: str) -> str:
    month, year = int(match["mm"]), int(match["yy"])
    if not 1 <= month <= 12:
        return " ".join((vi_number if language == "vi" else en_number)(n) for n in (month, year))
    if language == "vi":
        said = f"{vi_number(month)} năm {vi_number(year)}"
        return said if _said_before(text, match.start(), "tháng") else f"tháng {said}"
    return f"{_EN_MONTHS[month - 1]} {_en_year(year)}"


def _read_time(match: re.Match[str], language: str) -> str:
    hour, minute = int(match["h"]), int(match["min"] or 0)
    if language == "vi":  # 09:30 "chín giờ ba mươi phút", 08:00 "tám giờ"
        return f"{vi_number(hour)} giờ" + (f" {vi_number(minute)} phút" if minute else "")
    if not minute:
        return f"{en_number(hour)} o'clock"
    return f"{en_number(hour)} {'oh ' + _EN_ONES[minute] if minute < 10 else en_number(minute)}"


def for_speech(text: str, language: str) -> str:
    """`text` as a voice should say it in `language` ("vi" or "en"; others are read as Vietnamese,
    the fallback of every language pack): numbers, money, dates and times in words, codes spelled
    in groups. What is not a number is left as it is."""
    language = language if language in ("vi", "en") else "vi"

    def replace(match: re.Match[str]) -> str:
        return f" {_READERS[_kind_of(match)](match, language, text)} "  # "T2" → "T hai"

    return _tidy(_PATTERN.sub(replace, text))


def _tidy(said: str) -> str:
    """Spaces and the pauses around spelled codes made tidy: "Mã: , bảy ca," → "Mã: bảy ca"."""
    said = re.sub(r"[ \t]+([,.?!;:])", r"\1", said)
    said = re.sub(r"([,.?!;:])(?:[ \t]*,)+", r"\1", said)
    said = re.sub(r",+([.?!;:])", r"\1", said)
    said = re.sub(r"[ \t]{2,}", " ", said)
    return re.sub(r"^[\s,]+|[\s,]+$", "", said)


def _kind_of(match: re.Match[str]) -> str:
    for kind in _READERS:
        if match[kind] is not None:
            return kind
    raise AssertionError(f"no reader for {match[0]!r}")


_READERS: dict[str, Callable[[re.Match[str], str, str], str]] = {
    # a pause before and after a spelled code
    "track": lambda m, lang, _t: f", {spell(m['track'], lang)},",
    "code": lambda m, lang, _t: f", {spell(m['code'], lang)},",
    "date": _read_date,
    "monthyear": _read_month_year,
    "time": lambda m, lang, _t: _read_time(m, lang),
    "digits": lambda m, lang, _t: f", {spell(m['digits'], lang)},",
    "number": lambda m, lang, _t: _read_number(m, lang),
    "range": lambda _m, lang, _t: "đến" if lang == "vi" else "to",
    "per": lambda _m, lang, _t: "trên" if lang == "vi" else "out of",
    "dong": lambda _m, lang, _t: "đồng" if lang == "vi" else "dong",
    "rest": lambda m, lang, _t: spell(m["rest"], lang),
}
