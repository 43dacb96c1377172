"""Property and fuzz tests: the LDS parsers answer malformed input with LdsError, nothing else, and
passive authentication answers any EF.SOD with a report, never an exception.

Inputs: random bytes, and mutations of the valid files the emulated chip's personaliser writes —
truncated, over-long, bytes flipped, and structural mutations of the TLV/DER tree re-encoded
with consistent lengths (a length changed, a tag swapped, a node dropped, doubled, emptied or
wrapped in a wrong tag) so that they reach the parsing deep inside the file.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.card.emulated import face
from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import (
    CCCD_CARD_ACCESS,
    ChipOptions,
    PassportProfile,
    build_dg13,
    personalise_cccd,
    personalise_passport,
)
from devices.card.emulated.pki import TEST_TRUST_DIR
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
from devices.card.icao.passive_auth import PassiveAuthReport, TrustStore, verify
from devices.card.icao.secure_messaging import SecureMessaging, SecureMessagingError
from devices.card.profiles import load_profiles
from kiosk.ports.card import Holder, PassiveAuth

IMAGE = personalise_cccd(load_profiles()[0])
PASSPORT = personalise_passport(
    PassportProfile("L898902C3", "740812", "120415", "UTO", "ANNA MARIA ERIKSSON"),
    ChipOptions(photo_format=face.JP2),
)
TRUST = TrustStore.from_folder(TEST_TRUST_DIR)
GROUPS = {1: IMAGE.files[DG1.fid], 2: IMAGE.files[DG2.fid], 13: IMAGE.files[DG13.fid]}
PARSERS: list[tuple[str, Callable[[bytes], Any], bytes]] = [
    ("tlv", tlv.parse_all, IMAGE.files[DG13.fid]),
    ("COM", parse_com, IMAGE.files[COM.fid]),
    ("DG1", parse_dg1, IMAGE.files[DG1.fid]),
    ("DG1-TD3", parse_dg1, PASSPORT.files[DG1.fid]),
    ("DG2", parse_dg2, IMAGE.files[DG2.fid]),
    ("DG2-JP2", parse_dg2, PASSPORT.files[DG2.fid]),
    ("DG13", parse_dg13, IMAGE.files[DG13.fid]),
    ("SOD", parse_sod, IMAGE.files[SOD.fid]),
    ("CardAccess", pace_infos, CCCD_CARD_ACCESS),
]
IDS = [p[0] for p in PARSERS]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHORT_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _survives(parser: Callable[[bytes], Any], data: bytes) -> None:
    with contextlib.suppress(LdsError):
        parser(data)


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=IDS)
def test_valid_input_parses(name: str, parser: Callable[[bytes], Any], valid: bytes) -> None:
    parser(valid)


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=IDS)
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(name: str, parser: Callable[[bytes], Any], valid: bytes, data: bytes) -> None:
    _survives(parser, data)


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=IDS)
@FUZZ
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_truncated(name: str, parser: Callable[[bytes], Any], valid: bytes, cut: int) -> None:
    cut %= len(valid)
    if name == "tlv":
        _survives(parser, valid[:cut])
        return
    with pytest.raises(LdsError):
        parser(valid[:cut])


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=IDS)
@FUZZ
@given(extra=st.binary(min_size=1, max_size=40))
def test_over_long(name: str, parser: Callable[[bytes], Any], valid: bytes, extra: bytes) -> None:
    if name == "tlv":
        _survives(parser, valid + extra)
        return
    with pytest.raises(LdsError):
        parser(valid + extra)


@pytest.mark.parametrize(("name", "parser", "valid"), PARSERS, ids=IDS)
@FUZZ
@given(data=st.data())
def test_mutated(name: str, parser: Callable[[bytes], Any], valid: bytes, data: st.DataObject) -> None:
    mutated = bytearray(valid)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(mutated) - 1))
        mutated[at] = data.draw(st.integers(0, 255))
    _survives(parser, bytes(mutated))


@dataclass
class Node:
    """One TLV of a file, re-encodable: `children` for constructed tags and for OCTET STRINGs
    that wrap DER (the LDS security object inside EF.SOD), else the raw `value`."""

    tag: int
    value: bytes
    children: list[Node] | None

    def walk(self) -> list[tuple[Node, Node | None]]:
        """Every node with its parent, the root first."""
        found: list[tuple[Node, Node | None]] = [(self, None)]
        for child in self.children or []:
            found += [(node, parent or self) for node, parent in child.walk()]
        return found


def _tree(data: bytes) -> list[Node] | None:
    try:
        items = tlv.parse_all(data)
    except LdsError:
        return None
    nodes = []
    for item in items:
        children = _tree(item.value) if item.constructed or item.tag == 0x04 else None
        if item.constructed and children is None:
            return None
        nodes.append(Node(item.tag, item.value, children))
    return nodes


WRONG_TAGS = [0x02, 0x04, 0x05, 0x06, 0x0C, 0x13, 0x30, 0x31, 0x5C, 0x61, 0x7F61, 0x80, 0xA0, 0xA1]
PRE_ENCODED = -1
OPS = ["tag", "drop", "double", "empty", "wrap", "cut", "junk", "length"]


@st.composite
def structural_mutation(draw: st.DrawFn, valid: bytes) -> bytes:
    """`valid` with one to three of its TLVs changed, lengths re-encoded to match (mostly)."""
    (root,) = _tree(valid) or pytest.fail("the valid file is not one TLV tree")
    for _ in range(draw(st.integers(1, 3))):
        nodes = root.walk()
        node, parent = nodes[draw(st.integers(0, len(nodes) - 1))]
        op = draw(st.sampled_from(OPS))
        if op == "tag":
            node.tag = draw(st.sampled_from(WRONG_TAGS))
            node.children = node.children if node.tag & 0x20 or node.tag > 0xFF else None
            node.value = node.value if node.children is None else b""
        elif op in ("drop", "double") and parent is not None and parent.children:
            at = parent.children.index(node)
            parent.children[at : at + 1] = (
                [] if op == "drop" else [node, Node(node.tag, node.value, node.children)]
            )
        elif op == "empty":
            node.children, node.value = ([] if node.children is not None else None), b""
        elif op == "wrap":
            wrapped = Node(node.tag, node.value, node.children)
            node.tag, node.value, node.children = (
                draw(st.sampled_from([0x30, 0x31, 0xA0, 0x7F60])),
                b"",
                [wrapped],
            )
        elif op == "cut" and node.children is None:
            node.value = node.value[: draw(st.integers(0, max(0, len(node.value) - 1)))]
        elif op == "junk":
            node.children, node.value = None, draw(st.binary(max_size=24))
        elif op == "length":
            # The one inconsistent mutation (so the last): the header claims more or less than
            # the value holds.
            encoded = _encode(node)
            _, length, header = tlv.read_header(encoded)
            claimed = max(0, length + draw(st.sampled_from([-3, -1, 1, 2, 130])))
            raw = tlv.encode_tag(node.tag) + tlv.encode_length(claimed) + encoded[header:]
            node.tag, node.children, node.value = PRE_ENCODED, None, raw
            break
    return _encode(root)


def _encode(node: Node) -> bytes:
    if node.tag == PRE_ENCODED:  # a deliberately inconsistent TLV, already encoded
        return node.value
    body = b"".join(_encode(c) for c in node.children) if node.children is not None else node.value
    return tlv.encode(node.tag, body)


@pytest.mark.parametrize(("name", "parser", "valid"), [p for p in PARSERS if p[0] != "tlv"], ids=IDS[1:])
@FUZZ
@given(data=st.data())
def test_structural_mutations(
    name: str, parser: Callable[[bytes], Any], valid: bytes, data: st.DataObject
) -> None:
    _survives(parser, data.draw(structural_mutation(valid)))


def _single_node_mutations(valid: bytes) -> list[bytes]:
    """Every node of `valid`, one at a time: emptied, dropped, doubled, wrapped, retagged."""
    (tree,) = _tree(valid) or pytest.fail("the valid file is not one TLV tree")
    count = len(tree.walk())
    mutated = []
    for at in range(count):
        for op in ("empty", "drop", "double", "wrap", 0x04, 0x05, 0x30):
            (root,) = _tree(valid) or []
            node, parent = root.walk()[at]
            if op == "empty":
                node.children, node.value = ([] if node.children is not None else None), b""
            elif op in ("drop", "double"):
                if parent is None or parent.children is None:
                    continue
                i = parent.children.index(node)
                parent.children[i : i + 1] = [] if op == "drop" else [node, node]
            elif op == "wrap":
                node.tag, node.value, node.children = 0x30, b"", [Node(node.tag, node.value, node.children)]
            else:
                node.tag = int(op)
                node.children = node.children if node.tag & 0x20 else None
            mutated.append(_encode(root))
    return mutated


@pytest.mark.parametrize(("name", "parser", "valid"), [p for p in PARSERS if p[0] != "tlv"], ids=IDS[1:])
def test_every_node_mutated_in_turn(name: str, parser: Callable[[bytes], Any], valid: bytes) -> None:
    # Exhaustive where hypothesis samples: e.g. an empty BIT STRING anywhere in EF.SOD once
    # raised IndexError out of asn1crypto.
    for data in _single_node_mutations(valid):
        _survives(parser, data)


def _report(sod: bytes) -> PassiveAuthReport:
    report = verify(sod, GROUPS, TRUST)  # must not raise, whatever `sod` holds
    assert isinstance(report.outcome, PassiveAuth) and report.outcome is not PassiveAuth.NOT_CHECKED
    try:
        parse_sod(sod)
    except LdsError:
        # Cannot be parsed: nothing was checked, so the card is not called forged.
        assert report.outcome is PassiveAuth.UNVERIFIABLE, report
        assert report.detail
    if report.outcome is not PassiveAuth.VALID:
        assert report.detail, report
    return report


def test_passive_auth_of_the_valid_sod() -> None:
    assert _report(IMAGE.files[SOD.fid]).outcome is PassiveAuth.VALID


@FUZZ
@given(data=st.binary(max_size=300))
def test_passive_auth_of_random_bytes(data: bytes) -> None:
    _report(tlv.encode(0x77, data))
    _report(data)


@FUZZ
@given(data=st.data())
def test_passive_auth_of_mutated_sods(data: st.DataObject) -> None:
    valid = IMAGE.files[SOD.fid]
    if data.draw(st.booleans()):
        _report(data.draw(structural_mutation(valid)))
    else:
        mutated = bytearray(valid)
        for _ in range(data.draw(st.integers(1, 4))):
            mutated[data.draw(st.integers(0, len(mutated) - 1))] = data.draw(st.integers(0, 255))
        _report(bytes(mutated))


def test_passive_auth_of_every_node_of_the_sod_mutated_in_turn() -> None:
    outcomes = {_report(data).outcome for data in _single_node_mutations(IMAGE.files[SOD.fid])}
    assert {PassiveAuth.UNVERIFIABLE, PassiveAuth.FORGED} <= outcomes


@SHORT_FUZZ
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_passive_auth_of_truncated_sods(cut: int) -> None:
    valid = IMAGE.files[SOD.fid]
    assert _report(valid[: cut % len(valid)]).outcome is PassiveAuth.UNVERIFIABLE


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
