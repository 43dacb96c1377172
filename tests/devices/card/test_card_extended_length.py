"""Extended-length APDUs: declared by the chip (ATR historical bytes, EF.ATR/INFO), carried by the
reader, used under secure messaging (DO97 on two bytes, extended Le, DO87 in long form), and
given up for short APDUs when the chip or the reader refuses them (6700, a failed transmit)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.card.emulated import face
from devices.card.emulated.chip import EmulatedChip, contactless_atr
from devices.card.emulated.personalise import ChipOptions, personalise_cccd
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.vpcd import VPCD_READER, VirtualCardSlot
from devices.card.icao import apdu as iso
from devices.card.icao.apdu import CommandApdu, ResponseApdu
from devices.card.icao.channel import LengthRefused
from devices.card.icao.crypto import SessionCipher, SessionKeys
from devices.card.icao.extended_length import (
    ReaderLink,
    atr_info_response_limit,
    build_atr_info,
    card_capabilities,
    historical_bytes,
    protected_response_length,
    secure_read_block,
)
from devices.card.icao.passive_auth import TrustStore
from devices.card.icao.secure_messaging import ChipSecureMessaging, SecureMessaging
from devices.card.pcsc import PcscCardReader
from devices.card.profiles import CitizenProfile
from devices.card.reading import ReadOutcome, read_card
from kiosk.ports.card import AccessKey, ChipAuth, PassiveAuth

TRUST = TrustStore.from_folder(TEST_TRUST_DIR)
UNLIMITED = 65536  # an in-process reader: nothing between it and the chip


# -- framing ------------------------------------------------------------------------------------
def test_extended_encoding_cases() -> None:
    assert CommandApdu(0, 0xB0, 0, 0, le=256).encode().hex() == "00b0000000"  # short
    assert CommandApdu(0, 0xB0, 0, 0, le=257).encode().hex() == "00b00000000101"  # 2E
    assert CommandApdu(0, 0xB0, 0, 0, le=65536).encode().hex() == "00b00000000000"  # 2E, 0000
    data = bytes(300)
    assert CommandApdu(0, 0xD6, 0, 0, data).encode() == bytes.fromhex("00d6000000012c") + data  # 3E
    four = CommandApdu(0, 0xB0, 0, 0, b"\x01", le=65536, extended=True).encode()
    assert four.hex() == "00b00000000001010000"  # 4E: Lc and Le on two bytes


@given(
    data=st.binary(max_size=700),
    le=st.one_of(st.none(), st.integers(1, 65536)),
    extended=st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_extended_round_trip(data: bytes, le: int | None, extended: bool) -> None:
    command = CommandApdu(0x0C, 0xB0, 1, 2, data, le=le, extended=extended and bool(data or le))
    decoded = CommandApdu.decode(command.encode())
    assert (decoded.data, decoded.le, decoded.is_extended) == (data, le, command.is_extended)


def test_malformed_extended_apdus_are_refused() -> None:
    assert CommandApdu.decode(bytes.fromhex("00b0000000")).le == 256  # short Le 00, not extended
    for raw in ("00b000000000", "00d6000000000501020304", "00d600000000020102ff"):
        with pytest.raises(ValueError):
            CommandApdu.decode(bytes.fromhex(raw))


# -- what the chip declares ---------------------------------------------------------------------
def test_card_capabilities_from_the_atr(citizens: list[CitizenProfile]) -> None:
    plain = EmulatedChip(personalise_cccd(citizens[0], ChipOptions())).atr
    assert plain.hex() == "3b80800101" and historical_bytes(plain) == b""
    assert not card_capabilities(historical_bytes(plain)).extended_length
    declared = contactless_atr(bytes.fromhex("8073800140"))
    assert card_capabilities(historical_bytes(declared)).extended_length
    assert not card_capabilities(historical_bytes(declared)).limits_in_atr_info
    with_info = card_capabilities(bytes.fromhex("8073800160"))
    assert with_info.extended_length and with_info.limits_in_atr_info
    # Category 00: the last 3 bytes are the status indicator, outside the compact-TLV objects.
    assert card_capabilities(bytes.fromhex("0073000040" + "059000")).extended_length
    # An ATR with TA1/TB1/TC1 before TD1 (Y1 = F), then TD1 → TD2 (T=1): historical bytes after.
    atr = bytes.fromhex("3BF5" + "1100FF" + "81" + "01" + "8073800140" + "00")
    assert historical_bytes(atr) == bytes.fromhex("8073800140")
    assert historical_bytes(bytes.fromhex("3B8F80")) == b""  # claims 15 bytes it has not


def test_atr_info_limits() -> None:
    assert atr_info_response_limit(build_atr_info(1024, 4096)) == 4096
    assert atr_info_response_limit(bytes.fromhex("5F5203000000")) is None  # other DOs only
    assert atr_info_response_limit(b"\x7f\x66\x05\x02") is None  # truncated
    link = ReaderLink(contactless_atr(bytes.fromhex("8073800160")), max_data=UNLIMITED)
    assert link.limits_in_atr_info
    assert link.response_limit(build_atr_info(1024, 4096)) == 4096
    assert link.response_limit(None) == UNLIMITED + 2
    assert ReaderLink(link.atr, max_data=0).response_limit(None) == 0  # a short-only reader
    assert ReaderLink(link.atr, max_data=None).response_limit(None) == UNLIMITED + 2  # reader silent
    assert ReaderLink(contactless_atr(b""), max_data=UNLIMITED).response_limit(None) == 0


@pytest.mark.parametrize("cipher_block", [8, 16])
@given(limit=st.integers(258, 65538))
@settings(max_examples=100, deadline=None)
def test_secure_read_block_is_the_longest_that_fits(cipher_block: int, limit: int) -> None:
    block = secure_read_block(limit, cipher_block)
    assert protected_response_length(block, cipher_block) + 2 <= limit
    longer = (block // cipher_block + 1) * cipher_block  # the first length that pads one block more
    assert protected_response_length(longer, cipher_block) + 2 > limit


def test_short_blocks_are_the_icao_ones() -> None:
    assert secure_read_block(258, 16) == 223 and secure_read_block(258, 8) == 231


# -- secure messaging with extended length (scripted, both sides of the same keys) ----------------
@pytest.mark.parametrize("cipher", [SessionCipher.AES128, SessionCipher.DES3])
def test_sm_extended_read_binary(cipher: SessionCipher) -> None:
    keys = SessionKeys.derive(bytes(range(16)), cipher)
    terminal, chip = SecureMessaging(keys, 7), ChipSecureMessaging(keys, 7)
    protected = terminal.wrap(CommandApdu(0x00, iso.INS_READ_BINARY, 0x82, 0x00, le=20_000))
    raw = protected.encode()
    assert raw[4] == 0x00 and raw[-2:] == b"\x00\x00"  # extended, Le 0000 = 65536
    assert bytes.fromhex("97024e20") in raw  # DO97 on two bytes: 20000
    inner = chip.unwrap_command(CommandApdu.decode(raw))
    assert inner.le == 20_000
    content = bytes(i % 251 for i in range(20_000))
    answer = chip.wrap_response(ResponseApdu(content, iso.SW_OK))
    assert answer.data[:2] == b"\x87\x82"  # DO87 with a 2-byte length
    assert len(answer.data) == protected_response_length(20_000, keys.cipher.block_size)
    assert terminal.unwrap(answer) == ResponseApdu(content, iso.SW_OK)
    assert terminal.ssc == chip.ssc == 9


def test_sm_short_le_stays_short() -> None:
    keys = SessionKeys.derive(bytes(16), SessionCipher.AES128)
    sm = SecureMessaging(keys, 0)
    for le in (223, 256):  # 256 (00): "what fits", as CA and AA ask
        raw = sm.wrap(CommandApdu(0, iso.INS_READ_BINARY, 0x81, 0, le=le)).encode()
        assert raw[4] != 0 and len(raw) == 5 + raw[4] + 1
    long_answer = sm.wrap(CommandApdu(0, iso.INS_READ_BINARY, 0x81, 0, le=224)).encode()
    assert long_answer[4] == 0  # 224 plain bytes pad to 240: the protected answer needs Le 0000


# -- whole reads against the emulated chip (in process) -------------------------------------------
class ChipLink:
    """The emulated chip behind a reader that carries `max_data` bytes (None: does not say) and,
    with `refuse_extended`, fails every extended APDU before the chip sees it."""

    def __init__(self, chip: EmulatedChip, *, refuse_extended: bool = False) -> None:
        self.chip = chip
        self.refuse_extended = refuse_extended
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        if self.refuse_extended and CommandApdu.decode(apdu).is_extended:
            raise LengthRefused("the reader's driver failed the transfer")
        return self.chip.process(apdu)


def _read(
    profile: CitizenProfile,
    *,
    max_data: int | None = UNLIMITED,
    refuse_extended: bool = False,
    **options: object,
) -> tuple[ReadOutcome, ChipLink]:
    chip = EmulatedChip(personalise_cccd(profile, ChipOptions(photo=face.LARGE, **options)))  # type: ignore[arg-type]
    transport = ChipLink(chip, refuse_extended=refuse_extended)
    link = ReaderLink(chip.atr, max_data)
    outcome = read_card(transport, AccessKey.from_id_number(profile.holder.id_number), TRUST, link=link)
    return outcome, transport


def _photo_reads(chip: EmulatedChip) -> int:
    """READ BINARY commands of DG2 (SFI 02, then offset reads after it)."""
    reads = [c for c in chip.commands if c.ins == iso.INS_READ_BINARY]
    first = next(i for i, c in enumerate(reads) if c.p1 == 0x82)
    return len(reads) - first


def _assert_good(outcome: ReadOutcome, reference: ReadOutcome) -> None:
    assert outcome.card.passive_auth is PassiveAuth.VALID
    assert outcome.card.chip_auth is ChipAuth.GENUINE
    assert outcome.card.holder == reference.card.holder
    assert outcome.card.photo == reference.card.photo and outcome.card.photo is not None


@pytest.fixture(scope="module")
def short_read(citizens: list[CitizenProfile]) -> tuple[ReadOutcome, ChipLink]:
    return _read(citizens[0])


def test_no_declaration_means_short_apdus(short_read: tuple[ReadOutcome, ChipLink]) -> None:
    outcome, link = short_read
    assert not any(CommandApdu.decode(raw).is_extended for raw in link.sent)
    assert _photo_reads(link.chip) == -(-outcome.stats.file_sizes["DG2"] // 223)


@pytest.mark.parametrize("declared", ["historical", "atr_info"])
def test_declared_extended_length_reads_the_photo_in_one_apdu(
    citizens: list[CitizenProfile], short_read: tuple[ReadOutcome, ChipLink], declared: str
) -> None:
    outcome, link = _read(citizens[0], extended_length=65535, extended_declared=declared)
    _assert_good(outcome, short_read[0])
    assert _photo_reads(link.chip) == 1  # ~20 KB in one READ BINARY
    atr_info_reads = [c for c in link.chip.commands if c.ins == iso.INS_READ_BINARY and c.p1 == 0x81]
    assert len(atr_info_reads) == (2 if declared == "atr_info" else 1)  # EF.ATR/INFO, then DG1
    # Every file fits one READ BINARY: one APDU per file read, whatever its length.
    files = len(outcome.stats.file_sizes)
    reads = sum(c.ins == iso.INS_READ_BINARY for c in link.chip.commands)
    assert reads == files + (declared == "atr_info")
    assert outcome.stats.apdu_count <= short_read[0].stats.apdu_count - 99


def test_atr_info_limit_is_kept(
    citizens: list[CitizenProfile], short_read: tuple[ReadOutcome, ChipLink]
) -> None:
    outcome, link = _read(citizens[0], extended_length=4096, extended_declared="atr_info")
    _assert_good(outcome, short_read[0])
    block = secure_read_block(4096, 16)
    assert _photo_reads(link.chip) == -(-outcome.stats.file_sizes["DG2"] // block)
    assert max(len(raw) for raw in link.sent) <= 4096


@pytest.mark.parametrize(
    ("case", "options", "reader"),
    [
        # The ATR says so, but the chip's I/O layer cannot parse extended APDUs (bare 6700, not
        # counted in its SSC: the session is re-established once).
        ("chip refuses", {"extended_length": 0, "extended_declared": "historical"}, {}),
        # The chip takes extended APDUs only up to 4 KB without saying so: the photo's read gets
        # a 6700 (counted), and the rest of the read goes in short blocks.
        ("chip limit unsaid", {"extended_length": 4096, "extended_declared": "historical"}, {}),
        # The reader did not say what it carries, and its driver fails the extended transfer.
        ("reader refuses", {"extended_length": 65535, "extended_declared": "historical"},
         {"max_data": None, "refuse_extended": True}),
    ],
)  # fmt: skip
def test_refused_extended_falls_back_to_short(
    citizens: list[CitizenProfile],
    short_read: tuple[ReadOutcome, ChipLink],
    case: str,
    options: dict[str, object],
    reader: dict[str, object],
) -> None:
    outcome, link = _read(citizens[0], **options, **reader)  # type: ignore[arg-type]
    _assert_good(outcome, short_read[0])
    extended = [i for i, raw in enumerate(link.sent) if CommandApdu.decode(raw).is_extended]
    # After the refused one (the last), no extended APDU is tried again; small files went in
    # one extended read each before it on the chip whose limit is unsaid.
    assert not any(CommandApdu.decode(raw).is_extended for raw in link.sent[extended[-1] + 1 :])
    assert len(extended) == (5 if case == "chip limit unsaid" else 1)  # DG1, SOD, DG14, DG13, DG2
    # At worst (the chip's SSC did not count the refused APDU): its retry meets 6988, and
    # EF.CardAccess, PACE and SELECT again: 9 more than a short read.
    assert outcome.stats.apdu_count <= short_read[0].stats.apdu_count + 9


def test_short_only_reader_never_sends_extended(citizens: list[CitizenProfile]) -> None:
    outcome, link = _read(citizens[0], max_data=256, extended_length=65535, extended_declared="atr_info")
    assert outcome.card.passive_auth is PassiveAuth.VALID
    assert not any(CommandApdu.decode(raw).is_extended for raw in link.sent)


def test_chip_refuses_a_short_le_whose_answer_does_not_fit(citizens: list[CitizenProfile]) -> None:
    """The emulated chip holds readers to the Le field: 240 bytes under AES need 258 > 256."""
    chip = EmulatedChip(personalise_cccd(citizens[0], ChipOptions()))
    keys = SessionKeys.derive(bytes(16), SessionCipher.AES128)
    chip.sm, chip.app_selected = ChipSecureMessaging(keys, 0), True
    terminal = SecureMessaging(keys, 0)
    command = terminal.wrap(CommandApdu(0, iso.INS_READ_BINARY, 0x9D, 0, le=240))
    short = CommandApdu(command.cla, command.ins, command.p1, command.p2, command.data, le=256)
    answer = ResponseApdu.decode(chip.process(short.encode()))
    assert answer == ResponseApdu(b"", iso.SW_WRONG_LENGTH)


# -- through pcscd + vpcd -------------------------------------------------------------------------
def _wait(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.pcscd
@pytest.mark.parametrize("declared", ["historical", "atr_info"])
def test_extended_length_through_pcscd(
    vpcd_slot: VirtualCardSlot, citizens: list[CitizenProfile], declared: str
) -> None:
    reader = PcscCardReader(VPCD_READER, trust_dir=TEST_TRUST_DIR, apdu_timeout=5.0)
    _wait(lambda: not reader.card_present(), "an empty vpcd reader")
    options = ChipOptions(photo=face.LARGE, extended_length=65535, extended_declared=declared)
    vpcd_slot.insert(EmulatedChip(personalise_cccd(citizens[0], options)))
    _wait(reader.card_present, "the emulated card on the vpcd reader")
    card = reader.read(AccessKey.from_id_number(citizens[0].holder.id_number))
    assert card.passive_auth is PassiveAuth.VALID and card.chip_auth is ChipAuth.GENUINE
    assert card.photo is not None and len(card.photo) > 18_000
    chip = vpcd_slot.chip
    assert chip is not None and chip.apdus == card.apdu_count
    assert _photo_reads(chip) == 1  # the ~20 KB DG2 in one APDU through pcscd and vpcd
    assert reader.last_stats is not None
    assert card.apdu_count == len(reader.last_stats.file_sizes) + 8 + (declared == "atr_info")
