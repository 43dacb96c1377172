"""Fixtures for the chip-card tests: the fictional citizens and an emulated reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devices.card.emulated.personalise import PassportProfile
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.profiles import CitizenProfile, load_profiles

CITIZENS = Path(__file__).parents[3] / "resources" / "demo" / "citizens.json"


@pytest.fixture(scope="session")
def citizens() -> list[CitizenProfile]:
    return load_profiles()


@pytest.fixture(scope="session")
def guest_passport() -> PassportProfile:
    raw = json.loads(CITIZENS.read_text("utf-8"))["foreign_guests"][0]
    return PassportProfile.from_dict(raw)


@pytest.fixture
def reader() -> EmulatedCardReader:
    return EmulatedCardReader()
