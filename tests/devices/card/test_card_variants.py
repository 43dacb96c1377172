"""Other PACE suites and curves, PACE→BAC fallback, JPEG 2000 faces, sessions the chip drops."""

from __future__ import annotations

import pytest

from devices.card.emulated import face
from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import ChipOptions, personalise_cccd, yymmdd
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.icao.lds.card_access import SecurityInfo, build_card_access
from devices.card.icao.passive_auth import TrustStore
from devices.card.photo import displayable, jpeg2000_supported
from devices.card.profiles import CitizenProfile
from devices.card.reading import read_card
from kiosk.ports.card import AccessKey, CardError, CardErrorReason, PassiveAuth

PACE = "0.4.0.127.0.7.2.2.4"


def _can(profile: CitizenProfile) -> AccessKey:
    return AccessKey.from_id_number(profile.holder.id_number)


def _mrz(profile: CitizenProfile) -> AccessKey:
    h = profile.holder
    return AccessKey.from_mrz(h.id_number[-9:], yymmdd(h.date_of_birth), yymmdd(h.expiry_date))


@pytest.mark.parametrize(
    ("protocol", "parameter_id"),
    [
        (PACE + ".2.1", 12),  # ECDH-GM-3DES, NIST P-256
        (PACE + ".2.2", 8),  # ECDH-GM-AES-128, NIST P-192
        (PACE + ".2.3", 15),  # ECDH-GM-AES-192, NIST P-384
        (PACE + ".2.4", 16),  # ECDH-GM-AES-256, brainpoolP384r1
        (PACE + ".2.4", 17),  # ECDH-GM-AES-256, brainpoolP512r1
        (PACE + ".2.2", 18),  # ECDH-GM-AES-128, NIST P-521
    ],
)
def test_pace_suites(citizens: list[CitizenProfile], protocol: str, parameter_id: int) -> None:
    card_access = build_card_access([SecurityInfo(protocol, 2, parameter_id)])
    reader = EmulatedCardReader()
    reader.insert(citizens[0], ChipOptions(card_access=card_access))
    for key in (_can(citizens[0]), _mrz(citizens[0])):
        card = reader.read(key, with_photo=False)
        assert card.holder.id_number == citizens[0].holder.id_number
        assert card.passive_auth is PassiveAuth.VALID
    with pytest.raises(CardError) as info:
        reader.read(AccessKey.from_can("000000"))
    assert info.value.reason is CardErrorReason.WRONG_KEY


def test_chip_offering_only_dh_pace_falls_back_to_bac(citizens: list[CitizenProfile]) -> None:
    card_access = build_card_access([SecurityInfo(PACE + ".1.2", 2, 2)])  # DH-GM: not implemented
    reader = EmulatedCardReader()
    reader.insert(citizens[0], ChipOptions(card_access=card_access))
    reader.read(_mrz(citizens[0]), with_photo=False)
    assert reader.last_stats is not None and reader.last_stats.access_protocol == "BAC"


def test_unreadable_card_access_with_a_can_tries_the_cccd_suite(citizens: list[CitizenProfile]) -> None:
    reader = EmulatedCardReader()
    reader.insert(citizens[0], ChipOptions(card_access_readable=False))
    card = reader.read(_can(citizens[0]), with_photo=False)
    assert card.passive_auth is PassiveAuth.VALID
    assert reader.last_stats is not None and reader.last_stats.access_protocol == "PACE-CAN"
    reader.read(_mrz(citizens[0]), with_photo=False)  # with the MRZ: BAC, as 9303 prescribes
    assert reader.last_stats is not None and reader.last_stats.access_protocol == "BAC"


def test_chip_refusing_pace_with_6984_falls_back_to_bac(citizens: list[CitizenProfile]) -> None:
    reader = EmulatedCardReader()
    reader.insert(citizens[0], ChipOptions(pace_refused=True))
    card = reader.read(_mrz(citizens[0]), with_photo=False)
    assert card.passive_auth is PassiveAuth.VALID
    assert reader.last_stats is not None and reader.last_stats.access_protocol == "BAC"
    with pytest.raises(CardError) as info:  # with only a CAN, BAC is impossible: ask for the MRZ
        reader.read(_can(citizens[0]))
    assert info.value.reason is CardErrorReason.NEEDS_KEY


@pytest.mark.skipif(not jpeg2000_supported(), reason="Pillow without OpenJPEG")
def test_jpeg2000_face(citizens: list[CitizenProfile]) -> None:
    reader = EmulatedCardReader()
    reader.insert(citizens[0], ChipOptions(photo_format=face.JP2, photo=face.LARGE))
    card = reader.read(_can(citizens[0]))
    assert card.photo_format == "jp2" and card.photo is not None
    shown = displayable(card.photo)
    assert (shown.mime, shown.width, shown.height) == ("image/png", 240, 320)
    # The reader hands the UI the converted face: PNG, not the chip's JPEG 2000.
    assert card.face == shown.data and card.face.startswith(b"\x89PNG")


class DroppingTransport:
    """The chip ends secure messaging once, mid-read (bare 6988), as after a field glitch."""

    def __init__(self, chip: EmulatedChip, drop_at: int) -> None:
        self.chip = chip
        self.drop_at = drop_at
        self.count = 0

    def transmit(self, apdu: bytes) -> bytes:
        self.count += 1
        response = self.chip.process(apdu)
        if self.count == self.drop_at:
            self.chip.sm = None
            return bytes.fromhex("6988")
        return response


def test_session_dropped_by_the_chip_is_re_established(citizens: list[CitizenProfile]) -> None:
    chip = EmulatedChip(personalise_cccd(citizens[0]))
    transport = DroppingTransport(chip, drop_at=12)  # inside DG13 / SOD
    outcome = read_card(transport, _can(citizens[0]), TrustStore.from_folder(TEST_TRUST_DIR))
    assert outcome.card.holder.id_number == citizens[0].holder.id_number
    assert outcome.card.passive_auth is PassiveAuth.VALID
    assert sum(1 for c in chip.commands if c.ins == 0x22 and c.p1 == 0xC1) == 2  # PACE ran twice


class GarbageTransport:
    def __init__(self, chip: EmulatedChip, from_apdu: int, answer: bytes | None = None) -> None:
        self.chip = chip
        self.from_apdu = from_apdu
        self.answer = answer
        self.count = 0

    def transmit(self, apdu: bytes) -> bytes:
        self.count += 1
        response = self.chip.process(apdu)
        if self.count < self.from_apdu:
            return response
        if self.answer is not None:
            return self.answer
        flipped = bytearray(response)
        flipped[len(flipped) // 2] ^= 0x40
        return bytes(flipped)


@pytest.mark.parametrize(
    ("from_apdu", "answer"),
    [
        (10, None),  # a flipped bit in a protected answer: MAC check fails
        (10, b"\x90"),  # one byte: not even a status word
        (10, bytes.fromhex("DEADBEEF9000")),  # unprotected junk inside secure messaging
        (3, bytes.fromhex("7C02FF009000")),  # malformed GENERAL AUTHENTICATE answer
        (4, bytes.fromhex("7C438241" + "04" + "11" * 64 + "9000")),  # point not on the curve
    ],
)
def test_garbage_is_bad_response(
    citizens: list[CitizenProfile], from_apdu: int, answer: bytes | None
) -> None:
    chip = EmulatedChip(personalise_cccd(citizens[0]))
    with pytest.raises(CardError) as info:
        read_card(GarbageTransport(chip, from_apdu, answer), _can(citizens[0]), TrustStore([]))
    assert info.value.reason is CardErrorReason.BAD_RESPONSE


class BrokenTransport:
    def transmit(self, apdu: bytes) -> bytes:
        raise RuntimeError("driver bug")


def test_an_unexpected_failure_is_still_a_card_error(citizens: list[CitizenProfile]) -> None:
    with pytest.raises(CardError) as info:
        read_card(BrokenTransport(), _can(citizens[0]), TrustStore([]))
    assert info.value.reason is CardErrorReason.BAD_RESPONSE
