"""Field validation: each rule yields a message saying how to fix, never an error code."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from kiosk.catalog import Field
from kiosk.text import Text

DEFAULT_MESSAGES: dict[str, Text] = {
    "required": Text.of("Ông/Bà điền mục này", "Please fill in this item"),
    "min_length": Text.of("Nội dung quá ngắn, Ông/Bà ghi rõ hơn", "Too short, please give more detail"),
    "max_length": Text.of("Nội dung quá dài, Ông/Bà viết ngắn lại", "Too long, please shorten it"),
    "date": Text.of(
        "Ngày không đúng, Ông/Bà chọn lại ngày, tháng, năm", "Not a valid date, please choose again"
    ),
    "not_before": Text.of("Ngày này đã qua, Ông/Bà chọn từ hôm nay trở đi", "This date has passed"),
    "after_field": Text.of("Ngày này phải sau ngày trước đó", "This date must be after the earlier one"),
    "max_days_after": Text.of("Khoảng thời gian quá dài", "The period is too long"),
    "choice": Text.of("Ông/Bà chọn một trong các ô", "Please choose one of the boxes"),
    "phone": Text.of(
        "Số điện thoại có 10 số, bắt đầu bằng số 0", "A phone number has 10 digits and starts with 0"
    ),
}

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
    return field.messages.get(rule) or DEFAULT_MESSAGES[rule]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_field(field: Field, values: Mapping[str, Any], today: dt.date) -> Text | None:
    """The message for the first rule `field` breaks in `values`, or None if it is valid."""
    value = values.get(field.id)
    if _empty(value):
        return _message(field, "required") if field.required else None
    if field.type in ("text",):
        text = str(value).strip()
        if len(text) < field.min_length:
            return _message(field, "min_length")
        if len(text) > field.max_length:
            return _message(field, "max_length")
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
    return str(value)
