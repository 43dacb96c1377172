"""The APDU channel: one narrow transport below, optional secure messaging on top, counters.

A `Transport` sends raw APDU bytes and returns raw response bytes; backends (in-process emulated
chip, PC/SC) implement it and raise `CardError` for removal, unplugging and timeouts. `ApduChannel`
adds the ISO 7816 framing, secure messaging once access control has established it, and counts
APDUs and the time spent waiting for the chip.
"""

from __future__ import annotations

import time
from typing import Protocol

from devices.card.icao.apdu import (
    SW_SM_INCORRECT,
    SW_SM_MISSING,
    SW_WRONG_LENGTH,
    CommandApdu,
    ResponseApdu,
)
from devices.card.icao.secure_messaging import SecureMessaging, SecureMessagingError
from kiosk.ports.card import CardError, CardErrorReason


class Transport(Protocol):
    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU, return the response APDU (data + SW1 SW2). Raises `CardError`,
        or `LengthRefused` when the reader cannot carry an extended-length APDU."""
        ...


# 9303-11 §9.8.6 / ISO 7816-4: SM data objects missing or incorrect. Only these two status words
# mean the chip has dropped the session; any other bare status word is its answer to the command.
SESSION_ENDED_SW = (SW_SM_MISSING, SW_SM_INCORRECT)


class LengthRefused(Exception):
    """The reader (its driver) could not carry an extended-length APDU: the chip never saw it."""


class SessionLost(Exception):
    """The chip answered 6987/6988 inside secure messaging: the session has ended."""

    def __init__(self, sw: int) -> None:
        super().__init__(f"secure messaging session ended (SW {sw:04X})")
        self.sw = sw


class ApduChannel:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self.sm: SecureMessaging | None = None
        self.apdu_count = 0
        self.transmit_seconds = 0.0
        self.verified = False  # the last answer carried a MAC that verified under the session keys

    def transmit_raw(self, raw: bytes) -> bytes:
        started = time.perf_counter()
        try:
            return self._transport.transmit(raw)
        finally:
            self.transmit_seconds += time.perf_counter() - started
            self.apdu_count += 1

    def send_plain(self, command: CommandApdu) -> ResponseApdu:
        """Send without secure messaging (before access control; ends an SM session on the chip)."""
        self.sm = None
        return self._decode(self.transmit_raw(command.encode()))

    def send(self, command: CommandApdu) -> ResponseApdu:
        """Send through secure messaging when a session is up, plain otherwise.

        ISO 7816-4 lets a chip answer an error (6A82, 6B00, 6700, 6Cxx, 6982…) without SM data
        objects: that bare status word is returned and the session goes on. Both sides counted the
        command and the response, so the SSC stays in step (as in JMRTD). 6987/6988 raise
        `SessionLost`.
        """
        sm = self.sm
        self.verified = False
        if sm is None:
            try:
                return self._decode(self.transmit_raw(command.encode()))
            except LengthRefused:
                return ResponseApdu(b"", SW_WRONG_LENGTH)
        ssc = sm.ssc
        protected = sm.wrap(command)
        try:
            response = self._decode(self.transmit_raw(protected.encode()))
        except LengthRefused:
            # The chip never saw it: neither side counted it. To the reader it is a wrong length.
            sm.ssc = ssc
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        try:
            plain = sm.unwrap(response)
        except SecureMessagingError as exc:
            self.sm = None
            raise CardError(CardErrorReason.BAD_RESPONSE, str(exc)) from exc
        if not response.data and response.sw in SESSION_ENDED_SW:
            self.sm = None
            raise SessionLost(response.sw)
        self.verified = bool(response.data)  # a bare status word carries no MAC
        return plain

    @staticmethod
    def _decode(raw: bytes) -> ResponseApdu:
        try:
            return ResponseApdu.decode(raw)
        except ValueError as exc:
            raise CardError(CardErrorReason.BAD_RESPONSE, str(exc)) from exc
