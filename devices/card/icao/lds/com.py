"""EF.COM (ICAO 9303-10 §4.6.1): LDS version, Unicode version and the list of data groups present."""

from __future__ import annotations

from dataclasses import dataclass

from devices.card.icao.lds import tlv
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.lds.files import TAG_TO_DATA_GROUP


@dataclass(frozen=True)
class ComFile:
    lds_version: str
    unicode_version: str
    data_groups: tuple[int, ...]


def parse_com(data: bytes) -> ComFile:
    root = tlv.parse_single(data, 0x60)
    lds_version = unicode_version = ""
    tags: bytes | None = None
    for item in root.children():
        if item.tag == 0x5F01:
            lds_version = item.value.decode("ascii", "replace")
        elif item.tag == 0x5F36:
            unicode_version = item.value.decode("ascii", "replace")
        elif item.tag == 0x5C:
            tags = item.value
    if tags is None:
        raise LdsError("EF.COM has no tag list (5C)")
    groups = []
    for byte in tags:
        if byte not in TAG_TO_DATA_GROUP:
            raise LdsError(f"EF.COM lists unknown tag {byte:02X}")
        groups.append(TAG_TO_DATA_GROUP[byte])
    return ComFile(lds_version, unicode_version, tuple(groups))


def build_com(data_groups: list[int], lds_version: str = "0107", unicode_version: str = "040000") -> bytes:
    reverse = {n: tag for tag, n in TAG_TO_DATA_GROUP.items()}
    body = tlv.encode(0x5F01, lds_version.encode()) + tlv.encode(0x5F36, unicode_version.encode())
    body += tlv.encode(0x5C, bytes(reverse[n] for n in data_groups))
    return tlv.encode(0x60, body)
