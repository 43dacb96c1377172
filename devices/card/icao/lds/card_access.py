"""EF.CardAccess (ICAO 9303-11 §9.2): the SecurityInfos telling which PACE protocols a chip offers."""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import core

from devices.card.icao.lds import tlv
from devices.card.icao.lds.errors import LdsError

ID_PACE = "0.4.0.127.0.7.2.2.4"  # §9.2.2 id-PACE


@dataclass(frozen=True)
class SecurityInfo:
    protocol: str  # dotted OID
    version: int | None
    parameter_id: int | None


@dataclass(frozen=True)
class PaceInfo:
    protocol: str
    version: int
    parameter_id: int | None


def decode_oid(value: bytes) -> str:
    try:
        return str(core.ObjectIdentifier.load(tlv.encode(0x06, value)).dotted)
    except (ValueError, TypeError) as exc:
        raise LdsError(f"bad object identifier: {exc}") from exc


def encode_oid(dotted: str) -> bytes:
    """The OID's content octets (without tag and length)."""
    return core.ObjectIdentifier(dotted).contents


def _integer(item: tlv.Tlv) -> int:
    if item.tag != 0x02 or not item.value or len(item.value) > 8:
        raise LdsError("INTEGER expected")
    return int.from_bytes(item.value, "big", signed=True)


def parse_security_infos(data: bytes) -> list[SecurityInfo]:
    root = tlv.parse_single(data, 0x31)
    infos = []
    for entry in root.children():
        if entry.tag != 0x30:
            raise LdsError("SecurityInfo must be a SEQUENCE")
        fields = entry.children()
        if not fields or fields[0].tag != 0x06:
            raise LdsError("SecurityInfo must start with its protocol OID")
        oid = decode_oid(fields[0].value)
        version = _integer(fields[1]) if len(fields) > 1 and fields[1].tag == 0x02 else None
        param = _integer(fields[2]) if len(fields) > 2 and fields[2].tag == 0x02 else None
        infos.append(SecurityInfo(oid, version, param))
    return infos


def pace_infos(data: bytes) -> list[PaceInfo]:
    """The PACEInfo entries (§9.2.1: protocol OID under id-PACE, version 2, parameterId)."""
    return [
        PaceInfo(info.protocol, info.version, info.parameter_id)
        for info in parse_security_infos(data)
        if info.protocol.startswith(ID_PACE + ".")
        and info.version is not None
        and info.protocol.count(".") == ID_PACE.count(".") + 2
    ]


def build_card_access(infos: list[SecurityInfo]) -> bytes:
    entries = b""
    for info in infos:
        body = tlv.encode(0x06, encode_oid(info.protocol))
        for number in (info.version, info.parameter_id):
            if number is not None:
                body += tlv.encode(0x02, number.to_bytes(max(1, (number.bit_length() + 8) // 8), "big"))
        entries += tlv.encode(0x30, body)
    return tlv.encode(0x31, entries)
