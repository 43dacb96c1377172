"""APDU counts at their minimum (issue 12): no EF.COM where EF.SOD lists the groups, one READ
BINARY per block, extended length where the chip declares it.

The minimum, counted from the protocol: BAC = a refused EF.CardAccess probe, SELECT of the
application, GET CHALLENGE, EXTERNAL AUTHENTICATE; PACE = EF.CardAccess, MSE:Set AT, 4 × GENERAL
AUTHENTICATE, SELECT; Chip Authentication = MSE:Set AT + GENERAL AUTHENTICATE; then one READ
BINARY per block of every file read (the first block gives the file length).
"""

from __future__ import annotations

import math

import pytest

from devices.card.emulated import face
from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import (
    CardImage,
    ChipOptions,
    PassportProfile,
    personalise_cccd,
    personalise_passport,
)
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.icao.apdu import MAX_EXTENDED_LE
from devices.card.icao.extended_length import ReaderLink
from devices.card.icao.passive_auth import TrustStore
from devices.card.profiles import CitizenProfile
from devices.card.reading import ReadOutcome, read_card
from kiosk.ports.card import AccessKey, ChipAuth, PassiveAuth

TRUST = TrustStore.from_folder(TEST_TRUST_DIR)
BAC_FIXED = 4
PACE_FIXED = 7
CHIP_AUTH = 2


class _Transport:
    def __init__(self, chip: EmulatedChip) -> None:
        self.chip = chip

    def transmit(self, apdu: bytes) -> bytes:
        return self.chip.process(apdu)


def _read(image: CardImage, key: AccessKey, *, with_photo: bool = False) -> tuple[ReadOutcome, EmulatedChip]:
    chip = EmulatedChip(image)
    link = ReaderLink(chip.atr, MAX_EXTENDED_LE)
    return read_card(_Transport(chip), key, TRUST, with_photo=with_photo, link=link), chip


def _blocks(outcome: ReadOutcome, block: int, *names: str) -> int:
    return sum(math.ceil(outcome.stats.file_sizes[name] / block) for name in names)


def test_passport_bac_dg1_in_six_plus_sod_blocks(guest_passport: PassportProfile) -> None:
    key = AccessKey.from_mrz(
        guest_passport.document_number, guest_passport.date_of_birth, guest_passport.date_of_expiry
    )
    outcome, chip = _read(personalise_passport(guest_passport), key)
    assert outcome.card.passive_auth is PassiveAuth.VALID and outcome.stats.access_protocol == "BAC"
    sod_blocks = _blocks(outcome, 231, "SOD")
    # CardAccess probe, SELECT, GET CHALLENGE, EXTERNAL AUTHENTICATE, DG1, first SOD block = 6.
    assert outcome.stats.apdu_count == 6 + (sod_blocks - 1) == chip.apdus
    assert "COM" not in outcome.stats.file_sizes


@pytest.mark.parametrize("photo", [False, True])
def test_cccd_pace_at_the_minimum(citizens: list[CitizenProfile], photo: bool) -> None:
    image = personalise_cccd(citizens[0], ChipOptions(photo=face.LARGE))
    outcome, _ = _read(image, AccessKey.from_id_number(citizens[0].holder.id_number), with_photo=photo)
    assert outcome.card.chip_auth is ChipAuth.GENUINE and outcome.card.passive_auth is PassiveAuth.VALID
    names = ["CardAccess", "DG1", "SOD", "DG14", "DG13"] + (["DG2"] if photo else [])
    assert set(outcome.stats.file_sizes) == set(names)
    assert outcome.stats.apdu_count == PACE_FIXED - 1 + CHIP_AUTH + _blocks(outcome, 223, *names)


@pytest.mark.parametrize("photo", [False, True])
def test_cccd_extended_one_apdu_per_file(citizens: list[CitizenProfile], photo: bool) -> None:
    options = ChipOptions(photo=face.LARGE, extended_length=65535, extended_declared="historical")
    image = personalise_cccd(citizens[0], options)
    outcome, _ = _read(image, AccessKey.from_id_number(citizens[0].holder.id_number), with_photo=photo)
    assert outcome.card.chip_auth is ChipAuth.GENUINE and outcome.card.passive_auth is PassiveAuth.VALID
    files = len(outcome.stats.file_sizes)  # CardAccess (short read before SM), DG1, SOD, DG14, DG13[, DG2]
    assert outcome.stats.apdu_count == PACE_FIXED - 1 + CHIP_AUTH + files == (14 if photo else 13)


@pytest.mark.parametrize("clone", [False, True])
def test_chip_auth_confirmed_by_a_protected_answer(citizens: list[CitizenProfile], clone: bool) -> None:
    """DG13 listed in EF.SOD but absent: its 6A82, wrapped under the new keys, confirms CA. A
    bare 6A82 proves nothing: one more READ BINARY of DG14 under the new keys tells."""
    key = AccessKey.from_id_number(citizens[0].holder.id_number)
    names = ("CardAccess", "DG1", "SOD", "DG14")
    for bare in (False, True):
        options = ChipOptions(absent_files=frozenset({"DG13"}), clone=clone, bare_errors=bare)
        outcome, chip = _read(personalise_cccd(citizens[0], options), key)
        if clone:
            assert outcome.card.chip_auth is ChipAuth.FAILED
            continue
        assert outcome.card.chip_auth is ChipAuth.GENUINE
        minimum = PACE_FIXED - 1 + CHIP_AUTH + _blocks(outcome, 223, *names) + 1  # DG13's 6A82
        assert outcome.stats.apdu_count == minimum + bare
        assert chip.commands[-1].p1 == 0x80 | (14 if bare else 13)


def test_without_sod_ef_com_lists_the_groups(citizens: list[CitizenProfile]) -> None:
    image = personalise_cccd(citizens[0], ChipOptions(absent_files=frozenset({"SOD"})))
    outcome, _ = _read(image, AccessKey.from_id_number(citizens[0].holder.id_number))
    assert outcome.card.passive_auth is PassiveAuth.UNVERIFIABLE
    assert {"COM", "DG13", "DG14"} <= set(outcome.stats.file_sizes)
    assert outcome.card.holder.full_name == citizens[0].holder.full_name
