"""Importing CSCA certificates into the passive-authentication trust folder.

Accepted inputs: X.509 certificates (PEM, one or several, or DER) and ICAO CSCA master lists
(9303-12 §9: CMS SignedData, eContentType id-icao-cscaMasterList, content CscaMasterList). A
master list's signature is checked against the Master List Signer certificate it carries, and that
certificate against the CSCAs in the list. Each certificate must be a CA (basicConstraints cA),
may sign certificates (keyUsage keyCertSign) and be valid now; a self-issued one must verify with
its own key. Accepted certificates are written as `<C>-<fingerprint>.pem` (0600 like every file the
kiosk writes); one already there is reported, not duplicated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms, core
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from devices.card.icao.certificates import Certificate, UnusableKey
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.lds.sod import IssuerName, Signer, parse_signer_info
from devices.card.icao.passive_auth import signature_problem

MASTER_LIST_OID = "2.23.136.1.1.2"  # id-icao-cscaMasterList
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


class TrustImportError(Exception):
    """A file that is neither certificates nor a usable master list."""


class _Certificates(core.SetOf):
    _child_spec = core.Any


class CscaMasterList(core.Sequence):
    _fields = [("version", core.Integer), ("cert_list", _Certificates)]  # noqa: RUF012  (asn1crypto schema)


@dataclass(frozen=True)
class Verdict:
    certificate: x509.Certificate
    problem: str | None  # None: acceptable as a CSCA

    @property
    def label(self) -> str:
        return describe(self.certificate)


def fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def describe(certificate: x509.Certificate) -> str:
    country = _attribute(certificate.subject, NameOID.COUNTRY_NAME) or "??"
    common = _attribute(certificate.subject, NameOID.COMMON_NAME) or certificate.subject.rfc4514_string()
    return f"{country} {common} (until {certificate.not_valid_after_utc:%Y-%m-%d})"


def file_name(certificate: x509.Certificate) -> str:
    country = _attribute(certificate.subject, NameOID.COUNTRY_NAME) or "XX"
    safe = "".join(ch for ch in country.upper() if ch.isalnum())[:3] or "XX"
    return f"{safe}-{fingerprint(certificate)[:16]}.pem"


def load_certificates(data: bytes, source: str) -> list[x509.Certificate]:
    """The certificates in one file: PEM, DER, or a master list (signature checked)."""
    if b"-----BEGIN CERTIFICATE-----" in data:
        try:
            return x509.load_pem_x509_certificates(data)
        except (ValueError, x509.InvalidVersion) as exc:
            raise TrustImportError(f"{source}: unreadable PEM certificate: {exc}") from exc
    try:
        return [x509.load_der_x509_certificate(data)]
    except (ValueError, x509.InvalidVersion):
        pass  # not a certificate: maybe a master list
    if not data.startswith(b"\x30"):  # DER SEQUENCE: a certificate or a CMS ContentInfo
        raise TrustImportError(f"{source}: neither a certificate (PEM or DER) nor an ICAO master list")
    return master_list_certificates(data, source)


def master_list_certificates(data: bytes, source: str) -> list[x509.Certificate]:
    try:
        info = cms.ContentInfo.load(data, strict=True)
        if info["content_type"].native != "signed_data":
            raise TrustImportError(f"{source}: neither a certificate nor a CMS SignedData master list")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].dotted != MASTER_LIST_OID:
            kind = encap["content_type"].dotted
            raise TrustImportError(f"{source}: CMS content is {kind}, not a master list")
        content = encap["content"].native
        if not isinstance(content, bytes):
            raise TrustImportError(f"{source}: master list without content")
        listed = CscaMasterList.load(content, strict=True)
        certificates = [x509.load_der_x509_certificate(item.dump()) for item in listed["cert_list"]]
        signers = signed["signer_infos"]
        if len(signers) != 1:
            raise TrustImportError(f"{source}: a master list has exactly one signer, not {len(signers)}")
        signer = parse_signer_info(signers[0])
        signer_cert = _signer_certificate(signed, signer)
    except TrustImportError:
        raise
    except (*_ASN1_ERRORS, x509.InvalidVersion, LdsError) as exc:
        raise TrustImportError(f"{source}: malformed master list: {exc}") from exc
    _check_master_list_signature(content, signer, signer_cert, certificates, source)
    return certificates


def _check_master_list_signature(
    content: bytes,
    signer: Signer,
    signer_cert: x509.Certificate | None,
    listed: list[x509.Certificate],
    source: str,
) -> None:
    if signer_cert is None:
        raise TrustImportError(f"{source}: the master list does not carry its signer's certificate")
    if signer.message_digest is None or signer.content_type != MASTER_LIST_OID:
        raise TrustImportError(f"{source}: master list signed attributes incomplete")
    try:
        digest = hashlib.new(signer.digest_algorithm, content).digest()
    except ValueError as exc:
        raise TrustImportError(f"{source}: unsupported digest {signer.digest_algorithm}") from exc
    if digest != signer.message_digest:
        raise TrustImportError(f"{source}: master list content does not match its signature")
    try:
        ours = Certificate.load(signer_cert.public_bytes(serialization.Encoding.DER))
    except UnusableKey as exc:
        raise TrustImportError(f"{source}: the master list signer's certificate: {exc}") from exc
    problem = signature_problem(ours, signer, "master list")
    if problem is not None:
        raise TrustImportError(f"{source}: {problem}")
    # 9303-12 §9: the Master List Signer certificate is issued by the publishing state's CSCA.
    for csca in listed:
        if csca.subject == signer_cert.issuer:
            try:
                signer_cert.verify_directly_issued_by(csca)
                return
            except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
                continue
    raise TrustImportError(f"{source}: the master list signer is not issued by a CSCA in the list")


def _signer_certificate(signed: cms.SignedData, signer: Signer) -> x509.Certificate | None:
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if signer.key_identifier is not None:
            matches = cert.key_identifier == signer.key_identifier
        else:
            matches = (IssuerName(cert.issuer.dump()), int(cert.serial_number)) == (
                signer.issuer,
                signer.serial_number,
            )
        if matches:
            return x509.load_der_x509_certificate(cert.dump())
    return None


def check_csca(certificate: x509.Certificate, now: dt.datetime) -> str | None:
    """Why `certificate` cannot serve as a CSCA, None when it can."""
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return "no basicConstraints: not a CA certificate"
    except (ValueError, x509.DuplicateExtension) as exc:
        return f"unreadable extensions: {exc}"
    if not constraints.ca:
        return "basicConstraints cA is false: not a CA certificate"
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return "no keyUsage: a CSCA must be allowed to sign certificates"
    if not usage.key_cert_sign:
        return "keyUsage lacks keyCertSign"
    if now < certificate.not_valid_before_utc:
        return f"not valid before {certificate.not_valid_before_utc:%Y-%m-%d}"
    if now > certificate.not_valid_after_utc:
        return f"expired on {certificate.not_valid_after_utc:%Y-%m-%d}"
    if certificate.issuer == certificate.subject:
        try:
            certificate.verify_directly_issued_by(certificate)
        except InvalidSignature:
            return "self-signed signature does not verify"
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            return f"signature cannot be checked: {exc}"
    return None


def judge(certificates: list[x509.Certificate], now: dt.datetime | None = None) -> list[Verdict]:
    moment = now or dt.datetime.now(dt.UTC)
    return [Verdict(cert, check_csca(cert, moment)) for cert in certificates]


def store(verdict: Verdict, folder: Path) -> bool:
    """Write an accepted certificate into the trust folder; False when it is already there."""
    path = folder / file_name(verdict.certificate)
    if path.exists():
        return False
    path.write_bytes(verdict.certificate.public_bytes(serialization.Encoding.PEM))
    path.chmod(0o600)
    return True
