"""Symmetric primitives of ICAO 9303-11 §9.7 and §9.8: KDF, DES parity, 3DES/AES in CBC, MACs.

All block-cipher work goes through `cryptography`; nothing here is hand-written cryptography
except the ISO/IEC 9797-1 padding and the MAC algorithm 3 chaining, which are defined in terms of
single-DES and 3DES block operations.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KDF_ENC = 1  # ICAO 9303-11 §9.7.1: counter c for the encryption key
KDF_MAC = 2  # counter for the MAC key
KDF_PACE = 3  # counter for the PACE password key K_π


class SessionCipher(enum.Enum):
    """The session cipher negotiated by BAC (always 3DES) or PACE (3DES or AES)."""

    DES3 = "3DES"
    AES128 = "AES-128"
    AES192 = "AES-192"
    AES256 = "AES-256"

    @property
    def key_length(self) -> int:
        return {"3DES": 16, "AES-128": 16, "AES-192": 24, "AES-256": 32}[self.value]

    @property
    def block_size(self) -> int:
        return 8 if self is SessionCipher.DES3 else 16


def adjust_des_parity(key: bytes) -> bytes:
    """Set odd parity on each DES key byte (ICAO 9303-11 §9.7.1, FIPS 46-3)."""
    out = bytearray()
    for byte in key:
        high = byte & 0xFE
        out.append(high | (bin(high).count("1") + 1) % 2)
    return bytes(out)


def kdf(shared: bytes, counter: int, cipher: SessionCipher) -> bytes:
    """ICAO 9303-11 §9.7.1: K = H(shared ‖ c) truncated; SHA-1 for 3DES/AES-128, SHA-256 above."""
    data = shared + counter.to_bytes(4, "big")
    if cipher in (SessionCipher.DES3, SessionCipher.AES128):
        digest = hashlib.sha1(data).digest()
    else:
        digest = hashlib.sha256(data).digest()
    key = digest[: cipher.key_length]
    return adjust_des_parity(key) if cipher is SessionCipher.DES3 else key


def pad(data: bytes, block: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros to a block boundary."""
    padded = data + b"\x80"
    return padded + bytes(-len(padded) % block)


def unpad(data: bytes) -> bytes:
    end = data.rstrip(b"\x00")
    if not end or end[-1] != 0x80:
        raise ValueError("bad ISO 9797-1 padding")
    return end[:-1]


def _des3_key(key: bytes) -> bytes:
    if len(key) == 16:
        return key + key[:8]
    if len(key) == 8:
        return key * 3
    return key


def des3_cbc_encrypt(key: bytes, data: bytes, iv: bytes = bytes(8)) -> bytes:
    encryptor = Cipher(TripleDES(_des3_key(key)), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def des3_cbc_decrypt(key: bytes, data: bytes, iv: bytes = bytes(8)) -> bytes:
    decryptor = Cipher(TripleDES(_des3_key(key)), modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def aes_cbc_encrypt(key: bytes, data: bytes, iv: bytes = bytes(16)) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def aes_cbc_decrypt(key: bytes, data: bytes, iv: bytes = bytes(16)) -> bytes:
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def aes_ecb_block(key: bytes, block: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with DES (retail MAC); `data` must already be padded.

    CBC with single DES under K1 over all blocks, then decrypt with K2 and encrypt with K1 on the
    last block (ICAO 9303-11 §9.8.3.1).
    """
    if len(data) % 8:
        raise ValueError("retail MAC input must be padded to 8 bytes")
    k1, k2 = key[:8], key[8:16]
    chained = Cipher(TripleDES(k1 * 3), modes.CBC(bytes(8))).encryptor().update(data)[-8:]
    step = Cipher(TripleDES(k2 * 3), modes.ECB()).decryptor().update(chained)
    return Cipher(TripleDES(k1 * 3), modes.ECB()).encryptor().update(step)


def aes_cmac8(key: bytes, data: bytes) -> bytes:
    """AES-CMAC truncated to 8 bytes (ICAO 9303-11 §9.8.3.2); CMAC pads by itself."""
    mac = cmac.CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()[:8]


@dataclass(frozen=True)
class SessionKeys:
    cipher: SessionCipher
    k_enc: bytes
    k_mac: bytes

    def encrypt(self, data: bytes, iv: bytes) -> bytes:
        if self.cipher is SessionCipher.DES3:
            return des3_cbc_encrypt(self.k_enc, data, iv)
        return aes_cbc_encrypt(self.k_enc, data, iv)

    def decrypt(self, data: bytes, iv: bytes) -> bytes:
        if self.cipher is SessionCipher.DES3:
            return des3_cbc_decrypt(self.k_enc, data, iv)
        return aes_cbc_decrypt(self.k_enc, data, iv)

    def mac(self, data: bytes) -> bytes:
        """MAC over `data`: padded then retail MAC for 3DES, AES-CMAC (own padding) for AES."""
        if self.cipher is SessionCipher.DES3:
            return retail_mac(self.k_mac, pad(data, 8))
        return aes_cmac8(self.k_mac, pad(data, 16))

    @classmethod
    def derive(cls, shared: bytes, cipher: SessionCipher) -> SessionKeys:
        return cls(cipher, kdf(shared, KDF_ENC, cipher), kdf(shared, KDF_MAC, cipher))
