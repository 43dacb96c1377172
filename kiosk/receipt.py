"""What a receipt shows: one data object, drawn by every printer backend (the PDF page of
`devices/printer/receipt_pdf.py`, the thermal raster of `devices/printer/raster.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Receipt:
    station_name: str
    service_title: str  # official Vietnamese name
    service_code: str  # national procedure code
    submitted_at: dt.datetime
    tracking_code: str  # as printed, grouped for reading aloud (e.g. "7K3QX-M9T2B")
    qr_payload: str  # what the QR encodes
    citizen_name: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, value) summary rows
    next_steps: str = ""  # what happens next, in plain words
    where_to_ask: str = ""
    fee_text: str = ""  # e.g. "Không thu phí" or "50.000 đồng — chưa nộp"
    queue_number: str = ""
    # When to come back: the appointment the citizen chose ("09:30 10/12/2026"), else the day the
    # result is due by the service's working days (`result_due`); neither when the service has none.
    appointment: str = ""
    result_due: dt.date | None = None


def result_due(submitted: dt.date, working_days: int) -> dt.date:
    """The day the result is due: `working_days` working days (Monday to Friday) after the day of
    submission. Public holidays are not known here, so the slip says "dự kiến" (expected)."""
    day, left = submitted, working_days
    while left > 0:
        day += dt.timedelta(days=1)
        left -= day.weekday() < 5
    return day
