"""Citizen profiles for the emulated chip: the fictional people of resources/demo/citizens.json."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from kiosk.ports.card import Holder


@dataclass(frozen=True)
class CitizenProfile:
    holder: Holder
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.holder.full_name} ({self.holder.date_of_birth})"


def _nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)) if value is not None else ""


def profile_from_dict(raw: dict[str, Any]) -> CitizenProfile:
    id_number = _nfc(raw["id"])
    holder = Holder(
        id_number=id_number,
        full_name=_nfc(raw["name"]),
        date_of_birth=_nfc(raw["dob"]),
        sex=_nfc(raw.get("sex")),
        nationality=_nfc(raw.get("nationality")),
        ethnicity=_nfc(raw.get("ethnicity")),
        religion=_nfc(raw.get("religion")),
        hometown=_nfc(raw.get("hometown")),
        residence=_nfc(raw.get("residence")),
        identifying_marks=_nfc(raw.get("marks")),
        issue_date=_nfc(raw.get("issued")),
        expiry_date=_nfc(raw.get("expiry")),
        father=_nfc(raw.get("father")),
        mother=_nfc(raw.get("mother")),
        spouse=_nfc(raw.get("spouse")),
        old_id_number=_nfc(raw.get("old_id")),
        document_number=id_number[-9:],
    )
    return CitizenProfile(holder=holder, note=_nfc(raw.get("note")))


def load_profiles(path: Path | None = None) -> list[CitizenProfile]:
    """Load the citizens of a profile file (default: the bundled demo citizens)."""
    if path is None:
        text = resources.files("resources.demo").joinpath("citizens.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    data = json.loads(text)
    return [profile_from_dict(item) for item in data["citizens"]]
