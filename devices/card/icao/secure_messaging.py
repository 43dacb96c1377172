"""Secure messaging, ICAO 9303-11 §9.8, for 3DES (after BAC or PACE) and AES (after PACE).

`SecureMessaging` keeps the send sequence counter (SSC) and wraps commands / unwraps responses on
the terminal side; `ChipSecureMessaging` is the mirror image used by the emulated chip. Both share
the same MAC-input construction so a mistake cannot hide on one side only.
"""

from __future__ import annotations

from devices.card.icao.apdu import MAX_EXTENDED_LE, MAX_SHORT_LE, CommandApdu, ResponseApdu
from devices.card.icao.crypto import SessionCipher, SessionKeys, aes_ecb_block, pad, unpad
from devices.card.icao.extended_length import protected_response_length
from devices.card.icao.lds import tlv

TAG_ENCRYPTED_ODD = 0x85  # DO85: encrypted data, odd INS (not used by the kiosk)
TAG_ENCRYPTED = 0x87  # DO87: padding-content indicator 01 + encrypted padded data
TAG_STATUS = 0x99  # DO99: processing status
TAG_LE = 0x97  # DO97: expected length
TAG_MAC = 0x8E  # DO8E: cryptographic checksum
SM_CLA = 0x0C


class SecureMessagingError(Exception):
    """A MAC did not verify or the protected response was malformed."""


class _Channel:
    def __init__(self, keys: SessionKeys, ssc: int) -> None:
        self.keys = keys
        self.ssc = ssc
        self._ssc_len = keys.cipher.block_size

    @property
    def block(self) -> int:
        return self.keys.cipher.block_size

    def ssc_bytes(self) -> bytes:
        return self.ssc.to_bytes(self._ssc_len, "big")

    def increment(self) -> None:
        self.ssc = (self.ssc + 1) % (1 << (8 * self._ssc_len))

    def iv(self) -> bytes:
        # 3DES: zero IV (§9.8.6.1); AES: IV = E(KSenc, SSC) (§9.8.6.2)
        if self.keys.cipher is SessionCipher.DES3:
            return bytes(8)
        return aes_ecb_block(self.keys.k_enc, self.ssc_bytes())

    def mac(self, data: bytes) -> bytes:
        return self.keys.mac(self.ssc_bytes() + data)

    def encrypt_do87(self, plain: bytes) -> bytes:
        return tlv.encode(TAG_ENCRYPTED, b"\x01" + self.keys.encrypt(pad(plain, self.block), self.iv()))

    def decrypt_do87(self, value: bytes) -> bytes:
        if not value or value[0] != 0x01 or (len(value) - 1) % self.block:
            raise SecureMessagingError("bad DO87")
        try:
            return unpad(self.keys.decrypt(value[1:], self.iv()))
        except ValueError as exc:
            raise SecureMessagingError(str(exc)) from exc

    def command_mac_input(self, header: bytes, do87: bytes, do97: bytes) -> bytes:
        return pad(header, self.block) + do87 + do97


class SecureMessaging(_Channel):
    """Terminal side: protect commands, verify and decrypt responses."""

    def wrap(self, command: CommandApdu) -> CommandApdu:
        """Protect a command. When the protected answer to its Le cannot fit a short response
        APDU, the protected command gets extended Le 0000, and an Le over 256 goes in DO97 on
        two bytes (0000 = 65536); otherwise everything stays short (ICAO 9303-11 §9.8.4)."""
        header = bytes([command.cla | SM_CLA, command.ins, command.p1, command.p2])
        self.increment()
        do87 = self.encrypt_do87(command.data) if command.data else b""
        le = command.le
        # Le 256 (00) stays short: "what fits", as CA and AA ask; longer or exact ones need room.
        long_answer = command.is_extended or (
            le is not None and le != MAX_SHORT_LE and protected_response_length(le, self.block) > MAX_SHORT_LE
        )
        if le is None:
            do97 = b""
        elif le > MAX_SHORT_LE:
            do97 = tlv.encode(TAG_LE, (le % 65536).to_bytes(2, "big"))
        else:
            do97 = tlv.encode(TAG_LE, bytes([le % 256]))
        cc = self.mac(self.command_mac_input(header, do87, do97))
        body = do87 + do97 + tlv.encode(TAG_MAC, cc)
        outer_le = MAX_EXTENDED_LE if long_answer else MAX_SHORT_LE
        return CommandApdu(header[0], command.ins, command.p1, command.p2, body, le=outer_le)

    def unwrap(self, response: ResponseApdu) -> ResponseApdu:
        """Check the response MAC (§9.8.5) and return the plain response.

        A bare status word (no data objects) is an unprotected answer: an error the chip may send
        in clear, or 6987/6988 when it ended the session. It is returned as is, the SSC counted
        for it as for a protected answer; the caller decides.
        """
        self.increment()
        if not response.data:
            return response
        try:
            items = tlv.parse_all(response.data)
        except ValueError as exc:
            raise SecureMessagingError(f"malformed protected response: {exc}") from exc
        do87 = b""
        do99 = b""
        mac: bytes | None = None
        plain_data = b""
        status: int | None = None
        for item in items:
            encoded = tlv.encode(item.tag, item.value)
            if item.tag == TAG_ENCRYPTED:
                do87 = encoded
            elif item.tag == TAG_STATUS:
                do99 = encoded
                if len(item.value) != 2:
                    raise SecureMessagingError("bad DO99")
                status = int.from_bytes(item.value, "big")
            elif item.tag == TAG_MAC:
                mac = item.value
            else:
                raise SecureMessagingError(f"unexpected tag {item.tag:X} in protected response")
        if mac is None:
            raise SecureMessagingError("response MAC missing")
        if self.mac(do87 + do99) != mac:
            raise SecureMessagingError("response MAC does not verify")
        if do87:
            plain_data = self.decrypt_do87(tlv.parse_one(do87).value)
        return ResponseApdu(plain_data, status if status is not None else response.sw)


class ChipSecureMessaging(_Channel):
    """Chip side: verify and decrypt commands, protect responses."""

    def unwrap_command(self, command: CommandApdu) -> CommandApdu:
        if command.cla & SM_CLA != SM_CLA:
            raise SecureMessagingError("plain command inside a secure-messaging session")
        self.increment()
        try:
            items = tlv.parse_all(command.data)
        except ValueError as exc:
            raise SecureMessagingError(str(exc)) from exc
        do87 = do97 = b""
        mac: bytes | None = None
        le: int | None = None
        for item in items:
            encoded = tlv.encode(item.tag, item.value)
            if item.tag == TAG_ENCRYPTED:
                do87 = encoded
            elif item.tag == TAG_LE:
                do97 = encoded
                if len(item.value) == 1:
                    le = item.value[0] or 256
                elif len(item.value) == 2:
                    le = int.from_bytes(item.value, "big") or 65536
                else:
                    raise SecureMessagingError("bad DO97")
            elif item.tag == TAG_MAC:
                mac = item.value
            else:
                raise SecureMessagingError(f"unexpected tag {item.tag:X}")
        if mac is None:
            raise SecureMessagingError("command MAC missing")
        header = bytes([command.cla, command.ins, command.p1, command.p2])
        if self.mac(self.command_mac_input(header, do87, do97)) != mac:
            raise SecureMessagingError("command MAC does not verify")
        data = self.decrypt_do87(tlv.parse_one(do87).value) if do87 else b""
        return CommandApdu(command.cla & ~SM_CLA & 0xFF, command.ins, command.p1, command.p2, data, le)

    def wrap_response(self, response: ResponseApdu) -> ResponseApdu:
        self.increment()
        do87 = self.encrypt_do87(response.data) if response.data else b""
        do99 = tlv.encode(TAG_STATUS, response.sw.to_bytes(2, "big"))
        body = do87 + do99 + tlv.encode(TAG_MAC, self.mac(do87 + do99))
        return ResponseApdu(body, response.sw)
