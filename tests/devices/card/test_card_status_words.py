"""Status words and lengths as real chips send them: bare errors under secure messaging, sessions
the chip ends (6987/6988), missing optional files, chips that refuse long reads.

The SSC tests run scripted APDU exchanges (JMRTD's ScriptedCardService style): the transport
replays canned responses and records what the terminal sent; the expected commands are the
wraps at the SSC values the exchange must have reached.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.card.emulated import face
from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import (
    ChipOptions,
    PassportProfile,
    personalise_cccd,
    personalise_passport,
)
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.icao import apdu as iso
from devices.card.icao.apdu import CommandApdu, ResponseApdu
from devices.card.icao.channel import ApduChannel, SessionLost
from devices.card.icao.crypto import SessionCipher, SessionKeys
from devices.card.icao.passive_auth import TrustStore
from devices.card.icao.secure_messaging import ChipSecureMessaging, SecureMessaging
from devices.card.profiles import CitizenProfile
from devices.card.reading import read_card
from kiosk.ports.card import AccessKey, CardError, CardErrorReason, PassiveAuth

TRUST = TrustStore.from_folder(TEST_TRUST_DIR)
PASSPORT_KEY = AccessKey.from_mrz("L898902C3", "740812", "120415")


def _can(profile: CitizenProfile) -> AccessKey:
    return AccessKey.from_id_number(profile.holder.id_number)


class ScriptedTransport:
    """Replays (expected command, response) pairs in order and records every command sent."""

    def __init__(self, script: list[tuple[bytes, bytes]]) -> None:
        self.script = list(script)
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        expected, response = self.script.pop(0)
        assert apdu.hex() == expected.hex(), f"APDU {len(self.sent)} differs from the script"
        return response


class RecordingTransport:
    """The emulated chip, with every raw response kept (to tell bare answers from wrapped ones)."""

    def __init__(self, chip: EmulatedChip, tamper: Callable[[int, bytes], bytes] | None = None) -> None:
        self.chip = chip
        self.responses: list[bytes] = []
        self._tamper = tamper

    def transmit(self, apdu: bytes) -> bytes:
        response = self.chip.process(apdu)
        if self._tamper is not None:
            response = self._tamper(len(self.responses) + 1, response)
        self.responses.append(response)
        return response


READ_DG13 = CommandApdu(0x00, iso.INS_READ_BINARY, 0x8D, 0x00, le=223)
READ_DG1 = CommandApdu(0x00, iso.INS_READ_BINARY, 0x81, 0x00, le=223)
DG1_BYTES = bytes.fromhex("615B5F1F58") + b"I<VNM" + bytes(83)


@pytest.mark.parametrize("cipher", [SessionCipher.DES3, SessionCipher.AES128])
def test_bare_error_keeps_the_session_and_the_ssc_in_step(cipher: SessionCipher) -> None:
    keys = SessionKeys.derive(bytes(range(16)), cipher)
    ssc0 = 0x0123456789ABCDEF if cipher is SessionCipher.DES3 else 0
    # The chip answers DG13 with a bare 6A82, then DG1 protected. Both sides counted the bare
    # answer: the second command is wrapped at SSC+3, its answer MACed at SSC+4.
    answer = ChipSecureMessaging(keys, ssc0 + 3).wrap_response(ResponseApdu(DG1_BYTES, iso.SW_END_OF_FILE))
    script = [
        (SecureMessaging(keys, ssc0).wrap(READ_DG13).encode(), bytes.fromhex("6A82")),
        (SecureMessaging(keys, ssc0 + 2).wrap(READ_DG1).encode(), answer.encode()),
    ]
    transport = ScriptedTransport(script)
    channel = ApduChannel(transport)
    channel.sm = SecureMessaging(keys, ssc0)
    first = channel.send(READ_DG13)
    assert (first.sw, first.data) == (iso.SW_FILE_NOT_FOUND, b"")
    assert channel.sm is not None  # the session goes on
    second = channel.send(READ_DG1)
    assert (second.sw, second.data) == (iso.SW_END_OF_FILE, DG1_BYTES)
    assert channel.sm.ssc == ssc0 + 4 and not transport.script


@pytest.mark.parametrize("sw", [iso.SW_SM_MISSING, iso.SW_SM_INCORRECT])
def test_6987_and_6988_end_the_session(sw: int) -> None:
    keys = SessionKeys.derive(bytes(16), SessionCipher.AES128)
    script = [(SecureMessaging(keys, 7).wrap(READ_DG1).encode(), sw.to_bytes(2, "big"))]
    channel = ApduChannel(ScriptedTransport(script))
    channel.sm = SecureMessaging(keys, 7)
    with pytest.raises(SessionLost) as info:
        channel.send(READ_DG1)
    assert info.value.sw == sw and channel.sm is None
    # Afterwards the channel speaks in clear (the next access control starts from nothing).
    channel._transport = ScriptedTransport([(READ_DG1.encode(), bytes.fromhex("6982"))])
    assert channel.send(READ_DG1).sw == iso.SW_SECURITY_NOT_SATISFIED


@pytest.mark.parametrize(
    "sw", [0x6A82, 0x6B00, 0x6700, 0x6982, 0x6A86, 0x6C10, 0x6281, 0x6F00], ids=lambda sw: f"{sw:04X}"
)
def test_any_other_bare_status_word_is_the_answer(sw: int) -> None:
    keys = SessionKeys.derive(bytes(16), SessionCipher.AES128)
    script = [(SecureMessaging(keys, 0).wrap(READ_DG1).encode(), sw.to_bytes(2, "big"))]
    channel = ApduChannel(ScriptedTransport(script))
    channel.sm = SecureMessaging(keys, 0)
    assert channel.send(READ_DG1) == ResponseApdu(b"", sw)
    assert channel.sm is not None and channel.sm.ssc == 2


def _pace_mse(command: CommandApdu) -> bool:
    """MSE:Set AT for PACE (C1A4), not the one for Chip Authentication (41A4)."""
    return command.ins == iso.INS_MSE and command.p1 == 0xC1


def test_cccd_answering_errors_bare_reads_without_dg13_and_ef_com(citizens: list[CitizenProfile]) -> None:
    options = ChipOptions(bare_errors=True, absent_files=frozenset({"DG13", "COM"}))
    chip = EmulatedChip(personalise_cccd(citizens[0], options))
    transport = RecordingTransport(chip)
    outcome = read_card(transport, _can(citizens[0]), TRUST)
    assert bytes.fromhex("6A82") in transport.responses  # the chip did answer bare
    assert "DG1" in outcome.card.data_groups and outcome.card.photo is not None
    assert "DG13" not in outcome.card.data_groups and "COM" not in outcome.card.data_groups
    assert sum(1 for c in chip.commands if _pace_mse(c)) == 1  # PACE ran once


@pytest.mark.parametrize("bare", [True, False])
def test_passport_without_sod_reads_unverifiable(guest_passport: PassportProfile, bare: bool) -> None:
    image = personalise_passport(
        guest_passport, ChipOptions(bare_errors=bare, absent_files=frozenset({"SOD"}))
    )
    chip = EmulatedChip(image)
    outcome = read_card(RecordingTransport(chip), PASSPORT_KEY, TRUST)
    assert outcome.card.holder.document_number == "L898902C3"
    assert outcome.card.passive_auth is PassiveAuth.UNVERIFIABLE
    assert outcome.card.photo is not None  # DG2, read after the missing SOD, is kept too
    assert sum(1 for c in chip.commands if c.ins == iso.INS_EXTERNAL_AUTHENTICATE) == 1


def test_passport_without_dg2_reads(guest_passport: PassportProfile) -> None:
    image = personalise_passport(
        guest_passport, ChipOptions(bare_errors=True, absent_files=frozenset({"DG2"}))
    )
    outcome = read_card(RecordingTransport(EmulatedChip(image)), PASSPORT_KEY, TRUST)
    assert outcome.card.photo is None and outcome.card.passive_auth is PassiveAuth.VALID


def test_session_lost_mid_file_resumes_at_the_offset(citizens: list[CitizenProfile]) -> None:
    """The chip forgets its session in the middle of DG2 and answers 6987 (SM objects missing)."""

    image = personalise_cccd(citizens[0], ChipOptions(photo=face.LARGE))
    clean = EmulatedChip(image)
    read_card(RecordingTransport(clean), _can(citizens[0]), TRUST)
    chip = EmulatedChip(image)
    dropped: list[int] = []

    def drop(count: int, response: bytes) -> bytes:
        if count == 40 and not dropped:
            dropped.append(count)
            chip.sm = None
            return bytes.fromhex("6987")
        return response

    outcome = read_card(RecordingTransport(chip, drop), _can(citizens[0]), TRUST)
    assert dropped and outcome.card.passive_auth is PassiveAuth.VALID
    assert sum(1 for c in chip.commands if _pace_mse(c)) == 2  # re-established once
    # Asked again: EF.CardAccess (access control) and the lost block; nothing read before it.
    assert len(_reads(chip)) == len(_reads(clean)) + 2
    after = chip.commands[[_pace_mse(c) for c in chip.commands].index(True, 1) :]
    resumed = next(c for c in after if c.ins == iso.INS_SELECT and c.p1 == 0x02)
    following = after[after.index(resumed) + 1]
    assert following.ins == iso.INS_READ_BINARY and (following.p1 << 8 | following.p2) > 0  # not from 0


def test_session_lost_twice_on_the_same_file_gives_up(citizens: list[CitizenProfile]) -> None:
    chip = EmulatedChip(personalise_cccd(citizens[0]))

    def always_drop(count: int, response: bytes) -> bytes:
        last = chip.commands[-1]
        if last.ins == iso.INS_READ_BINARY and last.p1 == 0x81 and chip.sm is not None:  # DG1
            chip.sm = None
            return bytes.fromhex("6988")
        return response

    with pytest.raises(CardError) as info:
        read_card(RecordingTransport(chip, always_drop), _can(citizens[0]), TRUST)
    assert info.value.reason is CardErrorReason.BAD_RESPONSE and "6988" in info.value.detail


# -- lengths ------------------------------------------------------------------------------------------
def _reads(chip: EmulatedChip) -> list[CommandApdu]:
    return [c for c in chip.commands if c.ins == iso.INS_READ_BINARY]


def test_block_size_follows_the_session_cipher(
    reader: EmulatedCardReader, citizens: list[CitizenProfile], guest_passport: PassportProfile
) -> None:

    reader.insert(citizens[0], ChipOptions(photo=face.LARGE))  # PACE, AES-128
    reader.read(_can(citizens[0]))
    assert reader.chip is not None and max(c.le or 0 for c in _reads(reader.chip)) == 223
    reader.insert_passport(guest_passport, ChipOptions(photo=face.LARGE))  # BAC, 3DES
    card = reader.read(PASSPORT_KEY)
    reads = _reads(reader.chip)
    assert max(c.le or 0 for c in reads) == 231 and card.photo is not None
    photo_reads = [c for c in reads if c.le == 231]
    assert len(photo_reads) >= len(card.photo) // 231 - 1


@pytest.mark.parametrize("profile", ["cccd", "passport"])
def test_chip_refusing_reads_over_200_bytes_with_a_bare_6700(
    citizens: list[CitizenProfile], guest_passport: PassportProfile, profile: str
) -> None:

    options = ChipOptions(max_read=200, photo=face.LARGE)
    if profile == "cccd":
        image, key = personalise_cccd(citizens[0], options), _can(citizens[0])
    else:
        image, key = personalise_passport(guest_passport, options), PASSPORT_KEY
    chip = EmulatedChip(image)
    transport = RecordingTransport(chip)
    outcome = read_card(transport, key, TRUST)
    assert outcome.card.passive_auth is PassiveAuth.VALID and outcome.card.photo is not None
    reads = _reads(chip)
    refused = [c for c in reads if (c.le or 256) > 200]
    assert bytes.fromhex("6700") in transport.responses  # bare, not wrapped
    assert 1 <= len(refused) <= 10  # the limit is found once, by a short search
    # Once found, the photo is read in 200-byte blocks: no more than a few extra APDUs.
    photo = len(outcome.card.photo)
    assert sum(1 for c in reads if c.le == 200) >= photo // 200 - 2


def test_6cxx_gives_the_length_to_read_again(
    reader: EmulatedCardReader, citizens: list[CitizenProfile]
) -> None:
    reader.insert(citizens[0], ChipOptions(wrong_le_6c=True, bare_errors=True))
    card = reader.read(_can(citizens[0]))
    assert card.passive_auth is PassiveAuth.VALID


# -- random answers: a clear outcome, never a hang ---------------------------------------------------
SM_FUZZ = settings(max_examples=200, deadline=None)


def _one_exchange(keys: SessionKeys, ssc: int, response: bytes) -> ApduChannel:
    """A channel in session at `ssc` whose chip will answer READ_DG1 with `response`."""
    channel = ApduChannel(ScriptedTransport([(SecureMessaging(keys, ssc).wrap(READ_DG1).encode(), response)]))
    channel.sm = SecureMessaging(keys, ssc)
    return channel


@SM_FUZZ
@given(sw=st.integers(0x6100, 0x6FFF))
def test_random_bare_status_words(sw: int) -> None:
    keys = SessionKeys.derive(bytes(16), SessionCipher.AES128)
    channel = ApduChannel(
        ScriptedTransport([(SecureMessaging(keys, 5).wrap(READ_DG1).encode(), sw.to_bytes(2, "big"))])
    )
    channel.sm = SecureMessaging(keys, 5)
    try:
        answer = channel.send(READ_DG1)
    except SessionLost:
        assert sw in (iso.SW_SM_MISSING, iso.SW_SM_INCORRECT) and channel.sm is None
    else:
        assert answer.sw == sw and channel.sm is not None and channel.sm.ssc == 7


@SM_FUZZ
@given(cut=st.integers(0, 40), flip=st.integers(0, 255))
def test_truncated_or_altered_protected_answers_are_bad_responses(cut: int, flip: int) -> None:
    keys = SessionKeys.derive(bytes(16), SessionCipher.DES3)
    good = ChipSecureMessaging(keys, 1).wrap_response(ResponseApdu(DG1_BYTES, iso.SW_OK)).encode()
    broken = bytearray(good[: max(len(good) - cut, 0)])
    if broken and flip:
        broken[flip % len(broken)] ^= flip
    channel = ApduChannel(
        ScriptedTransport([(SecureMessaging(keys, 0).wrap(READ_DG1).encode(), bytes(broken))])
    )
    channel.sm = SecureMessaging(keys, 0)
    if bytes(broken[:-2]) == good[:-2]:
        # Intact, or only the outer status word changed: it is not MACed, DO99 is and counts.
        assert channel.send(READ_DG1) == ResponseApdu(DG1_BYTES, iso.SW_OK)
        return
    try:
        answer = channel.send(READ_DG1)
    except (CardError, SessionLost) as exc:
        assert not isinstance(exc, CardError) or exc.reason is CardErrorReason.BAD_RESPONSE
    else:  # only a cut down to a bare status word can pass: then it is that status word
        assert len(broken) == 2 and answer.data == b""
