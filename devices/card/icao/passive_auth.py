"""Passive authentication, ICAO 9303-11 §5.1: data-group hashes, SOD signature, CSCA chain.

Outcomes: VALID (hashes, signature and chain to a trusted CSCA), CHAIN_UNKNOWN (hashes and the
Document Signer's signature verify, but no CSCA in the trust folder issued the DS certificate),
FORGED (a hash, the signature, or the DS certificate's signature by a matching CSCA fails).
Certificate validity periods are not enforced: an expired DS certificate does not make a
document forged (9303-12 §7.1.2, documents outlive their signer certificates).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from devices.card.icao.lds.errors import LdsError
from devices.card.icao.lds.sod import LDS_SECURITY_OBJECT_OID, parse_sod
from kiosk.ports.card import PassiveAuth

log = logging.getLogger(__name__)

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass(frozen=True)
class PassiveAuthReport:
    outcome: PassiveAuth
    detail: str = ""


class TrustStore:
    """CSCA certificates from a folder (*.pem, *.crt, *.cer, *.der; several PEMs per file allowed)."""

    def __init__(self, certificates: list[x509.Certificate]) -> None:
        self.certificates = certificates

    @classmethod
    def from_folder(cls, folder: Path | str | None) -> TrustStore:
        found: list[x509.Certificate] = []
        if folder is None or not Path(folder).is_dir():
            return cls(found)
        for path in sorted(Path(folder).iterdir()):
            if path.suffix.lower() not in (".pem", ".crt", ".cer", ".der"):
                continue
            data = path.read_bytes()
            try:
                if b"-----BEGIN CERTIFICATE-----" in data:
                    found.extend(x509.load_pem_x509_certificates(data))
                else:
                    found.append(x509.load_der_x509_certificate(data))
            except ValueError as exc:
                log.warning("trust folder: skipping %s (%s)", path.name, exc)
        return cls(found)

    def issuers_of(self, certificate: x509.Certificate) -> list[x509.Certificate]:
        return [ca for ca in self.certificates if ca.subject == certificate.issuer]


def _digest(algorithm: str, data: bytes) -> bytes:
    if algorithm not in _HASHES:
        raise LdsError(f"unsupported hash algorithm {algorithm}")
    return hashlib.new(algorithm, data).digest()


def _signer_certificate(signed: cms.SignedData, signer: cms.SignerInfo) -> x509.Certificate:
    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            matches = (
                cert.issuer == sid.chosen["issuer"]
                and cert.serial_number == sid.chosen["serial_number"].native
            )
        else:
            matches = cert.key_identifier == sid.chosen.native
        if matches:
            return x509.load_der_x509_certificate(cert.dump())
    raise LdsError("EF.SOD does not carry its Document Signer certificate")


def _verify_signature(cert: x509.Certificate, signer: cms.SignerInfo, signed_bytes: bytes) -> None:
    """Raise InvalidSignature when the SignerInfo signature does not verify."""
    digest_name = signer["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        raise LdsError(f"unsupported digest {digest_name}")
    algorithm = _HASHES[digest_name]()
    signature = bytes(signer["signature"].native)
    key = cert.public_key()
    sig_algo = signer["signature_algorithm"]
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, signed_bytes, ec.ECDSA(algorithm))
    elif isinstance(key, rsa.RSAPublicKey):
        if sig_algo["algorithm"].native == "rsassa_pss":
            params = sig_algo["parameters"]
            pss_hash = _HASHES[params["hash_algorithm"]["algorithm"].native]()
            pad: padding.AsymmetricPadding = padding.PSS(
                padding.MGF1(pss_hash), int(params["salt_length"].native)
            )
            key.verify(signature, signed_bytes, pad, pss_hash)
        else:
            key.verify(signature, signed_bytes, padding.PKCS1v15(), algorithm)
    else:
        raise LdsError("unsupported Document Signer key type")


def verify(sod: bytes, data_groups: dict[int, bytes], trust: TrustStore) -> PassiveAuthReport:
    """Check the data groups read against EF.SOD and EF.SOD against the trust store."""
    try:
        security = parse_sod(sod)
        for number, content in sorted(data_groups.items()):
            expected = security.hashes.get(number)
            if expected is None:
                return PassiveAuthReport(PassiveAuth.FORGED, f"DG{number} is not in EF.SOD")
            if _digest(security.hash_algorithm, content) != expected:
                return PassiveAuthReport(PassiveAuth.FORGED, f"DG{number} hash does not match")
        signers = security.signed_data["signer_infos"]
        if len(signers) != 1:
            raise LdsError("EF.SOD must have exactly one SignerInfo")
        signer = signers[0]
        attributes = signer["signed_attrs"]
        if not attributes:
            raise LdsError("EF.SOD SignerInfo has no signed attributes")
        digest_name = signer["digest_algorithm"]["algorithm"].native
        digest_ok = content_type_ok = False
        for attribute in attributes:
            kind = attribute["type"].native
            if kind == "message_digest":
                value = bytes(attribute["values"][0].native)
                digest_ok = value == _digest(digest_name, security.encapsulated)
            elif kind == "content_type":
                content_type_ok = attribute["values"][0].dotted == LDS_SECURITY_OBJECT_OID
        if not (digest_ok and content_type_ok):
            return PassiveAuthReport(PassiveAuth.FORGED, "signed attributes do not match the content")
        certificate = _signer_certificate(security.signed_data, signer)
        signed_bytes = b"\x31" + attributes.dump()[1:]  # RFC 5652 §5.4: DER of the SET OF
        try:
            _verify_signature(certificate, signer, signed_bytes)
        except InvalidSignature:
            return PassiveAuthReport(PassiveAuth.FORGED, "EF.SOD signature does not verify")
    except (LdsError, ValueError, KeyError, TypeError) as exc:
        return PassiveAuthReport(PassiveAuth.FORGED, f"EF.SOD unusable: {exc}")
    issuers = trust.issuers_of(certificate)
    if not issuers:
        issuer_name = certificate.issuer.rfc4514_string()
        return PassiveAuthReport(PassiveAuth.CHAIN_UNKNOWN, f"no CSCA for {issuer_name}")
    for issuer in issuers:
        try:
            certificate.verify_directly_issued_by(issuer)
        except (InvalidSignature, ValueError, TypeError):
            continue
        return PassiveAuthReport(PassiveAuth.VALID)
    return PassiveAuthReport(PassiveAuth.FORGED, "DS certificate not signed by the CSCA it names")
