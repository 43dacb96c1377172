"""Passive authentication of EF.SODs signed by OpenSSL (`openssl cms -sign`), not by this project.

The data groups are an emulated CCCD's; the LDS security object over them is DER built here, and
OpenSSL signs it as CMS SignedData with RSA PKCS#1 v1.5, RSA-PSS, ECDSA on P-256, P-384 and
brainpoolP256r1/P384r1, and with DSA or SHA3 (which no eMRTD uses: not verifiable). Every
outcome is checked with its reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from cryptography.x509.oid import NameOID

from devices.card.emulated.personalise import personalise_cccd
from devices.card.icao.certificates import Certificate
from devices.card.icao.lds import tlv
from devices.card.icao.lds.files import DG1, DG2, DG13, SOD
from devices.card.icao.lds.sod import LDS_SECURITY_OBJECT_OID, build_lds_security_object, parse_sod
from devices.card.icao.passive_auth import TrustStore, verify
from devices.card.profiles import CitizenProfile
from kiosk.ports.card import PassiveAuth

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | dsa.DSAPrivateKey
ISSUED = dt.date(2021, 5, 10)
START, END = dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.datetime(2035, 1, 1, tzinfo=dt.UTC)

# name → (DS key maker, digest, extra openssl options)
SIGNERS = {
    "rsa-pkcs1v15": (lambda: rsa.generate_private_key(65537, 2048), "sha256", []),
    "rsa-pss": (
        lambda: rsa.generate_private_key(65537, 2048),
        "sha256",
        ["-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:32"],
    ),
    "ecdsa-p256": (lambda: ec.generate_private_key(ec.SECP256R1()), "sha256", []),
    "ecdsa-p384": (lambda: ec.generate_private_key(ec.SECP384R1()), "sha384", []),
    "ecdsa-brainpoolP256r1": (lambda: ec.generate_private_key(ec.BrainpoolP256R1()), "sha256", []),
    "ecdsa-brainpoolP384r1": (lambda: ec.generate_private_key(ec.BrainpoolP384R1()), "sha512", []),
}


def _name(common: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common)]
    )


def _certificate(
    subject: str,
    key: PrivateKey,
    issuer: tuple[str, PrivateKey] | None = None,
    start: dt.datetime = START,
    end: dt.datetime = END,
) -> x509.Certificate:
    issuer_name, issuer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class Pki:
    csca: x509.Certificate
    csca_key: rsa.RSAPrivateKey
    trust: TrustStore


def _ours(certificate: x509.Certificate) -> Certificate:
    return Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


@pytest.fixture(scope="module")
def pki() -> Pki:
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to sign the test EF.SODs")
    key = rsa.generate_private_key(65537, 3072)
    csca = _certificate("CSCA Test OpenSSL", key)
    return Pki(csca, key, TrustStore([_ours(csca)]))


@pytest.fixture(scope="module")
def groups(citizens: list[CitizenProfile]) -> dict[int, bytes]:
    files = personalise_cccd(citizens[0]).files
    return {1: files[DG1.fid], 2: files[DG2.fid], 13: files[DG13.fid]}


def openssl_sod(
    tmp: Path,
    groups: dict[int, bytes],
    ds: x509.Certificate,
    key: PrivateKey,
    digest: str,
    extra: list[str],
    lso_digest: str = "",
) -> bytes:
    """EF.SOD: tag 77 around the ContentInfo that `openssl cms -sign` makes of the LDS object
    (its data-group hashes by `lso_digest`, by default the signature's `digest`)."""
    name = lso_digest or digest
    lso = build_lds_security_object(name, {n: hashlib.new(name, c).digest() for n, c in groups.items()})
    (tmp / "lso.der").write_bytes(lso)
    (tmp / "ds.pem").write_bytes(ds.public_bytes(serialization.Encoding.PEM))
    (tmp / "ds.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signed = subprocess.run(
        ["openssl", "cms", "-sign", "-binary", "-nodetach", "-nosmimecap", "-md", digest,
         "-econtent_type", LDS_SECURITY_OBJECT_OID, "-in", str(tmp / "lso.der"),
         "-signer", str(tmp / "ds.pem"), "-inkey", str(tmp / "ds.key"), *extra, "-outform", "DER"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    return tlv.encode(SOD.tag, signed)


def _signed(tmp: Path, pki: Pki, groups: dict[int, bytes], name: str, **dates: dt.datetime) -> bytes:
    make_key, digest, extra = SIGNERS[name]
    key = make_key()
    ds = _certificate(f"DS {name}", key, ("CSCA Test OpenSSL", pki.csca_key), **dates)
    return openssl_sod(tmp, groups, ds, key, digest, extra)


@pytest.mark.parametrize("name", SIGNERS)
def test_openssl_signed_sod_is_valid(tmp_path: Path, pki: Pki, groups: dict[int, bytes], name: str) -> None:
    sod = _signed(tmp_path, pki, groups, name)
    signer = parse_sod(sod).signer
    assert signer.signature_algorithm == ("rsassa_pss" if name == "rsa-pss" else signer.signature_algorithm)
    assert signer.signing_time is not None  # OpenSSL adds signingTime
    report = verify(sod, groups, pki.trust, ISSUED)
    assert (report.outcome, report.detail) == (PassiveAuth.VALID, "")


@pytest.mark.parametrize("name", ["rsa-pkcs1v15", "rsa-pss", "ecdsa-p384", "ecdsa-brainpoolP256r1"])
def test_openssl_signed_sod_without_the_csca_is_chain_unknown(
    tmp_path: Path, pki: Pki, groups: dict[int, bytes], name: str
) -> None:
    report = verify(_signed(tmp_path, pki, groups, name), groups, TrustStore([]), ISSUED)
    assert report.outcome is PassiveAuth.CHAIN_UNKNOWN
    assert report.detail == "no CSCA for CN=CSCA Test OpenSSL,C=VN"


@pytest.mark.parametrize("name", ["rsa-pkcs1v15", "rsa-pss", "ecdsa-p256", "ecdsa-brainpoolP384r1"])
def test_altered_data_group_under_an_openssl_sod_is_forged(
    tmp_path: Path, pki: Pki, groups: dict[int, bytes], name: str
) -> None:
    sod = _signed(tmp_path, pki, groups, name)
    altered = {**groups, 13: groups[13][:-1] + bytes([groups[13][-1] ^ 1])}
    report = verify(sod, altered, pki.trust, ISSUED)
    assert (report.outcome, report.detail) == (PassiveAuth.FORGED, "DG13 hash does not match")


@pytest.mark.parametrize("name", ["rsa-pss", "ecdsa-p256"])
def test_altered_signature_is_forged(tmp_path: Path, pki: Pki, groups: dict[int, bytes], name: str) -> None:
    sod = bytearray(_signed(tmp_path, pki, groups, name))
    signature = parse_sod(bytes(sod)).signer.signature
    at = bytes(sod).index(signature) + len(signature) // 2
    sod[at] ^= 0x01
    report = verify(bytes(sod), groups, pki.trust, ISSUED)
    assert (report.outcome, report.detail) == (PassiveAuth.FORGED, "EF.SOD signature does not verify")


def test_ds_not_signed_by_the_named_csca_is_forged(
    tmp_path: Path, pki: Pki, groups: dict[int, bytes]
) -> None:
    impostor = _certificate("CSCA Test OpenSSL", rsa.generate_private_key(65537, 2048))  # same name
    trust = TrustStore([_ours(impostor)])
    report = verify(_signed(tmp_path, pki, groups, "ecdsa-p256"), groups, trust, ISSUED)
    assert (report.outcome, report.detail) == (
        PassiveAuth.FORGED,
        "DS certificate not signed by the CSCA it names",
    )


def test_ds_certificate_checked_at_the_issue_date(tmp_path: Path, pki: Pki, groups: dict[int, bytes]) -> None:
    # A DS valid 2020–2022: a document issued in 2021 is good (even though the DS has expired
    # since), one issued in 2024 was not signed while the DS was valid.
    sod = _signed(
        tmp_path, pki, groups, "ecdsa-p256",
        start=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), end=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    assert verify(sod, groups, pki.trust, dt.date(2021, 5, 10)).outcome is PassiveAuth.VALID
    report = verify(sod, groups, pki.trust, dt.date(2024, 3, 1))
    assert report.outcome is PassiveAuth.FORGED
    assert (
        report.detail
        == "DS certificate not valid on the issue date 2024-03-01 (valid 2020-01-01 to 2022-01-01)"
    )
    # Without an issue date, the SOD's signing time (today, by OpenSSL) stands in for it.
    assert verify(sod, groups, pki.trust).outcome is PassiveAuth.FORGED


def test_unsupported_algorithms_are_not_verifiable(
    tmp_path: Path, pki: Pki, groups: dict[int, bytes]
) -> None:
    key = dsa.generate_private_key(2048)
    ds = _certificate("DS dsa", key, ("CSCA Test OpenSSL", pki.csca_key))
    report = verify(openssl_sod(tmp_path, groups, ds, key, "sha256", []), groups, pki.trust, ISSUED)
    assert report.outcome is PassiveAuth.UNVERIFIABLE
    assert report.detail == "EF.SOD signer key or signature unusable: key type dsa not supported"
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ds = _certificate("DS sha3", ec_key, ("CSCA Test OpenSSL", pki.csca_key))
    sod = openssl_sod(tmp_path, groups, ds, ec_key, "sha256", [], lso_digest="sha3_256")
    report = verify(sod, groups, pki.trust, ISSUED)
    assert report.outcome is PassiveAuth.UNVERIFIABLE
    assert report.detail == "unsupported hash algorithm sha3_256"


def test_no_sod_is_not_verifiable(pki: Pki, groups: dict[int, bytes]) -> None:
    report = verify(None, groups, pki.trust, ISSUED)
    assert (report.outcome, report.detail) == (PassiveAuth.UNVERIFIABLE, "no EF.SOD on the chip")
