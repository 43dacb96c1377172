"""Command and response APDUs (ISO/IEC 7816-4 §5.1), short and extended length.

Short APDUs (Lc ≤ 255, Le ≤ 256) are the default: many contactless readers and chips lack
extended length, and ICAO 9303-10 lets a reader read files in short blocks. A command is encoded
with extended length only when it needs it (Lc > 255 or Le > 256) or was decoded so; the document
reader asks for that only when both the chip and the reader declare support
(`extended_length.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHORT_LC = 255
MAX_SHORT_LE = 256
MAX_EXTENDED_LC = 65535
MAX_EXTENDED_LE = 65536

SW_OK = 0x9000
SW_END_OF_FILE = 0x6282  # fewer bytes than Le: end of file reached, the data are valid
SW_WRONG_KEY = 0x6300  # authentication failed (PACE/BAC with a wrong password)
SW_SM_MISSING = 0x6987  # expected secure-messaging data objects missing
SW_SM_INCORRECT = 0x6988  # incorrect secure-messaging data objects
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_REFERENCE_DATA_NOT_USABLE = 0x6984  # e.g. PACE not supported with this password
SW_WRONG_DATA = 0x6A80
SW_FUNCTION_NOT_SUPPORTED = 0x6A81
SW_FILE_NOT_FOUND = 0x6A82
SW_INCORRECT_P1P2 = 0x6A86
SW_WRONG_LENGTH = 0x6700
SW_WRONG_P1P2_OFFSET = 0x6B00  # offset beyond the end of the file
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00

INS_SELECT = 0xA4
INS_READ_BINARY = 0xB0
INS_GET_CHALLENGE = 0x84
INS_EXTERNAL_AUTHENTICATE = 0x82
INS_MSE = 0x22
INS_GENERAL_AUTHENTICATE = 0x86
INS_INTERNAL_AUTHENTICATE = 0x88


@dataclass(frozen=True)
class CommandApdu:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None  # None: no Le field; 256 is encoded as 00 (short), 65536 as 0000
    extended: bool = False  # extended length even where short would do (as decoded)

    @property
    def header(self) -> bytes:
        return bytes([self.cla, self.ins, self.p1, self.p2])

    @property
    def is_extended(self) -> bool:
        long_le = self.le is not None and self.le > MAX_SHORT_LE
        return self.extended or len(self.data) > MAX_SHORT_LC or long_le

    def encode(self) -> bytes:
        if len(self.data) > MAX_EXTENDED_LC:
            raise ValueError("command data too long for an APDU")
        if self.le is not None and not 0 < self.le <= MAX_EXTENDED_LE:
            raise ValueError("Le out of range")
        out = self.header
        if not self.is_extended:
            if self.data:
                out += bytes([len(self.data)]) + self.data
            if self.le is not None:
                out += bytes([self.le % 256])
            return out
        # ISO 7816-4 §5.1: one 00 byte, then Lc on two bytes, data, Le on two bytes (0000 = 65536).
        out += b"\x00"
        if self.data:
            out += len(self.data).to_bytes(2, "big") + self.data
        if self.le is not None:
            out += (self.le % 65536).to_bytes(2, "big")
        return out

    @classmethod
    def decode(cls, raw: bytes) -> CommandApdu:
        """Parse a short or extended APDU (card side). Raises ValueError when malformed."""
        if len(raw) < 4:
            raise ValueError("APDU shorter than its header")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or 256)
        if body[0] == 0:
            return cls._decode_extended(cla, ins, p1, p2, body[1:])
        lc = body[0]
        if len(body) == 1 + lc:
            return cls(cla, ins, p1, p2, body[1:])
        if len(body) == 2 + lc:
            return cls(cla, ins, p1, p2, body[1 : 1 + lc], le=body[-1] or 256)
        raise ValueError("APDU length does not match Lc")

    @classmethod
    def _decode_extended(cls, cla: int, ins: int, p1: int, p2: int, body: bytes) -> CommandApdu:
        if len(body) == 2:  # case 2E: Le only
            return cls(cla, ins, p1, p2, le=int.from_bytes(body, "big") or 65536, extended=True)
        if len(body) < 3:
            raise ValueError("extended APDU too short")
        lc = int.from_bytes(body[:2], "big")
        if lc == 0:
            raise ValueError("extended APDU with Lc = 0")
        data = body[2 : 2 + lc]
        if len(body) == 2 + lc:  # case 3E
            return cls(cla, ins, p1, p2, data, extended=True)
        if len(body) == 4 + lc:  # case 4E
            le = int.from_bytes(body[-2:], "big") or 65536
            return cls(cla, ins, p1, p2, data, le=le, extended=True)
        raise ValueError("extended APDU length does not match Lc")


@dataclass(frozen=True)
class ResponseApdu:
    data: bytes
    sw: int

    @classmethod
    def decode(cls, raw: bytes) -> ResponseApdu:
        if len(raw) < 2:
            raise ValueError("response shorter than a status word")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    def encode(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK


class StatusError(Exception):
    """The chip answered a status word other than the expected one."""

    def __init__(self, sw: int, what: str = "") -> None:
        super().__init__(f"{what}: SW {sw:04X}" if what else f"SW {sw:04X}")
        self.sw = sw
