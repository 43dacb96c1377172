"""BER-TLV as used by ICAO 9303-10 §4.5 and ISO/IEC 7816-4 (tags up to 3 bytes, definite lengths).

`parse_one` reads one TLV at an offset; `parse_all` reads a run of TLVs that must fill the buffer
exactly; `encode` builds one. Malformed input raises `LdsError`, never anything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from devices.card.icao.lds.errors import LdsError

MAX_LENGTH_BYTES = 4  # lengths above 2**32 - 1 cannot occur on a chip


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes
    constructed: bool
    end: int  # offset just after this TLV in the buffer it was read from

    def children(self) -> list[Tlv]:
        if not self.constructed:
            raise LdsError(f"tag {self.tag:X} is primitive, it has no children")
        return parse_all(self.value)

    def child(self, tag: int) -> Tlv:
        for item in self.children():
            if item.tag == tag:
                return item
        raise LdsError(f"tag {tag:X} missing inside {self.tag:X}")


def read_tag(data: bytes, offset: int) -> tuple[int, bool, int]:
    """Return (tag, constructed, offset after the tag)."""
    if offset >= len(data):
        raise LdsError("truncated: tag expected")
    first = data[offset]
    constructed = bool(first & 0x20)
    tag = first
    offset += 1
    if first & 0x1F == 0x1F:  # multi-byte tag: subsequent bytes while bit 8 is set
        for count in range(3):
            if offset >= len(data):
                raise LdsError("truncated tag")
            byte = data[offset]
            tag = (tag << 8) | byte
            offset += 1
            if not byte & 0x80:
                break
            if count == 2:
                raise LdsError("tag longer than 4 bytes")
    return tag, constructed, offset


def read_length(data: bytes, offset: int) -> tuple[int, int]:
    """Return (length, offset after the length field); definite form only."""
    if offset >= len(data):
        raise LdsError("truncated: length expected")
    first = data[offset]
    offset += 1
    if first < 0x80:
        return first, offset
    count = first & 0x7F
    if count == 0:
        raise LdsError("indefinite length is not allowed")
    if count > MAX_LENGTH_BYTES:
        raise LdsError("length field too long")
    if offset + count > len(data):
        raise LdsError("truncated length")
    return int.from_bytes(data[offset : offset + count], "big"), offset + count


def read_header(data: bytes, offset: int = 0) -> tuple[int, int, int]:
    """Return (tag, value length, header length) of the TLV at `offset` without needing its value.

    Used to learn a file's total size from its first block (ICAO 9303-10 §3.6: every EF of the
    LDS is one TLV).
    """
    tag, _, after_tag = read_tag(data, offset)
    length, after_length = read_length(data, after_tag)
    return tag, length, after_length - offset


def parse_one(data: bytes, offset: int = 0) -> Tlv:
    tag, constructed, offset = read_tag(data, offset)
    length, offset = read_length(data, offset)
    end = offset + length
    if end > len(data):
        raise LdsError(f"tag {tag:X}: value of {length} bytes truncated")
    return Tlv(tag, bytes(data[offset:end]), constructed, end)


def iterate(data: bytes) -> Iterator[Tlv]:
    offset = 0
    while offset < len(data):
        item = parse_one(data, offset)
        offset = item.end
        yield item


def parse_all(data: bytes) -> list[Tlv]:
    return list(iterate(data))


def parse_single(data: bytes, expected_tag: int | None = None) -> Tlv:
    """Parse a buffer holding exactly one TLV (trailing bytes are an error)."""
    item = parse_one(data)
    if item.end != len(data):
        raise LdsError(f"{len(data) - item.end} bytes after tag {item.tag:X}")
    if expected_tag is not None and item.tag != expected_tag:
        raise LdsError(f"tag {expected_tag:X} expected, found {item.tag:X}")
    return item


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    size = (length.bit_length() + 7) // 8
    return bytes([0x80 | size]) + length.to_bytes(size, "big")


def encode_tag(tag: int) -> bytes:
    size = max(1, (tag.bit_length() + 7) // 8)
    return tag.to_bytes(size, "big")


def encode(tag: int, value: bytes) -> bytes:
    return encode_tag(tag) + encode_length(len(value)) + value
