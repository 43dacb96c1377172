"""DG1 (ICAO 9303-10 §4.7.1): the MRZ, tag 61 { 5F1F MRZ text }."""

from __future__ import annotations

from devices.card.icao.lds import tlv
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.lds.mrz import Mrz, parse_mrz


def parse_dg1(data: bytes) -> Mrz:
    root = tlv.parse_single(data, 0x61)
    text = root.child(0x5F1F).value
    try:
        return parse_mrz(text.decode("ascii"))
    except UnicodeDecodeError as exc:
        raise LdsError("MRZ is not ASCII") from exc


def build_dg1(mrz: str) -> bytes:
    return tlv.encode(0x61, tlv.encode(0x5F1F, mrz.encode("ascii")))
