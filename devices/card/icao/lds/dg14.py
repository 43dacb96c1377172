"""DG14 (ICAO 9303-11 §9.2, tag 6E): SecurityInfos for Chip Authentication.

A SET of SecurityInfo; the ones used here are ChipAuthenticationInfo (protocol id-CA-ECDH-*,
version, optional keyId) and ChipAuthenticationPublicKeyInfo (id-PK-ECDH, the chip's static key
as a SubjectPublicKeyInfo, optional keyId). The key's domain parameters may be named (an OID) or
spelt out, as many chips do (`devices.card.icao.certificates.public_key` loads both).
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import keys
from cryptography.hazmat.primitives.asymmetric import ec

from devices.card.icao.certificates import UnusableKey, public_key
from devices.card.icao.lds import tlv
from devices.card.icao.lds.card_access import decode_oid, encode_oid
from devices.card.icao.lds.errors import LdsError

DG14_TAG = 0x6E
ID_PK_ECDH = "0.4.0.127.0.7.2.2.1.2"
ID_CA_ECDH = "0.4.0.127.0.7.2.2.3.2"  # + .1 3DES, .2 AES-128, .3 AES-192, .4 AES-256
CA_ECDH_AES_128 = ID_CA_ECDH + ".2"
CA_ECDH_3DES = ID_CA_ECDH + ".1"
ID_AA = "2.23.136.1.1.5"  # ActiveAuthenticationInfo: version, signatureAlgorithm (9303-11 §9.2.9)
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


@dataclass(frozen=True)
class ChipAuthInfo:
    protocol: str  # dotted OID
    version: int
    key_id: int | None


@dataclass(frozen=True)
class ChipAuthKey:
    key_id: int | None
    public_key: ec.EllipticCurvePublicKey | None  # None: a key type or curve not supported here
    problem: str = ""


@dataclass(frozen=True)
class Dg14:
    infos: tuple[ChipAuthInfo, ...]
    keys: tuple[ChipAuthKey, ...]
    aa_signature_algorithm: str = ""  # dotted OID, for an ECDSA Active Authentication key

    def key_for(self, info: ChipAuthInfo) -> ChipAuthKey | None:
        """The public key an info refers to: same keyId, or the only key when there is one."""
        matching = [k for k in self.keys if k.key_id == info.key_id]
        if not matching and len(self.keys) == 1 and info.key_id is None:
            matching = list(self.keys)
        return matching[0] if matching else None


def _public_key(spki: keys.PublicKeyInfo) -> ChipAuthKey | str:
    try:
        key = public_key(spki)
    except UnusableKey as exc:
        return f"Chip Authentication key: {exc}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ChipAuthKey(None, key)
    return f"Chip Authentication key type {type(key).__name__} not supported"


def _integer(field: tlv.Tlv) -> int:
    if field.tag != 0x02 or not field.value:
        raise LdsError("DG14: INTEGER expected")
    return int.from_bytes(field.value, "big", signed=True)


def parse_dg14(data: bytes) -> Dg14:
    """Raises LdsError only."""
    found_infos: list[ChipAuthInfo] = []
    found_keys: list[ChipAuthKey] = []
    aa_algorithm = ""
    security_infos = tlv.parse_single(tlv.parse_single(data, DG14_TAG).value, 0x31)
    for item in security_infos.children():
        fields = item.children() if item.tag == 0x30 else []
        if len(fields) < 2 or fields[0].tag != 0x06:
            raise LdsError("DG14: a SecurityInfo must be SEQUENCE { OID, ... }")
        protocol = decode_oid(fields[0].value)
        if protocol == ID_AA:
            if len(fields) > 2 and fields[2].tag == 0x06:
                aa_algorithm = decode_oid(fields[2].value)
            continue
        key_id = _integer(fields[2]) if len(fields) > 2 else None
        if protocol.startswith(ID_CA_ECDH + "."):
            found_infos.append(ChipAuthInfo(protocol, _integer(fields[1]), key_id))
        elif protocol == ID_PK_ECDH:
            try:
                spki = keys.PublicKeyInfo.load(tlv.encode(fields[1].tag, fields[1].value), strict=True)
                loaded = _public_key(spki)
            except _ASN1_ERRORS as exc:
                raise LdsError(f"DG14: malformed Chip Authentication key: {exc}") from exc
            if isinstance(loaded, str):
                found_keys.append(ChipAuthKey(key_id, None, loaded))
            else:
                found_keys.append(ChipAuthKey(key_id, loaded.public_key))
    return Dg14(tuple(found_infos), tuple(found_keys), aa_algorithm)


def build_dg14(
    public_key: ec.EllipticCurvePublicKey | None,
    protocol: str = CA_ECDH_AES_128,
    aa_signature_algorithm: str = "",
) -> bytes:
    """DG14 with one ChipAuthenticationInfo (version 1) and its public key (named curve), and/or
    an ActiveAuthenticationInfo naming the ECDSA signature algorithm of DG15's key."""
    from cryptography.hazmat.primitives import serialization  # the emulated chip's side only

    infos = b""
    if public_key is not None:
        spki = public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        infos += tlv.encode(0x30, tlv.encode(0x06, encode_oid(ID_PK_ECDH)) + spki)
        infos += tlv.encode(0x30, tlv.encode(0x06, encode_oid(protocol)) + tlv.encode(0x02, b"\x01"))
    if aa_signature_algorithm:
        infos += tlv.encode(
            0x30,
            tlv.encode(0x06, encode_oid(ID_AA))
            + tlv.encode(0x02, b"\x01")
            + tlv.encode(0x06, encode_oid(aa_signature_algorithm)),
        )
    return tlv.encode(DG14_TAG, tlv.encode(0x31, infos))
