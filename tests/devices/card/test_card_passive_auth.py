"""Passive authentication: valid card, altered DG13 (FORGED), unknown CSCA (CHAIN_UNKNOWN)."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from devices.card.emulated.personalise import ChipOptions, personalise_cccd
from devices.card.emulated.pki import TEST_TRUST_DIR, generate_chain
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.icao.lds.files import DG1, DG13, SOD
from devices.card.icao.passive_auth import TrustStore, verify
from devices.card.profiles import CitizenProfile
from kiosk.ports.card import AccessKey, PassiveAuth


def _key(profile: CitizenProfile) -> AccessKey:
    return AccessKey.from_id_number(profile.holder.id_number)


def test_valid_card(citizens: list[CitizenProfile]) -> None:
    reader = EmulatedCardReader()
    reader.insert(citizens[0])
    assert reader.read(_key(citizens[0])).passive_auth is PassiveAuth.VALID


def test_altered_dg13_is_forged(citizens: list[CitizenProfile]) -> None:
    reader = EmulatedCardReader()
    reader.insert(citizens[0], ChipOptions(alter_dg13=True))
    card = reader.read(_key(citizens[0]))
    assert card.passive_auth is PassiveAuth.FORGED
    assert card.holder.id_number != citizens[0].holder.id_number  # the altered byte was read
    assert reader.last_outcome is not None and "DG13" in reader.last_outcome.passive_auth.detail


def test_unknown_csca_is_chain_unknown(citizens: list[CitizenProfile]) -> None:
    reader = EmulatedCardReader()
    reader.insert(citizens[0], ChipOptions(unknown_csca=True))
    assert reader.read(_key(citizens[0])).passive_auth is PassiveAuth.CHAIN_UNKNOWN


def test_empty_trust_folder_is_chain_unknown(citizens: list[CitizenProfile], tmp_path: Path) -> None:
    reader = EmulatedCardReader(trust_dir=tmp_path)
    reader.insert(citizens[0])
    assert reader.read(_key(citizens[0])).passive_auth is PassiveAuth.CHAIN_UNKNOWN


def test_ds_certificate_not_signed_by_the_csca_it_names_is_forged(
    citizens: list[CitizenProfile], tmp_path: Path
) -> None:
    # An impostor CSCA with the same subject name as the trusted one: the DS signature cannot verify.
    image = personalise_cccd(citizens[0])
    trusted = TrustStore.from_folder(TEST_TRUST_DIR).certificates[0]
    impostor, _ = generate_chain("TEST CSCA VN - kiosk emulated chip")
    assert impostor.csca.subject == trusted.subject
    (tmp_path / "impostor.pem").write_bytes(impostor.csca.public_bytes(Encoding.PEM))
    groups = {1: image.files[DG1.fid], 13: image.files[DG13.fid]}
    report = verify(image.files[SOD.fid], groups, TrustStore.from_folder(tmp_path))
    assert report.outcome is PassiveAuth.FORGED


def test_tampered_signature_is_forged(citizens: list[CitizenProfile]) -> None:
    image = personalise_cccd(citizens[0])
    sod = bytearray(image.files[SOD.fid])
    sod[-5] ^= 0x01  # inside the ECDSA signature, the last element of the SignerInfo
    groups = {1: image.files[DG1.fid], 13: image.files[DG13.fid]}
    report = verify(bytes(sod), groups, TrustStore.from_folder(TEST_TRUST_DIR))
    assert report.outcome is PassiveAuth.FORGED


def test_data_group_missing_from_the_sod_is_forged(citizens: list[CitizenProfile]) -> None:
    image = personalise_cccd(citizens[0])
    report = verify(image.files[SOD.fid], {11: b"\x6b\x00"}, TrustStore.from_folder(TEST_TRUST_DIR))
    assert report.outcome is PassiveAuth.FORGED
