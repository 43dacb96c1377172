"""What an unanswered field says: what to do with that kind of field, never "fill in" for a list
to tick or a place to pick; a service file's own `messages.required` still wins."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk import phrases
from kiosk.catalog import Field, Option
from kiosk.text import Text
from kiosk.validation import check_field

T = Text.of

TODAY = dt.date(2026, 12, 2)


def field(kind: str, **extra: object) -> Field:
    options = (Option("a", T("A", "A")), Option("b", T("B", "B")))
    return Field(id="f", type=kind, label=T("Mục", "Item"), options=options, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        ("text", "required"),
        ("phone", "required"),
        ("checklist", "checklist"),
        ("address", "address"),
        ("appointment", "appointment"),
        ("choice", "choice"),
        ("date", "date_missing"),
    ],
)
def test_an_empty_field_says_what_to_do_with_its_kind(kind: str, rule: str) -> None:
    empties: tuple[object, ...] = (None, "", [], {})
    for empty in empties:
        assert check_field(field(kind), {"f": empty}, TODAY) == phrases.FIELD_PROBLEMS[rule]
    assert "điền" not in phrases.FIELD_PROBLEMS["checklist"].get("vi")


def test_the_service_files_own_words_win() -> None:
    own = T("Ông/Bà đánh dấu từng giấy tờ đã có", "Tick each paper you have")
    assert check_field(field("checklist", messages={"required": own}), {"f": []}, TODAY) == own


def test_an_optional_empty_field_is_fine() -> None:
    assert check_field(field("checklist", required=False), {"f": []}, TODAY) is None
