"""Passive authentication, ICAO 9303-11 §5.1: data-group hashes, SOD signature, CSCA chain.

Outcomes: VALID (hashes, signature and chain to a trusted CSCA), CHAIN_UNKNOWN (hashes and the
Document Signer's signature verify, but no CSCA in the trust folder issued the DS certificate),
FORGED (a hash, the signature, or the DS certificate's signature by a matching CSCA fails),
UNVERIFIABLE (no EF.SOD, an EF.SOD or certificate that cannot be parsed, or an algorithm this
kiosk does not implement: nothing was shown to be altered, but nothing was proven either).
`verify` returns one of them for any input; it raises nothing.
The DS certificate must have been valid on the day the document was issued (the issue date of
DG13 for a CCCD, else the SOD's signing time): it may have expired since (9303-12 §7.1.2,
documents outlive their signer certificates), but a document issued outside that period was not
signed by its legitimate holder of the key: FORGED. Without either date this is not checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature

from devices.card.icao.certificates import (
    Certificate,
    SignatureScheme,
    UnusableKey,
    hash_algorithm,
    load_pem_or_der,
    verify_signature,
)
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.lds.sod import LDS_SECURITY_OBJECT_OID, SecurityObject, Signer, parse_sod
from kiosk.ports.card import PassiveAuth

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassiveAuthReport:
    outcome: PassiveAuth
    detail: str = ""


class TrustStore:
    """CSCA certificates from a folder (*.pem, *.crt, *.cer, *.der; several PEMs per file allowed)."""

    def __init__(self, certificates: list[Certificate]) -> None:
        self.certificates = certificates

    @classmethod
    def from_folder(cls, folder: Path | str | None) -> TrustStore:
        found: list[Certificate] = []
        if folder is None or not Path(folder).is_dir():
            return cls(found)
        for path in sorted(Path(folder).iterdir()):
            if path.suffix.lower() not in (".pem", ".crt", ".cer", ".der"):
                continue
            try:
                found.extend(load_pem_or_der(path.read_bytes()))
            except UnusableKey as exc:
                log.warning("trust folder: skipping %s (%s)", path.name, exc)
        return cls(found)

    def issuers_of(self, certificate: Certificate) -> list[Certificate]:
        return [ca for ca in self.certificates if ca.subject == certificate.issuer]


class _Unverifiable(Exception):
    """The SOD cannot be checked (unparseable, or an algorithm not implemented here)."""


class _Forged(Exception):
    """A check ran and failed: the data or the signature were altered."""


def _digest(algorithm: str, data: bytes) -> bytes:
    try:
        hash_algorithm(algorithm)
    except UnusableKey as exc:
        raise _Unverifiable(str(exc)) from exc
    return hashlib.new(algorithm, data).digest()


def _signer_certificate(security: SecurityObject) -> Certificate:
    signer = security.signer
    for cert in security.certificates:
        if signer.key_identifier is not None:
            matches = cert.key_identifier == signer.key_identifier
        else:
            matches = (cert.issuer, cert.serial_number) == (signer.issuer, signer.serial_number)
        if matches:
            try:
                return Certificate.load(cert.der)
            except UnusableKey as exc:
                raise _Unverifiable(f"Document Signer certificate cannot be parsed: {exc}") from exc
    raise _Unverifiable("EF.SOD does not carry its Document Signer certificate")


def _verify_signature(cert: Certificate, signer: Signer, what: str = "EF.SOD") -> None:
    """Raise _Forged when the SignerInfo signature does not verify (RFC 5652 §5.6)."""
    pss = signer.signature_algorithm == "rsassa_pss"
    how = SignatureScheme(
        "rsassa_pss" if pss else "",
        signer.digest_algorithm,
        signer.pss_hash_algorithm if pss else None,
        signer.pss_salt_length if pss else None,
    )
    try:
        verify_signature(cert.public_key(), signer.signature, signer.signed_attributes, how)
    except InvalidSignature as exc:
        raise _Forged(f"{what} signature does not verify") from exc
    except UnusableKey as exc:
        raise _Unverifiable(f"{what} signer key or signature unusable: {exc}") from exc


def signature_problem(cert: Certificate, signer: Signer, what: str) -> str | None:
    """Why `signer`'s signature by `cert` does not verify, None when it does (any CMS content)."""
    try:
        _verify_signature(cert, signer, what)
    except (_Forged, _Unverifiable) as exc:
        return str(exc)
    return None


def _check_sod(security: SecurityObject, data_groups: dict[int, bytes]) -> Certificate:
    """Hashes, signed attributes and signature; the DS certificate when all of them hold."""
    for number, content in sorted(data_groups.items()):
        expected = security.hashes.get(number)
        if expected is None:
            raise _Forged(f"DG{number} is not in EF.SOD")
        if _digest(security.hash_algorithm, content) != expected:
            raise _Forged(f"DG{number} hash does not match")
    signer = security.signer
    if signer.message_digest is None or signer.content_type is None:
        raise _Unverifiable("EF.SOD signed attributes lack the message digest or content type")
    if (
        signer.message_digest != _digest(signer.digest_algorithm, security.encapsulated)
        or signer.content_type != LDS_SECURITY_OBJECT_OID
    ):
        raise _Forged("signed attributes do not match the content")
    certificate = _signer_certificate(security)
    _verify_signature(certificate, signer)
    return certificate


def _check_issue_date(certificate: Certificate, issued: dt.date | None) -> None:
    if issued is None:
        return
    start, end = certificate.not_before.date(), certificate.not_after.date()
    if not start <= issued <= end:
        raise _Forged(f"DS certificate not valid on the issue date {issued} (valid {start} to {end})")


def _check_chain(certificate: Certificate, trust: TrustStore) -> PassiveAuthReport:
    """9303-11 §5.1.1 step 2: the DS certificate was signed by a trusted CSCA."""
    issuers = trust.issuers_of(certificate)
    if not issuers:
        return PassiveAuthReport(PassiveAuth.CHAIN_UNKNOWN, f"no CSCA for {certificate.issuer.readable}")
    unusable = ""
    for issuer in issuers:
        try:
            certificate.verify_issued_by(issuer)
        except InvalidSignature:
            continue
        except UnusableKey as exc:
            unusable = str(exc)  # e.g. a CSCA key or DS signature algorithm not supported
            continue
        return PassiveAuthReport(PassiveAuth.VALID)
    if unusable:
        return PassiveAuthReport(PassiveAuth.UNVERIFIABLE, f"DS certificate cannot be checked: {unusable}")
    return PassiveAuthReport(PassiveAuth.FORGED, "DS certificate not signed by the CSCA it names")


def verify(
    sod: bytes | None, data_groups: dict[int, bytes], trust: TrustStore, issued: dt.date | None = None
) -> PassiveAuthReport:
    """Check the data groups read against EF.SOD (None: the chip has none) and EF.SOD against the
    trust store; the DS certificate against `issued` (the document's issue date), else against
    the SOD's signing time. Any input gives a report; nothing is raised."""
    if sod is None:
        return PassiveAuthReport(PassiveAuth.UNVERIFIABLE, "no EF.SOD on the chip")
    try:
        security = parse_sod(sod)
    except LdsError as exc:
        return PassiveAuthReport(PassiveAuth.UNVERIFIABLE, f"EF.SOD cannot be parsed: {exc}")
    try:
        certificate = _check_sod(security, data_groups)
        _check_issue_date(certificate, issued or security.signer.signing_time)
    except _Forged as exc:
        return PassiveAuthReport(PassiveAuth.FORGED, str(exc))
    except _Unverifiable as exc:
        return PassiveAuthReport(PassiveAuth.UNVERIFIABLE, str(exc))
    return _check_chain(certificate, trust)
