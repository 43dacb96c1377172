"""Reads through the real pcscd: PcscCardReader ⇄ pcscd ⇄ vpcd ⇄ emulated chip (loopback TCP)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import ChipOptions, card_serial, personalise_cccd, yymmdd
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.vpcd import VPCD_READER, VirtualCardSlot
from devices.card.pcsc import PcscCardReader, choose_reader
from devices.card.profiles import CitizenProfile
from kiosk.ports.card import (
    AccessKey,
    CardError,
    CardErrorReason,
    CardEvent,
    CardEventKind,
    PassiveAuth,
    ReadProgress,
)

pytestmark = pytest.mark.pcscd


def _reader() -> PcscCardReader:
    return PcscCardReader(VPCD_READER, trust_dir=TEST_TRUST_DIR, apdu_timeout=5.0)


def _insert(
    slot: VirtualCardSlot, reader: PcscCardReader, profile: CitizenProfile, **options: object
) -> None:
    _wait(lambda: not reader.card_present(), "an empty vpcd reader")  # no card left from before
    slot.insert(EmulatedChip(personalise_cccd(profile, ChipOptions(**options))))  # type: ignore[arg-type]
    _wait(reader.card_present, "the emulated card on the vpcd reader")


def _wait(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def _mrz(profile: CitizenProfile) -> AccessKey:
    h = profile.holder
    return AccessKey.from_mrz(h.id_number[-9:], yymmdd(h.date_of_birth), yymmdd(h.expiry_date))


@pytest.mark.parametrize("access", ["PACE-CAN", "PACE-MRZ", "BAC"])
def test_full_read_through_pcscd(
    vpcd_slot: VirtualCardSlot, citizens: list[CitizenProfile], access: str
) -> None:
    reader = _reader()
    profile = citizens[0]
    _insert(vpcd_slot, reader, profile, pace=access != "BAC", photo="large")
    key = AccessKey.from_id_number(profile.holder.id_number) if access == "PACE-CAN" else _mrz(profile)
    card = reader.read(key)
    expected = replace(profile.holder, card_serial=card_serial(profile.holder), chip_auth="genuine")
    assert card.holder == expected
    assert card.passive_auth is PassiveAuth.VALID
    assert card.photo is not None and len(card.photo) > 18_000
    assert reader.last_stats is not None and reader.last_stats.access_protocol == access
    chip = vpcd_slot.chip
    assert chip is not None and chip.apdus == card.apdu_count


def test_wrong_can_through_pcscd(vpcd_slot: VirtualCardSlot, citizens: list[CitizenProfile]) -> None:
    reader = _reader()
    _insert(vpcd_slot, reader, citizens[1])
    with pytest.raises(CardError) as info:
        reader.read(AccessKey.from_can("123456"))
    assert info.value.reason is CardErrorReason.WRONG_KEY


def test_card_removed_mid_read_then_retry(vpcd_slot: VirtualCardSlot, citizens: list[CitizenProfile]) -> None:
    reader = _reader()
    profile = citizens[2]
    _insert(vpcd_slot, reader, profile)

    def pull(step: ReadProgress) -> None:
        if step.stage == "DG13":
            vpcd_slot.remove()

    with pytest.raises(CardError) as info:
        reader.read(AccessKey.from_id_number(profile.holder.id_number), pull)
    assert info.value.reason is CardErrorReason.CARD_REMOVED
    _wait(lambda: not reader.card_present(), "removal")
    with pytest.raises(CardError) as info:
        reader.read(AccessKey.from_id_number(profile.holder.id_number))
    assert info.value.reason is CardErrorReason.NO_CARD
    _insert(vpcd_slot, reader, profile)
    card = reader.read(AccessKey.from_id_number(profile.holder.id_number))
    assert card.holder.id_number == profile.holder.id_number


def test_events_for_insert_and_remove(vpcd_slot: VirtualCardSlot, citizens: list[CitizenProfile]) -> None:
    reader = _reader()
    events: list[CardEvent] = []
    arrived = threading.Condition()

    def listener(event: CardEvent) -> None:
        with arrived:
            events.append(event)
            arrived.notify_all()

    def saw(kind: CardEventKind) -> bool:
        with arrived:
            return arrived.wait_for(lambda: CardEvent(kind, VPCD_READER) in events, timeout=10)

    reader.start(listener)
    try:
        assert saw(CardEventKind.READER_ATTACHED)
        vpcd_slot.insert(EmulatedChip(personalise_cccd(citizens[0])))
        assert saw(CardEventKind.CARD_INSERTED)
        vpcd_slot.remove()
        assert saw(CardEventKind.CARD_REMOVED)
    finally:
        reader.stop()


def test_unknown_reader_name_is_no_reader(pcscd: None, citizens: list[CitizenProfile]) -> None:
    reader = PcscCardReader("No Such Reader")
    with pytest.raises(CardError) as info:
        reader.read(AccessKey.from_can("123456"))
    assert info.value.reason is CardErrorReason.NO_READER
    assert not reader.card_present()


def test_choose_reader_prefers_contactless() -> None:
    names = ["Gemalto USB Smart Card Reader 00 00", "ACS ACR1252 1S CL Reader PICC 00 01"]
    assert choose_reader(names, None) == names[1]
    assert choose_reader(names, "gemalto") == names[0]
    assert choose_reader(["Contact only 00 00"], None) == "Contact only 00 00"
    assert choose_reader([], None) is None
