"""Field validation: each rule yields a message saying how to fix, never an error code."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from kiosk import phrases
from kiosk.catalog import Field
from kiosk.text import Text

# Personal ID (số định danh cá nhân): 3-digit province code of birth registration (001–096),
# 1 digit for century and sex (0–9), 2 digits of the birth year, 6 digits.
_ID_NUMBER = re.compile(r"0(0[1-9]|[1-8][0-9]|9[0-6])\d{9}")


def check_id_number(value: str) -> bool:
    return bool(_ID_NUMBER.fullmatch(value))


_PHONE = re.compile(r"0[35789]\d{8}")


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _message(field: Field, rule: str) -> Text:
    return field.messages.get(rule) or phrases.FIELD_PROBLEMS[rule]


def _empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return value is None


# An unanswered field that is not typed into is asked for by what to do with it: "điền mục này"
# (fill in) would be wrong for a list of papers to tick or a place to pick.
_EMPTY_RULE = {
    "checklist": "checklist",
    "address": "address",
    "appointment": "appointment",
    "choice": "choice",
    "date": "date_missing",
}


def _missing(field: Field) -> Text:
    if "required" in field.messages:  # the service file's own words win
        return field.messages["required"]
    return _message(field, _EMPTY_RULE.get(field.type, "required"))


def check_field(field: Field, values: Mapping[str, Any], today: dt.date) -> Text | None:
    """The message for the first rule `field` breaks in `values`, or None if it is valid."""
    value = values.get(field.id)
    if _empty(value):
        return _missing(field) if field.required else None
    if field.type == "text":
        text = str(value).strip()
        if len(text) < field.min_length:
            return _message(field, "min_length")
        if len(text) > field.max_length:
            return _message(field, "max_length")
        if field.pattern and not re.fullmatch(field.pattern, text.upper()):
            return _message(field, "pattern")
    elif field.type == "id_number":
        if not check_id_number(re.sub(r"\s", "", str(value))):
            return _message(field, "id_number")
    elif field.type == "checklist":
        ticked = set(value) if isinstance(value, list) else set()
        if field.required and ticked != {option.value for option in field.options}:
            return _message(field, "checklist")
    elif field.type == "address":
        parts = value if isinstance(value, dict) else {}
        if not (
            parts.get("province_code") and parts.get("commune_code") and str(parts.get("street", "")).strip()
        ):
            return _message(field, "address")
    elif field.type == "appointment":
        parts = value if isinstance(value, dict) else {}
        day = parse_date(parts.get("date"))
        if day is None or not parts.get("time"):
            return _message(field, "appointment")
        if day < today:
            return _message(field, "not_before")
    elif field.type == "phone":
        digits = re.sub(r"[\s.\-]", "", str(value))
        if not _PHONE.fullmatch(digits):
            return _message(field, "phone")
    elif field.type == "choice":
        if value not in {option.value for option in field.options}:
            return _message(field, "choice")
    elif field.type == "date":
        date = parse_date(value)
        if date is None:
            return _message(field, "date")
        if field.not_before == "today" and date < today:
            return _message(field, "not_before")
        if field.after_field:
            other = parse_date(values.get(field.after_field))
            if other is not None and date <= other:
                return _message(field, "after_field")
            if other is not None and field.max_days_after and (date - other).days > field.max_days_after:
                return _message(field, "max_days_after")
            if other is not None and field.min_days_after and (date - other).days < field.min_days_after:
                return _message(field, "min_days_after")
    return None


def check_fields(fields: list[Field], values: Mapping[str, Any], today: dt.date) -> dict[str, Text]:
    errors: dict[str, Text] = {}
    for field in fields:
        message = check_field(field, values, today)
        if message is not None:
            errors[field.id] = message
    return errors


def display_value(field: Field, value: Any, language: str) -> str:
    """How a stored value reads on the review screen and the receipt."""
    if _empty(value):
        return "—"
    if field.type == "date":
        date = parse_date(value)
        return date.strftime("%d/%m/%Y") if date else str(value)
    if field.type == "choice":
        return field.option_label(str(value), language)
    if field.type == "checklist":
        return "; ".join(field.option_label(str(v), language) for v in value)
    if field.type == "address" and isinstance(value, dict):
        from kiosk.addresses import Address  # address data load only when an address is shown

        try:
            return Address.from_dict(value).display()
        except ValueError:
            return "—"
    if field.type == "appointment" and isinstance(value, dict):
        date = parse_date(value.get("date"))
        return f"{value.get('time', '')} {date.strftime('%d/%m/%Y') if date else ''}".strip()
    return str(value)
