"""Elementary files of the eMRTD application (ICAO 9303-10 §4.6, Table 39): FID, SFI and tag."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ElementaryFile:
    name: str
    fid: int
    sfi: int
    tag: int


CARD_ACCESS = ElementaryFile("CardAccess", 0x011C, 0x1C, 0x31)  # in the master file
COM = ElementaryFile("COM", 0x011E, 0x1E, 0x60)
SOD = ElementaryFile("SOD", 0x011D, 0x1D, 0x77)


def data_group(number: int) -> ElementaryFile:
    """DGn: FID 01nn, SFI n, tags from 9303-10 Table 34."""
    tags = {1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68, 9: 0x69,
            10: 0x6A, 11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70}  # fmt: skip
    if number not in tags:
        raise ValueError(f"there is no DG{number}")
    return ElementaryFile(f"DG{number}", 0x0100 + number, number, tags[number])


DG1 = data_group(1)
DG2 = data_group(2)
DG13 = data_group(13)
DG14 = data_group(14)
DG15 = data_group(15)

TAG_TO_DATA_GROUP = {data_group(n).tag: n for n in range(1, 17)}

EMRTD_AID = bytes.fromhex("A0000002471001")  # 9303-10 §4.1: the LDS1 eMRTD application
