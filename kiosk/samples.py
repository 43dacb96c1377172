"""Plausible answers for any catalog field: used by `kiosk tour`, demos and journey tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.appointments import AppointmentSettings
from kiosk.catalog import Field, Service
from kiosk.config import AppointmentKeys

SAMPLE_TEXT = "Thôn 3, xã Tam Thăng, thành phố Đà Nẵng"
SAMPLE_CODE = "43A12345678"
SAMPLE_EMAIL = "ten@vidu.vn"


def default_appointments() -> AppointmentSettings:
    """The settings of the declared `appointment.*` defaults, for samples without a station config."""
    keys = AppointmentKeys
    return AppointmentSettings(keys.days_ahead.default, keys.slots.default, keys.weekdays.default)


def sample_value(
    field: Field, values: dict[str, Any], today: dt.date, appointments: AppointmentSettings | None = None
) -> Any:
    if field.example:
        return field.example
    if field.type == "id_number":
        return "049098007788"
    if field.type == "checklist":
        return [option.value for option in field.options]
    if field.type == "appointment":
        settings = appointments or default_appointments()
        return {"date": settings.open_days(today)[0].isoformat(), "time": settings.slots[0]}
    if field.type == "address":
        return sample_address()
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
    if field.keyboard == "code":  # plates, frame and licence numbers: what a code keyboard types
        return SAMPLE_CODE[: field.max_length]
    if field.keyboard == "email":
        return SAMPLE_EMAIL
    return SAMPLE_TEXT[: field.max_length]


def sample_address() -> dict[str, Any]:
    """A real current-unit address from the address data (Đà Nẵng, the first commune listed)."""
    from kiosk import addresses

    province = next(p for p in addresses.provinces() if "Đà Nẵng" in p.name)
    commune = addresses.communes(province.code)[0]
    return addresses.Address(
        province_code=province.code, province_name=province.name,
        commune_code=commune.code, commune_name=commune.name, street="Thôn 3",
    ).to_dict()  # fmt: skip


def sample_values(service: Service, today: dt.date) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in service.form_fields():
        values[field.id] = sample_value(field, values, today)
    return values
