"""Which PC/SC reader a read uses when no name is given: the first that has a card, and readers
plugged in after start-up. Through a scripted PC/SC layer, and through pcscd + vpcd's two slots."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from smartcard import scard as real_scard

from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import personalise_cccd
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.vpcd import VPCD_HOST, VPCD_PORT, VPCD_READER, VirtualCardSlot
from devices.card.pcsc import PcscCardReader, choose_reader
from devices.card.profiles import CitizenProfile
from kiosk.ports.card import AccessKey, CardError, CardErrorReason

CONTACTLESS = "ACS ACR1252 1S CL Reader PICC 00 01"
CONTACT = "Gemalto USB Smart Card Reader 00 00"
SECOND_VPCD_READER = "Virtual PCD 00 01"  # vpcd's second slot, port VPCD_PORT + 1


def test_choose_reader_takes_the_first_reader_with_a_card() -> None:
    names = [CONTACT, CONTACTLESS]
    assert choose_reader(names, None, {CONTACT}) == CONTACT  # the card lies on the contact reader
    assert choose_reader(names, None, {CONTACT, CONTACTLESS}) == CONTACTLESS  # contactless first
    assert choose_reader(names, None, set()) == CONTACTLESS  # no card yet: the contactless one
    assert choose_reader(names, "gemalto", {CONTACTLESS}) == CONTACT  # a name given wins
    assert choose_reader(names, "nothing like it", {CONTACT}) is None


class FakeScard:
    """pyscard's `scard` API over emulated chips on named readers; readers can come and go."""

    def __init__(self) -> None:
        self.readers: dict[str, EmulatedChip | None] = {}
        self.connected: list[str] = []

    def __getattr__(self, name: str) -> Any:  # constants and error messages of the real module
        return getattr(real_scard, name)

    def SCardEstablishContext(self, scope: int) -> tuple[int, int]:
        return real_scard.SCARD_S_SUCCESS, 1

    def SCardReleaseContext(self, context: int) -> int:
        return real_scard.SCARD_S_SUCCESS

    def SCardListReaders(self, context: int, groups: list[str]) -> tuple[int, list[str]]:
        if not self.readers:
            return real_scard.SCARD_E_NO_READERS_AVAILABLE, []
        return real_scard.SCARD_S_SUCCESS, list(self.readers)

    def SCardGetStatusChange(
        self, context: int, timeout: int, states: list[tuple[str, int]]
    ) -> tuple[int, list[tuple[str, int, list[int]]]]:
        out = []
        for name, _ in states:
            present = self.readers.get(name) is not None
            out.append(
                (name, real_scard.SCARD_STATE_PRESENT if present else real_scard.SCARD_STATE_EMPTY, [])
            )
        return real_scard.SCARD_S_SUCCESS, out

    def SCardConnect(self, context: int, name: str, share: int, protocols: int) -> tuple[int, str, int]:
        if self.readers.get(name) is None:
            return real_scard.SCARD_E_NO_SMARTCARD, "", 0
        self.connected.append(name)
        return real_scard.SCARD_S_SUCCESS, name, real_scard.SCARD_PROTOCOL_T1

    def SCardBeginTransaction(self, card: str) -> int:
        return real_scard.SCARD_S_SUCCESS

    def SCardTransmit(self, card: str, protocol: int, apdu: list[int]) -> tuple[int, list[int]]:
        chip = self.readers[card]
        assert chip is not None
        return real_scard.SCARD_S_SUCCESS, list(chip.process(bytes(apdu)))

    def SCardDisconnect(self, card: str, disposition: int) -> int:
        chip = self.readers.get(card)
        if chip is not None:
            chip.reset()
        return real_scard.SCARD_S_SUCCESS


@pytest.fixture
def fake_scard(monkeypatch: pytest.MonkeyPatch) -> FakeScard:
    fake = FakeScard()
    monkeypatch.setattr("devices.card.pcsc._scard", lambda: fake)
    return fake


def _key(profile: CitizenProfile) -> AccessKey:
    return AccessKey.from_id_number(profile.holder.id_number)


def test_card_on_the_second_reader_is_read(fake_scard: FakeScard, citizens: list[CitizenProfile]) -> None:
    fake_scard.readers = {CONTACTLESS: None, CONTACT: EmulatedChip(personalise_cccd(citizens[0]))}
    reader = PcscCardReader(trust_dir=TEST_TRUST_DIR)
    assert reader.card_present()
    card = reader.read(_key(citizens[0]), with_photo=False)
    assert card.holder.id_number == citizens[0].holder.id_number
    assert fake_scard.connected == [CONTACT]


def test_reader_plugged_in_later_is_used(fake_scard: FakeScard, citizens: list[CitizenProfile]) -> None:
    reader = PcscCardReader(trust_dir=TEST_TRUST_DIR)
    with pytest.raises(CardError) as info:
        reader.read(_key(citizens[0]))
    assert info.value.reason is CardErrorReason.NO_READER and not reader.card_present()
    fake_scard.readers[CONTACTLESS] = None  # plugged in, no card yet
    with pytest.raises(CardError) as info:
        reader.read(_key(citizens[0]))
    assert info.value.reason is CardErrorReason.NO_CARD
    fake_scard.readers[CONTACTLESS] = EmulatedChip(personalise_cccd(citizens[1]))
    assert reader.card_present()
    assert reader.read(_key(citizens[1]), with_photo=False).holder.id_number == citizens[1].holder.id_number


def _wait(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.pcscd
def test_no_name_reads_the_vpcd_slot_that_has_the_card(pcscd: None, citizens: list[CitizenProfile]) -> None:
    """A card on vpcd's second slot only: a read without a reader name finds it there."""
    first = PcscCardReader(VPCD_READER)
    # Other engineers' tests use the first slot: wait for it to be free instead of fighting.
    _wait(lambda: not first.card_present(), "the first vpcd slot to be free")
    if SECOND_VPCD_READER not in first.readers():
        pytest.fail(f"pcscd lists no {SECOND_VPCD_READER!r}: {first.readers()}")
    slot = VirtualCardSlot(VPCD_HOST, VPCD_PORT + 1)
    slot.start()
    try:
        slot.insert(EmulatedChip(personalise_cccd(citizens[2])))
        second = PcscCardReader(SECOND_VPCD_READER)
        _wait(second.card_present, "the card on the second vpcd slot")
        reader = PcscCardReader(trust_dir=TEST_TRUST_DIR)
        card = reader.read(_key(citizens[2]), with_photo=False)
        assert card.holder.id_number == citizens[2].holder.id_number
    finally:
        slot.stop()
