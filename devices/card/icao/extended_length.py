"""Whether a chip takes extended-length APDUs, and how long a secure-messaging read may then be.

A chip declares extended Lc/Le in its card capabilities (ISO/IEC 7816-4 §12.1.1.2, compact-TLV
tag 7 of the historical bytes, third software function byte: b7 = extended Lc and Le, b6 = the
limits are in EF.ATR/INFO). A contactless reader builds the ATR from the chip's ATS, so the
historical bytes are the chip's own (PC/SC part 3 §3.1.3.2.3). EF.ATR/INFO (FID 2F01, SFI 01 in
the master file) carries DO 7F66 with the longest command and response APDU, in bytes. The
reader (its driver) must carry them too: PC/SC part 10 `dwMaxAPDUDataSize`; vpcd declares 65536
but its socket messages have a 2-byte length, so 65535 bytes is its real limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.card.icao.lds import tlv
from devices.card.icao.lds.errors import LdsError

CAPABILITIES_TAG = 0x7
EXTENDED_LC_LE = 0x40  # third software function byte, b7
LIMITS_IN_ATR_INFO = 0x20  # … b6
ATR_INFO_FID = 0x2F01
ATR_INFO_SFI = 0x01
EXTENDED_LENGTH_INFO_TAG = 0x7F66
MAX_RESPONSE_APDU = 65536 + 2  # Le 0000 means 65536 bytes, then SW1 SW2
VPCD_MESSAGE_LIMIT = 0xFFFF  # vsmartcard: each message is prefixed with a 2-byte length
DO99_AND_MAC = 4 + 10  # DO99 (2-byte status) + DO8E (8-byte MAC), each with tag and length


@dataclass(frozen=True)
class CardCapabilities:
    extended_length: bool = False
    limits_in_atr_info: bool = False


def historical_bytes(atr: bytes) -> bytes:
    """The historical bytes of an ATR (ISO/IEC 7816-3 §8.2); b"" when the ATR is malformed."""
    if len(atr) < 2:
        return b""
    count = atr[1] & 0x0F
    indicator = atr[1] >> 4
    position = 2
    while True:
        present = bin(indicator & 0x0F).count("1")
        has_td = indicator & 0x08
        position += present
        if not has_td or position > len(atr):
            break
        indicator = atr[position - 1] >> 4
    if position + count > len(atr):
        return b""
    return atr[position : position + count]


def card_capabilities(historical: bytes) -> CardCapabilities:
    """Card capabilities from compact-TLV historical bytes (category 00 or 80); none otherwise."""
    if not historical or historical[0] not in (0x00, 0x80):
        return CardCapabilities()
    # Category 00: the last three bytes are a status indicator outside the compact-TLV objects.
    body = historical[1:-3] if historical[0] == 0x00 else historical[1:]
    position = 0
    while position < len(body):
        tag, length = body[position] >> 4, body[position] & 0x0F
        value = body[position + 1 : position + 1 + length]
        position += 1 + length
        if tag == CAPABILITIES_TAG and len(value) == 3 and length == 3:
            return CardCapabilities(bool(value[2] & EXTENDED_LC_LE), bool(value[2] & LIMITS_IN_ATR_INFO))
    return CardCapabilities()


def atr_info_response_limit(content: bytes) -> int | None:
    """The longest response APDU (bytes, SW included) in EF.ATR/INFO's DO 7F66; None if absent."""
    try:
        for item in tlv.iterate(content):
            if item.tag != EXTENDED_LENGTH_INFO_TAG:
                continue
            integers = [child.value for child in item.children() if child.tag == 0x02]
            if len(integers) >= 2 and integers[1]:
                return int.from_bytes(integers[1], "big")
    except (LdsError, ValueError):
        return None
    return None


def build_atr_info(max_command: int, max_response: int) -> bytes:
    """EF.ATR/INFO content holding only DO 7F66 (the emulated chip serves it)."""
    sizes = (max_command, max_response)
    integers = b"".join(tlv.encode(0x02, n.to_bytes(3 if n > 0xFFFF else 2, "big")) for n in sizes)
    return tlv.encode(EXTENDED_LENGTH_INFO_TAG, integers)


def protected_response_length(plain: int, cipher_block: int) -> int:
    """Bytes of the protected response (data field) for `plain` bytes of plain answer."""
    if plain == 0:
        return DO99_AND_MAC
    value = 1 + (plain // cipher_block + 1) * cipher_block  # padding-content indicator + padded
    return 1 + len(tlv.encode_length(value)) + value + DO99_AND_MAC


def secure_read_block(max_response_apdu: int, cipher_block: int) -> int:
    """The longest READ BINARY Le whose protected answer, SW included, fits `max_response_apdu`."""
    padded = (max_response_apdu - 2 - DO99_AND_MAC - 1 - 1) // cipher_block * cipher_block
    while padded > 0 and protected_response_length(padded - 1, cipher_block) + 2 > max_response_apdu:
        padded -= cipher_block
    return max(padded - 1, 0)


@dataclass(frozen=True)
class ReaderLink:
    """What the backend knows before the first APDU: the chip's ATR and the longest APDU data
    field the reader carries (PC/SC `dwMaxAPDUDataSize`; 0 or ≤ 256: short APDUs only)."""

    atr: bytes = b""
    max_data: int | None = 0  # None: the reader does not say (the chip's word is taken)

    @property
    def _reader_allows(self) -> bool:
        return self.max_data is None or self.max_data > 256

    def response_limit(self, atr_info: bytes | None = None) -> int:
        """The longest response APDU (bytes) both sides take; 0 when extended length is out."""
        if not self._reader_allows or not card_capabilities(historical_bytes(self.atr)).extended_length:
            return 0
        limit = MAX_RESPONSE_APDU if self.max_data is None else min(self.max_data + 2, MAX_RESPONSE_APDU)
        declared = atr_info_response_limit(atr_info) if atr_info else None
        if declared is not None:
            limit = min(limit, declared)
        return limit if limit > 256 + 2 else 0

    @property
    def limits_in_atr_info(self) -> bool:
        return self._reader_allows and card_capabilities(historical_bytes(self.atr)).limits_in_atr_info
