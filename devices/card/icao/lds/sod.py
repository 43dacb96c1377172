"""EF.SOD (ICAO 9303-10 §4.6.2): CMS SignedData over the LDS security object (data-group hashes).

`parse_sod` decodes everything passive authentication needs into plain values, so that all of
asn1crypto's lazy parsing happens here and a malformed SOD raises `LdsError` and nothing else.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509

from devices.card.icao.lds import tlv
from devices.card.icao.lds.errors import LdsError

LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"  # id-icao-mrtd-security-ldsSecurityObject
# What asn1crypto raises on malformed DER, from `load` or later from lazy field access.
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


class DataGroupHash(core.Sequence):
    _fields = [  # noqa: RUF012  (asn1crypto schema)
        ("data_group_number", core.Integer),
        ("data_group_hash_value", core.OctetString),
    ]


class DataGroupHashes(core.SequenceOf):
    _child_spec = DataGroupHash


class LdsVersionInfo(core.Sequence):
    _fields = [  # noqa: RUF012
        ("lds_version", core.PrintableString),
        ("unicode_version", core.PrintableString),
    ]


class LdsSecurityObject(core.Sequence):
    """9303-10 §4.6.2.2 LDSSecurityObject."""

    _fields = [  # noqa: RUF012
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashes),
        ("lds_version_info", LdsVersionInfo, {"optional": True}),
    ]


# RFC 4514 §3: the attribute types written by their short name; others by their OID.
_SHORT_NAMES = {
    "2.5.4.3": "CN", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
    "2.5.4.6": "C", "2.5.4.9": "STREET", "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
}  # fmt: skip


def _attribute(pair: asn1_x509.NameTypeAndValue) -> str:
    dotted = pair["type"].dotted
    return f"{_SHORT_NAMES.get(dotted, dotted)}={_escaped(pair['value'].native)}"


def _escaped(value: object) -> str:
    """An attribute value as RFC 4514 §2.4 escapes it."""
    text = str(value)
    for special in ("\\", '"', "+", ",", ";", "<", ">"):
        text = text.replace(special, "\\" + special)
    text = text.replace("\0", "\\00")
    if text[:1] in ("#", " "):
        text = "\\" + text
    if text.endswith(" "):
        text = text[:-1] + "\\ "
    return text


@dataclass(frozen=True, eq=False)
class IssuerName:
    """An X.501 Name, equal to another as RFC 5280 §7.1 compares names (asn1crypto's normalised
    form). The normalisation (LDAP stringprep, ~3 ms a name) is worked out only when the DER of
    two names differs: a fresh-process read compares one pair, almost always byte-identical."""

    der: bytes

    @functools.cached_property
    def normalised(self) -> str:
        try:
            return str(asn1_x509.Name.load(self.der).hashable)
        except _ASN1_ERRORS:
            return "unparseable:" + self.der.hex()

    @functools.cached_property
    def readable(self) -> str:
        """The name as RFC 4514 writes it (last RDN first: "CN=CSCA Test,C=VN")."""
        try:
            rdns = list(asn1_x509.Name.load(self.der).chosen)
            return ",".join("+".join(map(_attribute, rdn)) for rdn in reversed(rdns))
        except _ASN1_ERRORS:
            return "unreadable name " + self.der.hex()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IssuerName):
            return NotImplemented
        return self.der == other.der or self.normalised == other.normalised

    def __hash__(self) -> int:
        return hash(self.normalised)


@dataclass(frozen=True)
class EmbeddedCertificate:
    """A certificate carried in the SignedData, with what a SignerIdentifier is matched on."""

    der: bytes
    issuer: IssuerName
    serial_number: int
    key_identifier: bytes | None  # subjectKeyIdentifier extension


@dataclass(frozen=True)
class Signer:
    """The one SignerInfo of EF.SOD (RFC 5652 §5.3)."""

    issuer: IssuerName | None  # sid = issuerAndSerialNumber
    serial_number: int | None
    key_identifier: bytes | None  # sid = subjectKeyIdentifier
    digest_algorithm: str  # asn1crypto name: "sha256", ... (or the dotted OID when unknown)
    signature_algorithm: str  # "sha256_ecdsa", "rsassa_pkcs1v15", "rsassa_pss", ...
    pss_hash_algorithm: str | None  # RSASSA-PSS parameters (RFC 4055 §3.1)
    pss_salt_length: int | None
    signature: bytes
    signed_attributes: bytes  # DER of the SET OF Attribute: what the signature covers (§5.4)
    message_digest: bytes | None
    content_type: str | None  # dotted OID
    signing_time: dt.date | None = None  # RFC 5652 §11.3, when the signer put one


@dataclass(frozen=True)
class SecurityObject:
    hash_algorithm: str  # "sha1", "sha256", ...
    hashes: dict[int, bytes]
    encapsulated: bytes  # DER of the LDSSecurityObject (the signed content)
    signer: Signer
    certificates: tuple[EmbeddedCertificate, ...]


def _single_value(attribute: cms.CMSAttribute) -> core.Asn1Value:
    values = attribute["values"]
    if len(values) != 1:
        raise LdsError(f"signed attribute {attribute['type'].dotted} must have one value")
    return values[0]


def parse_signer_info(info: cms.SignerInfo) -> Signer:
    """The fields of a CMS SignerInfo that signature checks need (EF.SOD, CSCA master lists)."""
    sid = info["sid"]
    issuer = serial = key_id = None
    if sid.name == "issuer_and_serial_number":
        issuer = IssuerName(sid.chosen["issuer"].dump())
        serial = int(sid.chosen["serial_number"].native)
    else:
        key_id = bytes(sid.chosen.native)
    attributes = info["signed_attrs"]
    if not attributes:
        raise LdsError("SignerInfo has no signed attributes (9303-10 §4.6.2.1)")
    message_digest = content_type = signing_time = None
    for attribute in attributes:
        kind = attribute["type"].native
        if kind == "message_digest":
            message_digest = bytes(_single_value(attribute).native)
        elif kind == "content_type":
            content_type = str(_single_value(attribute).dotted)
        elif kind == "signing_time":
            when = _single_value(attribute).native
            signing_time = when.date() if isinstance(when, dt.datetime) else None
    algorithm = info["signature_algorithm"]
    pss_hash = pss_salt = None
    if algorithm["algorithm"].native == "rsassa_pss":
        params = algorithm["parameters"]
        pss_hash = str(params["hash_algorithm"]["algorithm"].native)
        pss_salt = int(params["salt_length"].native)
    return Signer(
        issuer=issuer,
        serial_number=serial,
        key_identifier=key_id,
        digest_algorithm=str(info["digest_algorithm"]["algorithm"].native),
        signature_algorithm=str(algorithm["algorithm"].native),
        pss_hash_algorithm=pss_hash,
        pss_salt_length=pss_salt,
        signature=bytes(info["signature"].native),
        signed_attributes=b"\x31" + attributes.dump()[1:],  # [0] IMPLICIT → SET OF, RFC 5652 §5.4
        message_digest=message_digest,
        content_type=content_type,
        signing_time=signing_time,
    )


def _certificates(signed: cms.SignedData) -> tuple[EmbeddedCertificate, ...]:
    found = []
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        key_id = cert.key_identifier
        found.append(
            EmbeddedCertificate(
                der=cert.dump(),
                issuer=IssuerName(cert.issuer.dump()),
                serial_number=int(cert.serial_number),
                key_identifier=bytes(key_id) if key_id is not None else None,
            )
        )
    return tuple(found)


def parse_sod(data: bytes) -> SecurityObject:
    root = tlv.parse_single(data, 0x77)
    try:
        info = cms.ContentInfo.load(root.value, strict=True)
        if info["content_type"].native != "signed_data":
            raise LdsError("EF.SOD is not CMS SignedData")
        signed = info["content"]
        signed.native  # noqa: B018  # force a full parse so malformed DER fails here
        encap = signed["encap_content_info"]
        if encap["content_type"].dotted != LDS_SECURITY_OBJECT_OID:
            raise LdsError("EF.SOD does not hold an LDS security object")
        raw = encap["content"].native
        if not isinstance(raw, bytes):
            raise LdsError("EF.SOD has no encapsulated content")
        lso = LdsSecurityObject.load(raw, strict=True)
        algorithm = lso["hash_algorithm"]["algorithm"].native
        hashes = {
            int(item["data_group_number"].native): bytes(item["data_group_hash_value"].native)
            for item in lso["data_group_hash_values"]
        }
        signers = signed["signer_infos"]
        if len(signers) != 1:
            raise LdsError("EF.SOD must have exactly one SignerInfo")
        signer = parse_signer_info(signers[0])
        certificates = _certificates(signed)
    except LdsError:
        raise
    except _ASN1_ERRORS as exc:
        raise LdsError(f"malformed EF.SOD: {exc}") from exc
    return SecurityObject(str(algorithm), hashes, bytes(raw), signer, certificates)


def listed_data_groups(data: bytes) -> tuple[int, ...]:
    """The data groups whose hashes EF.SOD holds, i.e. those the chip carries (9303-10 §4.6.2),
    read without checking anything: it tells the reader which files to ask for instead of EF.COM.
    Passive authentication checks the same list later."""
    root = tlv.parse_single(data, 0x77)
    try:
        raw = cms.ContentInfo.load(root.value)["content"]["encap_content_info"]["content"].native
        if not isinstance(raw, bytes):
            raise LdsError("EF.SOD has no encapsulated content")
        lso = LdsSecurityObject.load(raw)
        return tuple(sorted(int(item["data_group_number"].native) for item in lso["data_group_hash_values"]))
    except LdsError:
        raise
    except _ASN1_ERRORS as exc:
        raise LdsError(f"malformed EF.SOD: {exc}") from exc


def build_lds_security_object(hash_algorithm: str, hashes: dict[int, bytes]) -> bytes:
    return LdsSecurityObject(
        {
            "version": 0,
            "hash_algorithm": {"algorithm": hash_algorithm},
            "data_group_hash_values": [
                {"data_group_number": n, "data_group_hash_value": h} for n, h in sorted(hashes.items())
            ],
        }
    ).dump()
