"""Plausible answers for any catalog field: used by `kiosk tour`, demos and journey tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.catalog import Field, Service

SAMPLE_TEXT = "Thôn 3, xã Tam Thăng, thành phố Đà Nẵng"


def sample_value(field: Field, values: dict[str, Any], today: dt.date) -> Any:
    if field.type == "date":
        if field.after_field and field.after_field in values:
            start = dt.date.fromisoformat(values[field.after_field])
            days = min(30, field.max_days_after) if field.max_days_after else 30
            return (start + dt.timedelta(days=days)).isoformat()
        return (today + dt.timedelta(days=1)).isoformat()
    if field.type == "choice":
        return field.options[0].value
    if field.type == "phone":
        return "0912345678"
    return SAMPLE_TEXT[: field.max_length]


def sample_values(service: Service, today: dt.date) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in service.form_fields():
        values[field.id] = sample_value(field, values, today)
    return values
