"""Passive authentication: valid card, altered DG13 (FORGED), unknown CSCA (CHAIN_UNKNOWN), and an
EF.SOD that cannot be checked (UNVERIFIABLE: never FORGED, never an exception)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from asn1crypto import cms, keys
from cryptography.hazmat.primitives.serialization import Encoding

from devices.card.emulated.personalise import ChipOptions, personalise_cccd
from devices.card.emulated.pki import TEST_TRUST_DIR, generate_chain
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.icao.lds import tlv
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
    assert impostor.csca.subject.public_bytes() == trusted.subject.der
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


def _edited_sod(
    citizen: CitizenProfile, edit: Callable[[cms.SignedData], None]
) -> tuple[bytes, dict[int, bytes]]:
    """The citizen's EF.SOD with its SignedData changed by `edit` and re-encoded (not re-signed)."""
    image = personalise_cccd(citizen)
    info = cms.ContentInfo.load(tlv.parse_single(image.files[SOD.fid], SOD.tag).value)
    edit(info["content"])
    groups = {1: image.files[DG1.fid], 13: image.files[DG13.fid]}
    return tlv.encode(SOD.tag, info.dump(force=True)), groups


def _unknown_curve(signed: cms.SignedData) -> None:
    spki = signed["certificates"][0].chosen["tbs_certificate"]["subject_public_key_info"]
    spki["algorithm"]["parameters"] = keys.ECDomainParameters(name="named", value="1.2.840.10045.3.1.68")


def _bad_certificate_version(signed: cms.SignedData) -> None:
    signed["certificates"][0].chosen["tbs_certificate"]["version"] = 112


def _md5_digest(signed: cms.SignedData) -> None:
    signed["signer_infos"][0]["digest_algorithm"] = {"algorithm": "md5"}


def _no_certificate(signed: cms.SignedData) -> None:
    signed["certificates"] = []


def _attribute_without_value(signed: cms.SignedData) -> None:
    signed["signer_infos"][0]["signed_attrs"][1]["values"] = []


def _no_message_digest(signed: cms.SignedData) -> None:
    attributes = signed["signer_infos"][0]["signed_attrs"]
    kept = [a for a in attributes if a["type"].native != "message_digest"]
    signed["signer_infos"][0]["signed_attrs"] = cms.CMSAttributes(kept)


def _two_signers(signed: cms.SignedData) -> None:
    signer = signed["signer_infos"][0]
    signed["signer_infos"] = [signer, signer]


@pytest.mark.parametrize(
    ("edit", "detail"),
    [
        (_unknown_curve, "curve 1.2.840.10045.3.1.68: curve not supported"),  # was UnsupportedAlgorithm
        (_bad_certificate_version, "certificate version 112 unknown"),  # was cryptography's InvalidVersion
        (_md5_digest, "unsupported hash algorithm md5"),
        (_no_certificate, "does not carry its Document Signer certificate"),
        (_attribute_without_value, "must have one value"),  # was IndexError
        (_no_message_digest, "lack the message digest"),
        (_two_signers, "exactly one SignerInfo"),
    ],
    ids=lambda v: getattr(v, "__name__", "").strip("_") or None,
)
def test_a_sod_that_cannot_be_checked_is_unverifiable_not_forged(
    citizens: list[CitizenProfile], edit: Callable[[cms.SignedData], None], detail: str
) -> None:
    sod, groups = _edited_sod(citizens[0], edit)
    report = verify(sod, groups, TrustStore.from_folder(TEST_TRUST_DIR))
    assert report.outcome is PassiveAuth.UNVERIFIABLE
    assert detail in report.detail


def test_the_untouched_re_encoding_is_valid(citizens: list[CitizenProfile]) -> None:
    # The helper above changes nothing by itself: each outcome comes from its edit.
    sod, groups = _edited_sod(citizens[0], lambda signed: None)
    assert verify(sod, groups, TrustStore.from_folder(TEST_TRUST_DIR)).outcome is PassiveAuth.VALID


def test_no_sod_is_unverifiable() -> None:
    report = verify(None, {1: b"\x61\x00"}, TrustStore.from_folder(TEST_TRUST_DIR))
    assert report.outcome is PassiveAuth.UNVERIFIABLE
    assert "no EF.SOD" in report.detail


def test_unreadable_trust_files_are_skipped(citizens: list[CitizenProfile], tmp_path: Path) -> None:
    image = personalise_cccd(citizens[0])
    trusted = TrustStore.from_folder(TEST_TRUST_DIR).certificates[0].der
    (tmp_path / "a-bad-version.der").write_bytes(
        trusted.replace(b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x70", 1)
    )
    (tmp_path / "b-junk.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    (tmp_path / "c-good.der").write_bytes(trusted)
    store = TrustStore.from_folder(tmp_path)
    assert len(store.certificates) == 1
    groups = {1: image.files[DG1.fid], 13: image.files[DG13.fid]}
    assert verify(image.files[SOD.fid], groups, store).outcome is PassiveAuth.VALID


def test_issuer_names_compare_as_rfc5280_says() -> None:
    """The signer's issuer is matched on the DER first; a differently encoded equal Name
    (PrintableString vs UTF8String, case and spacing) still matches after normalisation."""
    from asn1crypto import x509 as asn1_x509

    from devices.card.icao.lds.sod import IssuerName

    utf8 = asn1_x509.Name.build({"country_name": "VN", "common_name": "CSCA  Viet Nam"})
    printable = asn1_x509.Name.build(
        {"country_name": "VN", "common_name": "csca viet nam"}, use_printable=True
    )
    assert utf8.dump() != printable.dump()
    assert IssuerName(utf8.dump()) == IssuerName(printable.dump())
    assert IssuerName(utf8.dump()) != IssuerName(asn1_x509.Name.build({"common_name": "CSCA Lào"}).dump())
    assert IssuerName(b"\x30\x03garbage") != IssuerName(utf8.dump())  # unparseable: never equal
