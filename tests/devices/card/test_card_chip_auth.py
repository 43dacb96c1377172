"""Chip Authentication (ICAO 9303-11 §6.2): the genuine chip proves it holds DG14's private key;
a clone (the right files and EF.SOD, another key) is caught; nothing to run is "not checked"."""

from __future__ import annotations

import argparse
import io
import json
import time
from contextlib import redirect_stdout, suppress
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.card.emulated.chip import EmulatedChip
from devices.card.emulated.personalise import ChipOptions, chip_auth_key, personalise_cccd, yymmdd
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.emulated.vpcd import VPCD_READER, VirtualCardSlot
from devices.card.icao import apdu as iso
from devices.card.icao.chip_auth import ChipAuthUnsupported, choose
from devices.card.icao.crypto import SessionCipher
from devices.card.icao.lds import tlv
from devices.card.icao.lds.dg14 import CA_ECDH_AES_128, build_dg14, parse_dg14
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.passive_auth import TrustStore
from devices.card.pcsc import PcscCardReader
from devices.card.profiles import CitizenProfile
from devices.card.reading import read_card
from kiosk import phrases
from kiosk.admission import AdmissionRule, admit
from kiosk.app.cli_card import add_card_commands
from kiosk.ports.card import AccessKey, ChipAuth, PassiveAuth

TRUST = TrustStore.from_folder(TEST_TRUST_DIR)
DG14_BSI = (Path(__file__).parent / "data" / "bsi_tr03105_5" / "EF_DG14.bin").read_bytes()


def _can(profile: CitizenProfile) -> AccessKey:
    return AccessKey.from_id_number(profile.holder.id_number)


def test_genuine_chip(citizens: list[CitizenProfile]) -> None:
    chip = EmulatedChip(personalise_cccd(citizens[0]))
    outcome = read_card(_Direct(chip), _can(citizens[0]), TRUST)
    card = outcome.card
    assert (card.chip_auth, card.holder.chip_auth, outcome.chip_auth_detail) == (
        ChipAuth.GENUINE,
        "genuine",
        "",
    )
    assert "DG14" in card.data_groups and card.passive_auth is PassiveAuth.VALID  # DG14 is signed too
    mse = [c for c in chip.commands if c.ins == iso.INS_MSE and (c.p1, c.p2) == (0x41, 0xA4)]
    assert len(mse) == 1 and tlv.parse_all(mse[0].data)[0].value == bytes.fromhex("04007F00070202030202")
    ga = chip.commands[chip.commands.index(mse[0]) + 1]
    assert (
        ga.ins == iso.INS_GENERAL_AUTHENTICATE and tlv.parse_single(ga.data, 0x7C).child(0x80).value[0] == 4
    )
    assert chip.sm is not None  # the files after CA were read under the new keys, SSC from 0
    assert admit(AdmissionRule(), card).admitted


def test_clone_is_caught_and_refused(citizens: list[CitizenProfile]) -> None:
    outcome = read_card(_Direct(EmulatedChip(personalise_cccd(citizens[1], ChipOptions(clone=True)))),
                        _can(citizens[1]), TRUST)  # fmt: skip
    card = outcome.card
    assert (card.chip_auth, card.holder.chip_auth) == (ChipAuth.FAILED, "failed")
    assert outcome.chip_auth_detail.startswith("no valid answer under the Chip Authentication keys")
    # The clone's data are authentic copies: passive authentication alone would let them in.
    assert card.passive_auth is PassiveAuth.VALID and card.holder.id_number == citizens[1].holder.id_number
    verdict = admit(AdmissionRule(), card)
    assert (verdict.admitted, verdict.reason) == (False, phrases.ADMIT_CARD_FORGED)


def test_chip_without_dg14_is_not_checked(citizens: list[CitizenProfile]) -> None:
    outcome = read_card(_Direct(EmulatedChip(personalise_cccd(citizens[2], ChipOptions(chip_auth=False)))),
                        _can(citizens[2]), TRUST)  # fmt: skip
    assert (outcome.card.chip_auth, outcome.chip_auth_detail) == (ChipAuth.NOT_CHECKED, "no DG14")
    assert admit(AdmissionRule(), outcome.card).admitted


def test_passport_without_dg14_is_not_checked(guest_passport) -> None:  # type: ignore[no-untyped-def]
    reader = EmulatedCardReader()
    reader.insert_passport(guest_passport)
    key = AccessKey.from_mrz(guest_passport.document_number, guest_passport.date_of_birth,
                             guest_passport.date_of_expiry)  # fmt: skip
    assert reader.read(key, with_photo=False).chip_auth is ChipAuth.NOT_CHECKED


def test_dg14_round_trip_and_what_is_not_implemented() -> None:
    key = chip_auth_key("001099012345").public_key()
    parsed = parse_dg14(build_dg14(key))
    info, chosen = choose(parsed)
    assert info.protocol == CA_ECDH_AES_128 and chosen.public_numbers() == key.public_numbers()
    # The BSI reference passport's DG14: CA with 3DES (implemented) on brainpoolP224r1, spelt-out
    # parameters: a curve `cryptography` cannot do ECDH on.
    bsi = parse_dg14(DG14_BSI)
    assert [i.protocol for i in bsi.infos] == ["0.4.0.127.0.7.2.2.3.2.1"]
    with pytest.raises(ChipAuthUnsupported, match="curve not supported"):
        choose(bsi)
    with pytest.raises(ChipAuthUnsupported, match="not implemented"):
        choose(parse_dg14(build_dg14(key, CA_ECDH_AES_128[:-1] + "9")))  # no such cipher


@pytest.mark.parametrize("access", ["PACE", "BAC"])
@pytest.mark.parametrize("clone", [False, True])
def test_chip_authentication_with_3des(citizens: list[CitizenProfile], access: str, clone: bool) -> None:
    """id-CA-ECDH-3DES-CBC-CBC: one MSE:Set KAT with the ephemeral key (DO91), then 3DES secure
    messaging from SSC 0 — after PACE (AES) or BAC (3DES)."""
    options = ChipOptions(chip_auth_3des=True, clone=clone, pace=access == "PACE")
    chip = EmulatedChip(personalise_cccd(citizens[0], options))
    h = citizens[0].holder
    key = _can(citizens[0]) if access == "PACE" else AccessKey.from_mrz(
        h.id_number[-9:], yymmdd(h.date_of_birth), yymmdd(h.expiry_date)
    )  # fmt: skip
    outcome = read_card(_Direct(chip), key, TRUST)
    kat = [c for c in chip.commands if c.ins == iso.INS_MSE and (c.p1, c.p2) == (0x41, 0xA6)]
    assert len(kat) == 1  # a clone is not asked again once the session under its keys failed
    assert tlv.parse_all(kat[0].data)[0].tag == 0x91
    assert not any(c.ins == iso.INS_MSE and (c.p1, c.p2) == (0x41, 0xA4) for c in chip.commands)
    if clone:
        assert outcome.card.chip_auth is ChipAuth.FAILED
        return
    assert outcome.card.chip_auth is ChipAuth.GENUINE and outcome.card.passive_auth is PassiveAuth.VALID
    assert outcome.card.holder.full_name == h.full_name
    assert chip.sm is not None and chip.sm.keys.cipher is SessionCipher.DES3


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_dg14_parser_raises_only_lds_error(data: bytes) -> None:
    with suppress(LdsError):
        parse_dg14(tlv.encode(0x6E, data))


@pytest.mark.pcscd
def test_clone_caught_through_pcscd(vpcd_slot: VirtualCardSlot, citizens: list[CitizenProfile]) -> None:
    reader = PcscCardReader(VPCD_READER, trust_dir=TEST_TRUST_DIR)
    vpcd_slot.insert(EmulatedChip(personalise_cccd(citizens[3], ChipOptions(clone=True))))
    deadline = time.monotonic() + 10
    while not reader.card_present():
        assert time.monotonic() < deadline, "the clone never reached pcscd"
        time.sleep(0.02)
    card = reader.read(_can(citizens[3]), with_photo=False)
    assert card.chip_auth is ChipAuth.FAILED and card.passive_auth is PassiveAuth.VALID


def test_card_read_cli_reports_the_chip_check(citizens: list[CitizenProfile]) -> None:
    parser = argparse.ArgumentParser(prog="kiosk")
    add_card_commands(parser.add_subparsers(dest="command", required=True))
    for clone, expected in ((False, "genuine"), (True, "failed")):
        argv = ["card", "read", "--emulated", "--id", citizens[0].holder.id_number, "--no-photo", "--json"]
        args = parser.parse_args(argv + (["--clone"] if clone else []))
        out = io.StringIO()
        with redirect_stdout(out):
            assert args.func(args) == 0
        assert json.loads(out.getvalue())["chip_auth"] == expected


class _Direct:
    def __init__(self, chip: EmulatedChip) -> None:
        self.chip = chip

    def transmit(self, apdu: bytes) -> bytes:
        return self.chip.process(apdu)


def test_active_authentication_genuine_and_clone(citizens: list[CitizenProfile]) -> None:
    only_aa = ChipOptions(chip_auth=False, active_auth=True)
    chip = EmulatedChip(personalise_cccd(citizens[4], only_aa))
    outcome = read_card(_Direct(chip), _can(citizens[4]), TRUST)
    assert (outcome.card.chip_auth, outcome.chip_auth_detail) == (ChipAuth.GENUINE, "")
    assert "DG15" in outcome.card.data_groups and outcome.card.passive_auth is PassiveAuth.VALID
    internal = [c for c in chip.commands if c.ins == iso.INS_INTERNAL_AUTHENTICATE]
    assert len(internal) == 1 and len(internal[0].data) == 8  # the terminal's challenge
    clone = read_card(_Direct(EmulatedChip(personalise_cccd(citizens[4], ChipOptions(
        chip_auth=False, active_auth=True, clone=True)))), _can(citizens[4]), TRUST)  # fmt: skip
    assert clone.card.chip_auth is ChipAuth.FAILED
    assert (
        clone.chip_auth_detail
        == "Active Authentication: the chip's signature of the challenge does not verify"
    )
    assert not admit(AdmissionRule(), clone.card).admitted


def test_chip_authentication_is_preferred_to_active_authentication(citizens: list[CitizenProfile]) -> None:
    chip = EmulatedChip(personalise_cccd(citizens[0], ChipOptions(active_auth=True)))
    outcome = read_card(_Direct(chip), _can(citizens[0]), TRUST)
    assert outcome.card.chip_auth is ChipAuth.GENUINE
    assert not any(c.ins == iso.INS_INTERNAL_AUTHENTICATE for c in chip.commands)


@pytest.mark.parametrize("hash_name", ["sha1", "sha256"])
def test_rsa_active_authentication_iso9796_2(citizens: list[CitizenProfile], hash_name: str) -> None:
    """DG15 with an RSA key: the chip signs with ISO/IEC 9796-2 scheme 1 (trailer BC for SHA-1,
    34CC for SHA-256); a clone, with the same DG15 but another key, fails."""
    options = ChipOptions(chip_auth=False, active_auth=True, active_auth_rsa=hash_name)
    chip = EmulatedChip(personalise_cccd(citizens[3], options))
    outcome = read_card(_Direct(chip), _can(citizens[3]), TRUST)
    assert (outcome.card.chip_auth, outcome.chip_auth_detail) == (ChipAuth.GENUINE, "")
    assert outcome.card.passive_auth is PassiveAuth.VALID and "DG15" in outcome.card.data_groups
    clone_options = ChipOptions(chip_auth=False, active_auth=True, active_auth_rsa=hash_name, clone=True)
    clone = read_card(
        _Direct(EmulatedChip(personalise_cccd(citizens[3], clone_options))), _can(citizens[3]), TRUST
    )
    assert clone.card.chip_auth is ChipAuth.FAILED
    # The clone's key is another random modulus: its signature may even be no number below the
    # genuine key's modulus (~1 read in 6), a refusal of its own.
    assert clone.chip_auth_detail.startswith(
        ("Active Authentication: the chip's signature", "Active Authentication: signature of 128 bytes")
    )


def test_iso9796_2_verification_refuses_what_it_must() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from devices.card.icao.active_auth import ActiveAuthFailed, iso9796_2_sign, iso9796_2_verify

    key = rsa.generate_private_key(65537, 1024)
    challenge = bytes(range(8))
    for hash_name in ("sha1", "sha224", "sha256", "sha384", "sha512"):
        signature = iso9796_2_sign(key, challenge, hash_name, lambda n: bytes(n))
        iso9796_2_verify(key.public_key(), challenge, signature)  # genuine
        with pytest.raises(ActiveAuthFailed):
            iso9796_2_verify(key.public_key(), bytes(8), signature)  # another challenge
    good = iso9796_2_sign(key, challenge, "sha256", lambda n: bytes(n))
    tampered = (int.from_bytes(good, "big") ^ 1).to_bytes(len(good), "big")
    for signature in (tampered, good[:-1], b"\xff" * len(good)):
        with pytest.raises(ActiveAuthFailed):
            iso9796_2_verify(key.public_key(), challenge, signature)
