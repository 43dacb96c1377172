"""TEST-ONLY public-key infrastructure for the emulated chip: a CSCA and a Document Signer.

The committed pair under `testpki/` (see its README) signs every emulated card's EF.SOD; tests and
demo mode point the passive-authentication trust folder at `TEST_TRUST_DIR`. Never trust this
folder on a production kiosk. `generate_chain` makes a fresh, untrusted chain (unknown-CSCA cards)
and `python -m devices.card.emulated.pki` regenerates the committed one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

TESTPKI_DIR = Path(__file__).with_name("testpki")
TEST_TRUST_DIR = TESTPKI_DIR / "trust"  # holds the test CSCA certificate only

SignerKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class SignerChain:
    csca: x509.Certificate
    ds: x509.Certificate
    ds_key: ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "TEST ONLY - kiosk emulated chip"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def generate_chain(label: str = "TEST CSCA (untrusted)") -> tuple[SignerChain, rsa.RSAPrivateKey]:
    """A CSCA (RSA-2048) and a DS (ECDSA P-256) it signed, valid 2020–2050."""
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2050, 1, 1, tzinfo=dt.UTC)
    csca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csca_name = _name(label)
    csca = (
        x509.CertificateBuilder()
        .subject_name(csca_name)
        .issuer_name(csca_name)
        .public_key(csca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(csca_key, hashes.SHA256())
    )
    ds_key = ec.generate_private_key(ec.SECP256R1())
    ds = (
        x509.CertificateBuilder()
        .subject_name(_name(label.replace("CSCA", "Document Signer")))
        .issuer_name(csca_name)
        .public_key(ds_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .sign(csca_key, hashes.SHA256())
    )
    return SignerChain(csca, ds, ds_key), csca_key


def load_test_chain() -> SignerChain:
    """The committed test chain whose CSCA is in `TEST_TRUST_DIR`."""
    csca = x509.load_pem_x509_certificate((TEST_TRUST_DIR / "test-csca.pem").read_bytes())
    ds = x509.load_pem_x509_certificate((TESTPKI_DIR / "test-ds.pem").read_bytes())
    key = serialization.load_pem_private_key((TESTPKI_DIR / "test-ds-key.pem").read_bytes(), None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError("test DS key must be an EC key")
    return SignerChain(csca, ds, key)


def write_test_chain() -> None:
    chain, csca_key = generate_chain("TEST CSCA VN - kiosk emulated chip")
    TEST_TRUST_DIR.mkdir(parents=True, exist_ok=True)
    pem = serialization.Encoding.PEM
    plain = serialization.NoEncryption()
    (TEST_TRUST_DIR / "test-csca.pem").write_bytes(chain.csca.public_bytes(pem))
    (TESTPKI_DIR / "test-csca-key.pem").write_bytes(
        csca_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, plain)
    )
    (TESTPKI_DIR / "test-ds.pem").write_bytes(chain.ds.public_bytes(pem))
    (TESTPKI_DIR / "test-ds-key.pem").write_bytes(
        chain.ds_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, plain)
    )


if __name__ == "__main__":
    write_test_chain()
