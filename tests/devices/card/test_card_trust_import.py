"""`kiosk trust import` / `kiosk trust list`: CSCA certificates and ICAO master lists.

The master lists are signed by OpenSSL (`openssl cms -sign`), not by this project's code, from a
CscaMasterList built here (ICAO 9303-12 §9).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from devices.card.emulated.personalise import personalise_cccd
from devices.card.emulated.pki import TEST_TRUST_DIR
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.icao.passive_auth import TrustStore
from devices.card.icao.trust_import import CscaMasterList, TrustImportError, check_csca, load_certificates
from devices.card.profiles import CitizenProfile
from kiosk.app.cli import main
from kiosk.config import ConfigError, load_config
from kiosk.ports.card import AccessKey, PassiveAuth

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)
Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _name(country: str, common: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, country), x509.NameAttribute(NameOID.COMMON_NAME, common)]
    )


def _certificate(
    subject: x509.Name,
    key: Key,
    issuer: tuple[x509.Name, Key] | None = None,
    *,
    ca: bool = True,
    cert_sign: bool = True,
    not_before: dt.datetime = NOW - DAY,
    not_after: dt.datetime = NOW + 3650 * DAY,
) -> x509.Certificate:
    issuer_name, issuer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=cert_sign,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: Key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass(frozen=True)
class Pki:
    csca: x509.Certificate  # ECDSA P-384, self-signed
    csca_rsa: x509.Certificate  # RSA 2048, self-signed
    signer: x509.Certificate  # Master List Signer, issued by `csca`
    signer_key: rsa.RSAPrivateKey
    expired: x509.Certificate


@pytest.fixture(scope="module")
def pki() -> Pki:
    csca_key = ec.generate_private_key(ec.SECP384R1())
    csca = _certificate(_name("UT", "CSCA Utopia"), csca_key)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csca_rsa = _certificate(_name("XX", "CSCA Other"), rsa_key)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer = _certificate(
        _name("UT", "Master List Signer"), signer_key, (csca.subject, csca_key), ca=False, cert_sign=False
    )
    expired_key = ec.generate_private_key(ec.SECP256R1())
    expired = _certificate(
        _name("ZZ", "CSCA Expired"), expired_key, not_before=NOW - 900 * DAY, not_after=NOW - 10 * DAY
    )
    return Pki(csca, csca_rsa, signer, signer_key, expired)


def _master_list(tmp: Path, certificates: list[x509.Certificate], signer: x509.Certificate, key: Key) -> Path:
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to sign test master lists")
    listed = CscaMasterList(
        {
            "version": 0,
            "cert_list": [core.Any.load(c.public_bytes(serialization.Encoding.DER)) for c in certificates],
        }
    )
    (tmp / "content.der").write_bytes(listed.dump())
    (tmp / "signer.pem").write_bytes(_pem(signer))
    (tmp / "signer.key").write_bytes(_key_pem(key))
    out = tmp / "list.ml"
    subprocess.run(
        ["openssl", "cms", "-sign", "-binary", "-nodetach", "-nosmimecap", "-md", "sha256",
         "-econtent_type", "2.23.136.1.1.2", "-in", str(tmp / "content.der"),
         "-signer", str(tmp / "signer.pem"), "-inkey", str(tmp / "signer.key"),
         "-outform", "DER", "-out", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return out


def _kiosk(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_import_pem_and_der_then_list(tmp_path: Path, pki: Pki) -> None:
    trust = tmp_path / "trust"
    trust.mkdir()
    (tmp_path / "a.pem").write_bytes(_pem(pki.csca))
    (tmp_path / "b.cer").write_bytes(pki.csca_rsa.public_bytes(serialization.Encoding.DER))
    code, out, err = _kiosk(
        "trust", "import", "--dir", str(trust), str(tmp_path / "a.pem"), str(tmp_path / "b.cer")
    )
    assert (code, err) == (0, "") and "2 certificate(s) imported" in out
    assert sorted(p.name[:3] for p in trust.iterdir()) == ["UT-", "XX-"]
    assert all(p.stat().st_mode & 0o077 == 0 for p in trust.iterdir())
    code, out, _ = _kiosk("trust", "import", "--dir", str(trust), str(tmp_path / "a.pem"))
    assert code == 0 and "1 already present" in out and len(list(trust.iterdir())) == 2
    code, out, _ = _kiosk("trust", "list", "--dir", str(trust), "--json")
    rows = json.loads(out)
    assert code == 0 and {r["subject"] for r in rows} == {"CN=CSCA Utopia,C=UT", "CN=CSCA Other,C=XX"}


def test_master_list_signed_by_openssl(tmp_path: Path, pki: Pki) -> None:
    trust = tmp_path / "trust"
    trust.mkdir()
    certs = [pki.csca, pki.csca_rsa, pki.expired]
    ml = _master_list(tmp_path, certs, pki.signer, pki.signer_key)
    code, out, err = _kiosk("trust", "import", "--dir", str(trust), str(ml))
    # The expired CSCA is refused by name and reason; the two others are imported all the same.
    assert code == 1 and "refused ZZ CSCA Expired" in err and "expired on" in err
    assert "2 certificate(s) imported" in out
    assert len(TrustStore.from_folder(trust).certificates) == 2


def test_tampered_master_list_is_refused_whole(tmp_path: Path, pki: Pki) -> None:
    ml = _master_list(tmp_path, [pki.csca], pki.signer, pki.signer_key)
    data = bytearray(ml.read_bytes())
    serial = pki.csca.public_bytes(serialization.Encoding.DER)[15:31]
    at = bytes(data).index(serial)
    data[at] ^= 0x01
    with pytest.raises(TrustImportError) as info:
        load_certificates(bytes(data), "tampered.ml")
    assert "does not match its signature" in str(info.value)


def test_master_list_signer_not_from_a_listed_csca_is_refused(tmp_path: Path, pki: Pki) -> None:
    ml = _master_list(tmp_path, [pki.csca_rsa], pki.signer, pki.signer_key)
    with pytest.raises(TrustImportError) as info:
        load_certificates(ml.read_bytes(), "other.ml")
    assert "not issued by a CSCA in the list" in str(info.value)


def test_certificate_checks_name_the_reason() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("UT", "x")
    assert check_csca(_certificate(name, key), NOW) is None
    assert "not a CA" in (check_csca(_certificate(name, key, ca=False), NOW) or "")
    assert "keyCertSign" in (check_csca(_certificate(name, key, cert_sign=False), NOW) or "")
    future = _certificate(name, key, not_before=NOW + 10 * DAY, not_after=NOW + 20 * DAY)
    assert "not valid before" in (check_csca(future, NOW) or "")
    other = ec.generate_private_key(ec.SECP256R1())
    forged = _certificate(name, key, (name, other))  # claims to be self-signed, signed by another key
    assert "self-signed signature does not verify" in (check_csca(forged, NOW) or "")


def test_unreadable_input_is_named_and_loses_nothing(tmp_path: Path, pki: Pki) -> None:
    trust = tmp_path / "trust"
    trust.mkdir()
    (tmp_path / "notes.txt").write_text("not a certificate", "utf-8")
    (tmp_path / "good.pem").write_bytes(_pem(pki.csca))
    code, out, err = _kiosk(
        "trust", "import", "--dir", str(trust), str(tmp_path / "notes.txt"), str(tmp_path / "missing.pem"),
        str(tmp_path / "good.pem"),
    )  # fmt: skip
    assert code == 1 and "notes.txt: neither a certificate" in err and "missing.pem: cannot be read" in err
    assert "1 certificate(s) imported" in out


def test_no_trust_folder_names_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_CARD_TRUST_DIR", raising=False)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path}"\n', "utf-8")
    code, _, err = _kiosk("--config", str(config), "trust", "list")
    assert code == 2 and "card.trust_dir" in err
    config.write_text(f'[paths]\ndata_dir = "{tmp_path}"\n[card]\ntrust_dir = "{tmp_path}/nope"\n', "utf-8")
    code, _, err = _kiosk("--config", str(config), "trust", "list")
    assert code == 2 and "card.trust_dir" in err and "does not exist" in err
    with pytest.raises(ConfigError, match=r"card\.trust_dir"):
        load_config(overrides={"card.trust_dir": str(tmp_path / "nope")}, environ={})


def test_imported_csca_makes_cards_valid(tmp_path: Path, citizens: list[CitizenProfile]) -> None:
    trust = tmp_path / "trust"
    trust.mkdir()
    reader = EmulatedCardReader(trust_dir=trust)
    reader.insert_image(personalise_cccd(citizens[0]))
    key = AccessKey.from_id_number(citizens[0].holder.id_number)
    assert reader.read(key, with_photo=False).passive_auth is PassiveAuth.CHAIN_UNKNOWN
    code, _, _ = _kiosk("trust", "import", "--dir", str(trust), str(TEST_TRUST_DIR / "test-csca.pem"))
    assert code == 0
    reader = EmulatedCardReader(trust_dir=trust)
    reader.insert_image(personalise_cccd(citizens[0]))
    assert reader.read(key, with_photo=False).passive_auth is PassiveAuth.VALID
