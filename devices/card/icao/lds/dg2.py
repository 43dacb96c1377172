"""DG2 (ICAO 9303-10 §4.7.2): the encoded face, an ISO/IEC 19794-5 facial record in a CBEFF wrapper.

    75 { 7F61 { 02 count, 7F60 { A1 {biometric header}, 5F2E|7F2E {facial record} } } }
The facial record: "FAC\\0", version, record length, face count, then per face a 20-byte facial
information block, feature points, a 12-byte image information block and the image.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.card.icao.lds import tlv
from devices.card.icao.lds.errors import LdsError

JPEG_MAGIC = b"\xff\xd8\xff"
JP2_MAGIC = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
J2K_MAGIC = b"\xff\x4f\xff\x51"
IMAGE_TYPE_JPEG = 0
IMAGE_TYPE_JPEG2000 = 1


@dataclass(frozen=True)
class FaceImage:
    image: bytes
    format: str  # "jpeg" / "jp2"
    width: int
    height: int


def image_format(image: bytes) -> str:
    if image.startswith(JPEG_MAGIC):
        return "jpeg"
    if image.startswith(JP2_MAGIC) or image.startswith(J2K_MAGIC):
        return "jp2"
    raise LdsError("DG2 image is neither JPEG nor JPEG 2000")


def _facial_record(data: bytes) -> FaceImage:
    # ISO/IEC 19794-5 §5.4: general header (14 bytes)
    if len(data) < 14 or data[:4] != b"FAC\x00":
        raise LdsError("not an ISO 19794-5 facial record")
    faces = int.from_bytes(data[12:14], "big")
    if faces < 1:
        raise LdsError("facial record holds no face")
    offset = 14
    # §5.5: facial information block, 20 bytes; feature points 8 bytes each
    if offset + 20 > len(data):
        raise LdsError("facial information truncated")
    block_length = int.from_bytes(data[offset : offset + 4], "big")
    points = int.from_bytes(data[offset + 4 : offset + 6], "big")
    offset += 20 + 8 * points
    # §5.7: image information, 12 bytes
    if offset + 12 > len(data):
        raise LdsError("image information truncated")
    width = int.from_bytes(data[offset + 2 : offset + 4], "big")
    height = int.from_bytes(data[offset + 4 : offset + 6], "big")
    offset += 12
    end = 14 + block_length
    if block_length < 32 + 8 * points or end > len(data):
        raise LdsError("facial record length inconsistent")
    image = data[offset:end]
    return FaceImage(image, image_format(image), width, height)


def parse_dg2(data: bytes) -> FaceImage:
    root = tlv.parse_single(data, 0x75)
    group = root.child(0x7F61)
    for item in group.children():
        if item.tag == 0x7F60:
            for part in item.children():
                if part.tag in (0x5F2E, 0x7F2E):
                    return _facial_record(part.value)
    raise LdsError("DG2 holds no biometric data block")


def build_dg2(image: bytes, width: int, height: int) -> bytes:
    """One face, as written by the emulated chip (ISO/IEC 19794-5, full-frontal, no feature points)."""
    image_type = IMAGE_TYPE_JPEG if image.startswith(JPEG_MAGIC) else IMAGE_TYPE_JPEG2000
    info = bytes(2) + b"\x00" + b"\x00" + b"\x00" + bytes(3) + bytes(2) + bytes(3) + bytes(3)
    image_info = bytes([1, image_type]) + width.to_bytes(2, "big") + height.to_bytes(2, "big")
    image_info += bytes([1, 2]) + bytes(2) + bytes(2)
    block = info + image_info + image
    block = (len(block) + 4).to_bytes(4, "big") + block
    record = b"FAC\x00" + b"010\x00" + (14 + len(block)).to_bytes(4, "big") + (1).to_bytes(2, "big")
    record += block
    header = tlv.encode(0xA1, tlv.encode(0x80, b"\x01\x01") + tlv.encode(0x87, b"\x01\x01")
                        + tlv.encode(0x88, b"\x00\x08"))  # fmt: skip
    instance = tlv.encode(0x7F60, header + tlv.encode(0x5F2E, record))
    return tlv.encode(0x75, tlv.encode(0x7F61, tlv.encode(0x02, b"\x01") + instance))
