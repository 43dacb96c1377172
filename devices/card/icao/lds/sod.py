"""EF.SOD (ICAO 9303-10 §4.6.2): CMS SignedData over the LDS security object (data-group hashes)."""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import algos, cms, core

from devices.card.icao.lds import tlv
from devices.card.icao.lds.errors import LdsError

LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"  # id-icao-mrtd-security-ldsSecurityObject


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


@dataclass(frozen=True)
class SecurityObject:
    hash_algorithm: str  # "sha1", "sha256", ...
    hashes: dict[int, bytes]
    signed_data: cms.SignedData
    encapsulated: bytes  # DER of the LDSSecurityObject (the signed content)


def parse_sod(data: bytes) -> SecurityObject:
    root = tlv.parse_single(data, 0x77)
    try:
        info = cms.ContentInfo.load(root.value, strict=True)
        if info["content_type"].native != "signed_data":
            raise LdsError("EF.SOD is not CMS SignedData")
        signed = info["content"]
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
        signed.native  # noqa: B018  # force a full parse so malformed DER fails here
    except LdsError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise LdsError(f"malformed EF.SOD: {exc}") from exc
    return SecurityObject(str(algorithm), hashes, signed, bytes(raw))


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
