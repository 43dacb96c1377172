"""Basic Access Control, ICAO 9303-11 §4.3 (3DES, keys from the MRZ)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from devices.card.icao.apdu import (
    INS_EXTERNAL_AUTHENTICATE,
    INS_GET_CHALLENGE,
    CommandApdu,
    StatusError,
)
from devices.card.icao.channel import ApduChannel
from devices.card.icao.crypto import (
    KDF_ENC,
    KDF_MAC,
    SessionCipher,
    SessionKeys,
    des3_cbc_decrypt,
    des3_cbc_encrypt,
    kdf,
    pad,
    retail_mac,
)
from devices.card.icao.secure_messaging import SecureMessaging


class BacAuthenticationFailed(Exception):
    """The chip's cryptogram did not verify (wrong chip or corrupted answer)."""


@dataclass(frozen=True)
class BacKeys:
    k_enc: bytes
    k_mac: bytes

    @classmethod
    def from_mrz_information(cls, mrz_information: str) -> BacKeys:
        """§4.3.2: Kseed = SHA-1(MRZ_information)[0:16]; KEnc, KMac by the KDF with c = 1, 2."""
        seed = hashlib.sha1(mrz_information.encode("ascii")).digest()[:16]
        return cls(kdf(seed, KDF_ENC, SessionCipher.DES3), kdf(seed, KDF_MAC, SessionCipher.DES3))


@dataclass(frozen=True)
class BacResult:
    keys: SessionKeys
    ssc: int

    def secure_messaging(self) -> SecureMessaging:
        return SecureMessaging(self.keys, self.ssc)


def terminal_cryptogram(keys: BacKeys, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes) -> bytes:
    """§4.3.3.1 steps 2–3: E_IFD = E(KEnc, RND.IFD ‖ RND.IC ‖ K.IFD), M_IFD = MAC(KMac, E_IFD)."""
    e_ifd = des3_cbc_encrypt(keys.k_enc, rnd_ifd + rnd_ic + k_ifd)
    return e_ifd + retail_mac(keys.k_mac, pad(e_ifd, 8))


def complete(keys: BacKeys, response: bytes, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes) -> BacResult:
    """§4.3.3.1 step 5 and §4.3.3.3: verify the chip's cryptogram, derive session keys and SSC."""
    if len(response) != 40:
        raise BacAuthenticationFailed("EXTERNAL AUTHENTICATE answer is not 40 bytes")
    e_ic, m_ic = response[:32], response[32:]
    if retail_mac(keys.k_mac, pad(e_ic, 8)) != m_ic:
        raise BacAuthenticationFailed("chip MAC does not verify")
    plain = des3_cbc_decrypt(keys.k_enc, e_ic)
    if plain[:8] != rnd_ic or plain[8:16] != rnd_ifd:
        raise BacAuthenticationFailed("chip did not return our challenge")
    k_ic = plain[16:32]
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    session = SessionKeys.derive(seed, SessionCipher.DES3)
    ssc = int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big")
    return BacResult(session, ssc)


def perform_bac(
    channel: ApduChannel, mrz_information: str, random: Callable[[int], bytes] = os.urandom
) -> BacResult:
    """Run GET CHALLENGE and EXTERNAL AUTHENTICATE; raise StatusError with the chip's SW."""
    keys = BacKeys.from_mrz_information(mrz_information)
    challenge = channel.send_plain(CommandApdu(0x00, INS_GET_CHALLENGE, 0, 0, le=8))
    if not challenge.ok or len(challenge.data) != 8:
        raise StatusError(challenge.sw, "GET CHALLENGE")
    rnd_ifd, k_ifd = random(8), random(16)
    cryptogram = terminal_cryptogram(keys, challenge.data, rnd_ifd, k_ifd)
    answer = channel.send_plain(CommandApdu(0x00, INS_EXTERNAL_AUTHENTICATE, 0, 0, cryptogram, le=40))
    if not answer.ok:
        raise StatusError(answer.sw, "EXTERNAL AUTHENTICATE")
    return complete(keys, answer.data, challenge.data, rnd_ifd, k_ifd)
