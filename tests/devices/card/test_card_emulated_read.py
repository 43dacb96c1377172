"""Full reads against the in-process emulated chip: PACE-CAN, PACE-MRZ, BAC, errors, fallbacks."""

from __future__ import annotations

import io
import math
from dataclasses import replace

import pytest
from PIL import Image

from devices.card.emulated import face
from devices.card.emulated.personalise import (
    PARENTS_ONE_SEQUENCE,
    ChipOptions,
    PassportProfile,
    card_serial,
    yymmdd,
)
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.icao import apdu as iso
from devices.card.profiles import CitizenProfile
from kiosk.ports.card import AccessKey, CardError, CardErrorReason, PassiveAuth, ReadProgress


def can(profile: CitizenProfile) -> AccessKey:
    return AccessKey.from_id_number(profile.holder.id_number)


def mrz(profile: CitizenProfile) -> AccessKey:
    h = profile.holder
    return AccessKey.from_mrz(h.id_number[-9:], yymmdd(h.date_of_birth), yymmdd(h.expiry_date))


def expected_holder(profile: CitizenProfile):  # type: ignore[no-untyped-def]
    return replace(profile.holder, card_serial=card_serial(profile.holder), chip_auth="genuine")


def test_every_citizen_reads_with_pace_can(
    reader: EmulatedCardReader, citizens: list[CitizenProfile]
) -> None:
    for profile in citizens:
        reader.insert(profile)
        card = reader.read(can(profile))
        assert card.holder == expected_holder(profile)
        assert card.document_kind == "cccd"
        assert card.passive_auth is PassiveAuth.VALID
        assert reader.last_stats is not None and reader.last_stats.access_protocol == "PACE-CAN"
        assert card.photo is not None and card.photo_format == "jpeg"
        assert Image.open(io.BytesIO(card.photo)).size == (120, 160)
        assert card.face == card.photo  # a JPEG face is shown as stored


def test_pace_with_the_mrz(reader: EmulatedCardReader, citizens: list[CitizenProfile]) -> None:
    profile = citizens[1]  # card without expiry ("Không thời hạn")
    reader.insert(profile)
    card = reader.read(mrz(profile), with_photo=False)
    assert card.holder == expected_holder(profile)
    assert reader.last_stats is not None and reader.last_stats.access_protocol == "PACE-MRZ"
    assert card.photo is None and "DG2" not in card.data_groups


def test_bac_when_the_chip_has_no_pace(reader: EmulatedCardReader, citizens: list[CitizenProfile]) -> None:
    profile = citizens[2]
    reader.insert(profile, ChipOptions(pace=False))
    card = reader.read(mrz(profile))
    assert card.holder == expected_holder(profile)
    assert card.passive_auth is PassiveAuth.VALID
    assert reader.last_stats is not None and reader.last_stats.access_protocol == "BAC"


def test_bac_only_chip_with_a_can_asks_for_the_mrz(
    reader: EmulatedCardReader, citizens: list[CitizenProfile]
) -> None:
    reader.insert(citizens[0], ChipOptions(pace=False))
    with pytest.raises(CardError) as info:
        reader.read(can(citizens[0]))
    assert info.value.reason is CardErrorReason.NEEDS_KEY


def test_foreign_passport_reads_with_bac(reader: EmulatedCardReader, guest_passport: PassportProfile) -> None:
    reader.insert_passport(guest_passport)
    key = AccessKey.from_mrz("L898902C3", "740812", "120415")
    card = reader.read(key)
    assert card.document_kind == "passport"
    assert card.holder.full_name == "ERIKSSON ANNA MARIA"
    assert card.holder.document_number == "L898902C3"
    assert card.holder.date_of_birth == "12/08/1974"
    assert card.holder.nationality == "UTO"
    assert card.passive_auth is PassiveAuth.VALID
    assert "DG13" not in card.data_groups and card.photo is not None


@pytest.mark.parametrize(
    ("key", "options"),
    [
        (AccessKey.from_can("000000"), ChipOptions()),
        (AccessKey.from_mrz("000000000", "900314", "300314"), ChipOptions()),
        (AccessKey.from_mrz("000000000", "900314", "300314"), ChipOptions(pace=False)),
    ],
    ids=["pace-can", "pace-mrz", "bac"],
)
def test_wrong_key(
    reader: EmulatedCardReader, citizens: list[CitizenProfile], key: AccessKey, options: ChipOptions
) -> None:
    reader.insert(citizens[0], options)
    with pytest.raises(CardError) as info:
        reader.read(key)
    assert info.value.reason is CardErrorReason.WRONG_KEY
    # The right key still works afterwards on the same card.
    assert reader.read(mrz(citizens[0])).holder.id_number == citizens[0].holder.id_number


def test_card_removed_mid_read_then_retry(reader: EmulatedCardReader, citizens: list[CitizenProfile]) -> None:
    profile = citizens[3]
    reader.insert(profile)
    seen: list[ReadProgress] = []

    def pull_card(step: ReadProgress) -> None:
        seen.append(step)
        if step.stage == "DG13":
            reader.remove()

    with pytest.raises(CardError) as info:
        reader.read(can(profile), pull_card)
    assert info.value.reason is CardErrorReason.CARD_REMOVED
    assert not reader.card_present()
    reader.insert(profile)
    card = reader.read(can(profile))
    assert card.holder == expected_holder(profile)


def test_reader_unplugged(reader: EmulatedCardReader, citizens: list[CitizenProfile]) -> None:
    reader.insert(citizens[0])

    def unplug(step: ReadProgress) -> None:
        if step.stage == "SOD":
            reader.unplug()

    with pytest.raises(CardError) as info:
        reader.read(can(citizens[0]), unplug)
    assert info.value.reason is CardErrorReason.NO_READER
    with pytest.raises(CardError) as info:
        reader.read(can(citizens[0]))
    assert info.value.reason is CardErrorReason.NO_READER


def test_no_card_and_no_key(reader: EmulatedCardReader, citizens: list[CitizenProfile]) -> None:
    with pytest.raises(CardError) as info:
        reader.read(can(citizens[0]))
    assert info.value.reason is CardErrorReason.NO_CARD
    reader.insert(citizens[0])
    with pytest.raises(CardError) as info:
        reader.read(None)
    assert info.value.reason is CardErrorReason.NEEDS_KEY


def test_not_an_id_card(reader: EmulatedCardReader, citizens: list[CitizenProfile]) -> None:
    reader.insert(citizens[0], ChipOptions(pace=False, emrtd_application=False))
    with pytest.raises(CardError) as info:
        reader.read(mrz(citizens[0]))
    assert info.value.reason is CardErrorReason.NOT_ID_CARD


def test_progress_stages_in_order_with_photo_last(
    reader: EmulatedCardReader, citizens: list[CitizenProfile]
) -> None:
    reader.insert(citizens[0])
    steps: list[ReadProgress] = []
    reader.read(can(citizens[0]), steps.append)
    stages = list(dict.fromkeys(step.stage for step in steps))
    assert stages == ["access", "DG1", "SOD", "DG14", "DG13", "DG2"]
    for stage in stages:
        mine = [s for s in steps if s.stage == stage]
        assert [s.done for s in mine] == sorted(s.done for s in mine)
        assert mine[-1].done == mine[-1].total and mine[-1].fraction == 1.0


def test_reads_use_sfi_short_blocks_and_never_dg3(
    reader: EmulatedCardReader, citizens: list[CitizenProfile]
) -> None:
    reader.insert(citizens[0], ChipOptions(photo=face.LARGE))
    card = reader.read(can(citizens[0]))
    chip = reader.chip
    assert chip is not None and card.photo is not None and len(card.photo) > 18_000
    reads = [c for c in chip.commands if c.ins == iso.INS_READ_BINARY]
    assert all(c.le is not None and c.le <= 223 for c in reads)
    assert not any(c.ins == iso.INS_SELECT and c.data == b"\x01\x03" for c in chip.commands)
    assert not any(c.ins == iso.INS_READ_BINARY and c.p1 == 0x83 for c in chip.commands)
    # One READ BINARY per 223-byte block and no separate header read.
    sizes = {name: len(content) for name, content in card.data_groups.items()}
    assert len(reads) == sum(math.ceil(size / 223) for size in sizes.values())
    assert not any(c.ins == iso.INS_SELECT and c.p1 == 0x02 for c in chip.commands)
    stats = reader.last_stats
    assert stats is not None and stats.apdu_count == card.apdu_count == chip.apdus


def test_chip_refusing_sfi_falls_back_to_select(
    reader: EmulatedCardReader, citizens: list[CitizenProfile]
) -> None:
    reader.insert(citizens[4], ChipOptions(sfi=False))
    card = reader.read(can(citizens[4]))
    assert card.holder == expected_holder(citizens[4])
    assert card.passive_auth is PassiveAuth.VALID
    chip = reader.chip
    assert chip is not None
    selected = [c.data for c in chip.commands if c.ins == iso.INS_SELECT and c.p1 == 0x02]
    assert selected == [
        b"\x01\x1c", b"\x01\x01", b"\x01\x1d", b"\x01\x0e", b"\x01\x0d", b"\x01\x02"
    ]  # fmt: skip
    assert reader.last_stats is not None and not reader.last_stats.sfi_used


@pytest.mark.parametrize(
    "options",
    [
        ChipOptions(wrong_le_6c=True),
        ChipOptions(wrong_le_6700=True),
        ChipOptions(wrong_le_6700=True, sfi=False),
    ],
    ids=["6Cxx", "6700", "6700-no-sfi"],
)
def test_chip_refusing_an_le_beyond_the_end_of_file(
    reader: EmulatedCardReader, citizens: list[CitizenProfile], options: ChipOptions
) -> None:
    reader.insert(citizens[5], options)
    card = reader.read(can(citizens[5]))
    assert card.holder == expected_holder(citizens[5])
    assert card.passive_auth is PassiveAuth.VALID


def test_parents_in_one_sequence(reader: EmulatedCardReader, citizens: list[CitizenProfile]) -> None:
    reader.insert(citizens[0], ChipOptions(parents_layout=PARENTS_ONE_SEQUENCE))
    card = reader.read(can(citizens[0]))
    assert (card.holder.father, card.holder.mother) == (citizens[0].holder.father, citizens[0].holder.mother)
