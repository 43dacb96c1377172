"""Property and fuzz tests: the LDS parsers answer malformed input with LdsError, nothing else."""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import CCCD_CARD_ACCESS, build_dg13, personalise_cccd
from devices.card.icao.apdu import CommandApdu, ResponseApdu
from devices.card.icao.crypto import SessionCipher, SessionKeys
from devices.card.icao.lds import tlv
from devices.card.icao.lds.card_access import pace_infos
from devices.card.icao.lds.com import parse_com
from devices.card.icao.lds.dg1 import parse_dg1
from devices.card.icao.lds.dg2 import parse_dg2
from devices.card.icao.lds.dg13 import parse_dg13
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.lds.files import COM, DG1, DG2, DG13, SOD
from devices.card.icao.lds.mrz import parse_mrz
from devices.card.icao.lds.sod import parse_sod
from devices.card.icao.secure_messaging import SecureMessaging, SecureMessagingError
from devices.card.profiles import load_profiles
from kiosk.ports.card import Holder

IMAGE = personalise_cccd(load_profiles()[0])
PARSERS: list[tuple[str, Callable[[bytes], Any], bytes]] = [
    ("tlv", tlv.parse_all, IMAGE.files[DG13.fid]),
    ("COM", parse_com, IMAGE.files[COM.fid]),
    ("DG1", parse_dg1, IMAGE.files[DG1.fid]),
    ("DG2", parse_dg2, IMAGE.files[DG2.fid]),
    ("DG13", parse_dg13, IMAGE.files[DG13.fid]),
    ("SOD", parse_sod, IMAGE.files[SOD.fid]),
    ("CardAccess", pace_infos, CCCD_CARD_ACCESS),
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _survives(parser: Callable[[bytes], Any], data: bytes) -> None:
    with contextlib.suppress(LdsError):
        parser(data)


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=[p[0] for p in PARSERS])
def test_valid_input_parses(name: str, parser: Callable[[bytes], Any], valid: bytes) -> None:
    parser(valid)


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=[p[0] for p in PARSERS])
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(name: str, parser: Callable[[bytes], Any], valid: bytes, data: bytes) -> None:
    _survives(parser, data)


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=[p[0] for p in PARSERS])
@FUZZ
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_truncated(name: str, parser: Callable[[bytes], Any], valid: bytes, cut: int) -> None:
    cut %= len(valid)
    if name == "tlv":
        _survives(parser, valid[:cut])
        return
    with pytest.raises(LdsError):
        parser(valid[:cut])


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=[p[0] for p in PARSERS])
@FUZZ
@given(extra=st.binary(min_size=1, max_size=40))
def test_over_long(name: str, parser: Callable[[bytes], Any], valid: bytes, extra: bytes) -> None:
    if name == "tlv":
        _survives(parser, valid + extra)
        return
    with pytest.raises(LdsError):
        parser(valid + extra)


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=[p[0] for p in PARSERS])
@FUZZ
@given(data=st.data())
def test_mutated(name: str, parser: Callable[[bytes], Any], valid: bytes, data: st.DataObject) -> None:
    mutated = bytearray(valid)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(mutated) - 1))
        mutated[at] = data.draw(st.integers(0, 255))
    _survives(parser, bytes(mutated))


def test_length_beyond_the_buffer_and_huge_lengths() -> None:
    for data in (bytes.fromhex("6D84FFFFFFFF00"), bytes.fromhex("6D85FFFFFFFFFF"), bytes.fromhex("5F")):
        with pytest.raises(LdsError):
            tlv.parse_all(data)


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_mrz_parser_on_any_text(text: str) -> None:
    _survives(parse_mrz, text)  # type: ignore[arg-type]


names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)


@FUZZ
@given(name=names, father=names, mother=names, spouse=st.one_of(st.just(""), names))
def test_dg13_round_trip(name: str, father: str, mother: str, spouse: str) -> None:
    holder = Holder(id_number="001234567890", full_name=name, date_of_birth="01/01/2000",
                    father=father, mother=mother, spouse=spouse)  # fmt: skip
    parsed = parse_dg13(build_dg13(holder))
    nfc = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
    assert (parsed.full_name, parsed.father, parsed.mother) == (nfc(name), nfc(father), nfc(mother))
    assert parsed.spouse == nfc(spouse)


@FUZZ
@given(body=st.binary(max_size=300), sw=st.sampled_from([0x9000, 0x6282, 0x6A82]))
def test_secure_messaging_unwrap_rejects_junk_cleanly(body: bytes, sw: int) -> None:
    keys = SessionKeys.derive(b"\x01" * 32, SessionCipher.AES128)
    sm = SecureMessaging(keys, 0)
    sm.wrap(CommandApdu(0, 0xB0, 0x81, 0, le=223))
    with contextlib.suppress(SecureMessagingError):  # the one expected failure
        sm.unwrap(ResponseApdu(body, sw))


@FUZZ
@given(commands=st.lists(st.binary(max_size=80), max_size=12))
def test_emulated_chip_answers_any_bytes_with_a_status_word(commands: list[bytes]) -> None:
    chip = EmulatedChip(IMAGE)
    for raw in commands:
        response = chip.process(raw)
        assert len(response) >= 2
