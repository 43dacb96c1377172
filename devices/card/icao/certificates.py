"""X.509 certificates and public keys as passive authentication needs them (RFC 5280, ICAO
9303-11 §5.1), parsed with asn1crypto, which EF.SOD needs anyway. `cryptography`'s x509 module
would add ~25 ms of imports to every fresh `kiosk card read`; its key classes are built here
from the key's numbers (RSA) or encoded point (EC) and do the signature arithmetic.

EC keys may name their curve (an OID) or spell its parameters out, as many chips and Document
Signers do: spelt-out parameters are matched against the curves python-ecdsa knows (NIST and
brainpool) that `cryptography` implements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from devices.card.icao.lds.sod import IssuerName

PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey

# What asn1crypto raises for malformed DER: it parses lazily, so also at first access of a field.
ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)

# Named curves by OID, those of them `cryptography` implements (brainpoolP224r1/P320r1: not).
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "1.2.840.10045.3.1.1": ec.SECP192R1,
    "1.3.132.0.33": ec.SECP224R1,
    "1.2.840.10045.3.1.7": ec.SECP256R1,
    "1.3.132.0.34": ec.SECP384R1,
    "1.3.132.0.35": ec.SECP521R1,
    "1.3.36.3.3.2.8.1.1.7": ec.BrainpoolP256R1,
    "1.3.36.3.3.2.8.1.1.11": ec.BrainpoolP384R1,
    "1.3.36.3.3.2.8.1.1.13": ec.BrainpoolP512R1,
}

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class UnusableKey(ValueError):
    """A key, curve, hash or signature scheme this kiosk does not implement, or a malformed key."""


def hash_algorithm(name: str) -> hashes.HashAlgorithm:
    if name not in _HASHES:
        raise UnusableKey(f"unsupported hash algorithm {name}")
    return _HASHES[name]()


def curve_for_oid(dotted: str) -> ec.EllipticCurve | None:
    curve = _CURVES.get(dotted)
    return curve() if curve else None


def named_curve(domain: keys.SpecifiedECDomain) -> ec.EllipticCurve | None:
    """The named curve whose prime, coefficients, base point and order these are."""
    from ecdsa import curves  # pure Python, already a dependency (PACE point arithmetic)

    prime = int(domain["field_id"]["parameters"].native)
    a = int.from_bytes(domain["curve"]["a"].native, "big")
    b = int.from_bytes(domain["curve"]["b"].native, "big")
    order = int(domain["order"].native)
    for curve in curves.curves:
        c = curve.curve
        if not hasattr(c, "a") or (c.p(), c.a() % c.p(), c.b()) != (prime, a % prime, b):
            continue
        if curve.order != order:
            continue
        return curve_for_oid(".".join(map(str, curve.oid)))
    return None


def public_key(spki: keys.PublicKeyInfo) -> PublicKey:
    """The key of a SubjectPublicKeyInfo; raises UnusableKey for anything but RSA and EC on a
    curve implemented here, or a malformed key."""
    try:
        algorithm = spki["algorithm"]["algorithm"].native
        if algorithm in ("rsa", "rsassa_pss"):
            numbers = spki["public_key"].parsed
            return rsa.RSAPublicNumbers(
                int(numbers["public_exponent"].native), int(numbers["modulus"].native)
            ).public_key()
        if algorithm != "ec":
            raise UnusableKey(f"key type {algorithm} not supported")
        params = spki["algorithm"]["parameters"]
        if params.name == "named":
            curve = curve_for_oid(params.chosen.dotted)
            name = params.chosen.dotted
        else:
            curve = named_curve(params.chosen) if params.name == "specified" else None
            name = f"given by {params.name} parameters"
        if curve is None:
            raise UnusableKey(f"EC key on curve {name}: curve not supported here")
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, bytes(spki["public_key"].native))
    except UnusableKey:
        raise
    except (*ASN1_ERRORS, UnsupportedAlgorithm) as exc:
        raise UnusableKey(f"key cannot be loaded: {exc}") from exc


@dataclass(frozen=True)
class SignatureScheme:
    """How a signature was made: "ecdsa", "rsassa_pkcs1v15" or "rsassa_pss", with its hashes."""

    scheme: str  # "": whichever the key's type makes (PKCS#1 v1.5 for RSA), as SignerInfos say
    hash_name: str
    pss_hash_name: str | None = None  # RSASSA-PSS parameters (RFC 4055 §3.1)
    pss_salt_length: int | None = None
    mgf_hash_name: str | None = None  # MGF1's hash, when not the PSS hash


def verify_signature(key: PublicKey, signature: bytes, data: bytes, how: SignatureScheme) -> None:
    """Raise cryptography's InvalidSignature when `signature` is not `key`'s over `data`, and
    UnusableKey when the scheme does not fit the key or is not implemented here."""
    algorithm = hash_algorithm(how.hash_name)
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            if how.scheme not in ("ecdsa", ""):
                raise UnusableKey(f"{how.scheme} signature with an EC key")
            key.verify(signature, data, ec.ECDSA(algorithm))
        elif how.scheme == "rsassa_pss":
            pss_hash = hash_algorithm(how.pss_hash_name or "")
            mgf_hash = hash_algorithm(how.mgf_hash_name) if how.mgf_hash_name else pss_hash
            pad = padding.PSS(padding.MGF1(mgf_hash), how.pss_salt_length or 0)
            key.verify(signature, data, pad, pss_hash)
        elif how.scheme in ("rsassa_pkcs1v15", ""):
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        else:
            raise UnusableKey(f"{how.scheme} signature with an RSA key")
    except (TypeError, UnsupportedAlgorithm) as exc:
        raise UnusableKey(str(exc)) from exc


@dataclass(frozen=True)
class Certificate:
    """What passive authentication reads of an X.509 certificate."""

    der: bytes
    subject: IssuerName
    issuer: IssuerName
    not_before: dt.datetime
    not_after: dt.datetime
    spki: keys.PublicKeyInfo
    signed_part: bytes  # the DER of tbsCertificate: what the issuer's signature covers
    signature: bytes
    signed_with: SignatureScheme

    @classmethod
    def load(cls, der: bytes) -> Certificate:
        """Raises UnusableKey (a ValueError) for malformed DER or a version other than v1–v3."""
        try:
            cert = asn1_x509.Certificate.load(der, strict=True)
            tbs = cert["tbs_certificate"]
            if tbs["version"].native not in ("v1", "v2", "v3"):
                raise UnusableKey(f"certificate version {tbs['version'].native} unknown")
            validity = tbs["validity"]
            return cls(
                der=der,
                subject=IssuerName(tbs["subject"].dump()),
                issuer=IssuerName(tbs["issuer"].dump()),
                not_before=validity["not_before"].native,
                not_after=validity["not_after"].native,
                spki=tbs["subject_public_key_info"],
                signed_part=tbs.dump(),
                signature=bytes(cert["signature_value"].native),
                signed_with=_scheme(cert["signature_algorithm"]),
            )
        except UnusableKey:
            raise
        except ASN1_ERRORS as exc:
            raise UnusableKey(f"certificate cannot be parsed: {exc}") from exc

    def public_key(self) -> PublicKey:
        return public_key(self.spki)

    def verify_issued_by(self, issuer: Certificate) -> None:
        """Raise InvalidSignature unless `issuer`'s key signed this certificate (UnusableKey when
        that cannot be checked here). The names are the caller's to match."""
        verify_signature(issuer.public_key(), self.signature, self.signed_part, self.signed_with)


def _scheme(algorithm: asn1_x509.SignedDigestAlgorithm) -> SignatureScheme:
    try:
        scheme = algorithm.signature_algo
    except ValueError as exc:
        raise UnusableKey(f"signature algorithm not supported: {exc}") from exc
    if scheme == "rsassa_pss":
        params = algorithm["parameters"]
        name = params["hash_algorithm"]["algorithm"].native
        mgf = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
        return SignatureScheme(scheme, name, name, int(params["salt_length"].native), mgf)
    if scheme not in ("ecdsa", "rsassa_pkcs1v15"):
        raise UnusableKey(f"{scheme} certificate signatures are not supported")
    return SignatureScheme(scheme, algorithm.hash_algo)


def load_pem_or_der(data: bytes) -> list[Certificate]:
    """Every certificate of a PEM file (several allowed) or the one of a DER file."""
    from asn1crypto import pem

    if not pem.detect(data):
        return [Certificate.load(data)]
    try:
        blocks = [der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
    except ASN1_ERRORS as exc:
        raise UnusableKey(f"PEM cannot be read: {exc}") from exc
    return [Certificate.load(der) for der in blocks]
