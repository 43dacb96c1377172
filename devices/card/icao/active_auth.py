"""Active Authentication (ICAO 9303-11 §6.1): the chip signs the terminal's random challenge with
the private key of DG15's public key (DG15 itself covered by EF.SOD), so a copy of the files on
another chip cannot answer. ECDSA keys: the signature is plain r‖s (BSI TR-03111) over the hash
DG14's ActiveAuthenticationInfo names. RSA keys: ISO/IEC 9796-2 digital signature scheme 1 with
partial message recovery (9303-11 §6.1.2), which `cryptography` does not offer, so the RSA public
operation and the recovered block are checked here: header 6A, recoverable part M1, hash of
M1‖challenge, trailer BC (SHA-1) or hash-identifier + CC (33 SHA-1, 34 SHA-256, 36 SHA-384,
35 SHA-512, 38 SHA-224; ISO/IEC 10118-3 numbers).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from devices.card.icao.apdu import INS_INTERNAL_AUTHENTICATE, CommandApdu, StatusError
from devices.card.icao.channel import ApduChannel
from devices.card.icao.lds import tlv

DG15_TAG = 0x6F
# BSI TR-03111 ecdsa-plain-signatures (0.4.0.127.0.7.1.1.4.1.n): the hash of each.
ECDSA_PLAIN = "0.4.0.127.0.7.1.1.4.1"
PLAIN_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    ECDSA_PLAIN + ".1": hashes.SHA1,
    ECDSA_PLAIN + ".2": hashes.SHA224,
    ECDSA_PLAIN + ".3": hashes.SHA256,
    ECDSA_PLAIN + ".4": hashes.SHA384,
    ECDSA_PLAIN + ".5": hashes.SHA512,
}
ECDSA_PLAIN_SHA256 = ECDSA_PLAIN + ".3"
CHALLENGE_BYTES = 8
ISO9796_HEADER = 0x6A  # scheme 1, partial recovery, padding field of one nibble
TRAILER_SHA1 = 0xBC  # one-byte trailer: SHA-1 implied
TRAILER_EXPLICIT = 0xCC  # two-byte trailer: hash identifier, then CC
HASH_IDS = {0x33: "sha1", 0x34: "sha256", 0x36: "sha384", 0x35: "sha512", 0x38: "sha224"}
AA_PUBLIC_KEY = ec.EllipticCurvePublicKey | rsa.RSAPublicKey


class ActiveAuthUnsupported(Exception):
    """The DG15 key (or its signature algorithm) is not one this kiosk checks."""


class ActiveAuthFailed(Exception):
    """The chip's signature of the challenge does not verify: not the chip of these data."""


def dg15_key(dg15: bytes) -> AA_PUBLIC_KEY:
    """DG15's public key; raises LdsError (malformed) or ActiveAuthUnsupported (neither EC nor RSA)."""
    spki = tlv.parse_single(dg15, DG15_TAG).value
    try:
        key = serialization.load_der_public_key(spki)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ActiveAuthUnsupported(f"DG15 key cannot be loaded: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise ActiveAuthUnsupported(f"DG15 {type(key).__name__}: not an Active Authentication key")
    return key


def build_dg15(public_key: AA_PUBLIC_KEY) -> bytes:
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return tlv.encode(DG15_TAG, spki)


def iso9796_2_sign(
    key: rsa.RSAPrivateKey, challenge: bytes, hash_name: str, random: Callable[[int], bytes]
) -> bytes:
    """The card side (the emulated chip): scheme 1 with a random recoverable part M1."""
    numbers = key.private_numbers()
    size = (key.key_size + 7) // 8
    digest_size = hashlib.new(hash_name).digest_size
    trailer = bytes([TRAILER_SHA1]) if hash_name == "sha1" else bytes([_hash_id(hash_name), TRAILER_EXPLICIT])
    m1 = random(size - 1 - digest_size - len(trailer))
    block = bytes([ISO9796_HEADER]) + m1 + hashlib.new(hash_name, m1 + challenge).digest() + trailer
    signature = pow(int.from_bytes(block, "big"), numbers.d, numbers.public_numbers.n)
    return signature.to_bytes(size, "big")


def _hash_id(hash_name: str) -> int:
    return next(number for number, name in HASH_IDS.items() if name == hash_name)


def iso9796_2_verify(key: rsa.RSAPublicKey, challenge: bytes, signature: bytes) -> None:
    """Recover the block (s^e mod n) and check it; raises ActiveAuthFailed with the reason."""
    numbers = key.public_numbers()
    size = (key.key_size + 7) // 8
    value = int.from_bytes(signature, "big")
    if len(signature) != size or value >= numbers.n:
        raise ActiveAuthFailed(f"signature of {len(signature)} bytes for a {key.key_size}-bit key")
    block = pow(value, numbers.e, numbers.n).to_bytes(size, "big")
    if block[-1] == TRAILER_SHA1:
        hash_name, trailer = "sha1", 1
    elif block[-1] == TRAILER_EXPLICIT and block[-2] in HASH_IDS:
        hash_name, trailer = HASH_IDS[block[-2]], 2
    else:
        raise ActiveAuthFailed("the chip's signature of the challenge does not verify (trailer)")
    digest_size = hashlib.new(hash_name).digest_size
    if block[0] != ISO9796_HEADER or size < 1 + digest_size + trailer:
        raise ActiveAuthFailed("the chip's signature of the challenge does not verify (header)")
    m1 = block[1 : size - digest_size - trailer]
    if (
        hashlib.new(hash_name, m1 + challenge).digest()
        != block[size - digest_size - trailer : size - trailer]
    ):
        raise ActiveAuthFailed("the chip's signature of the challenge does not verify")


def perform_active_authentication(
    channel: ApduChannel,
    key: AA_PUBLIC_KEY,
    signature_algorithm: str,
    random: Callable[[int], bytes] = os.urandom,
) -> None:
    """INTERNAL AUTHENTICATE with a fresh challenge; raises ActiveAuthFailed, StatusError or
    ActiveAuthUnsupported. An RSA key needs no algorithm from DG14: the trailer names the hash."""
    algorithm = PLAIN_HASHES.get(signature_algorithm)
    if algorithm is None and isinstance(key, ec.EllipticCurvePublicKey):
        raise ActiveAuthUnsupported(f"Active Authentication algorithm {signature_algorithm or 'not named'}")
    challenge = random(CHALLENGE_BYTES)
    response = channel.send(CommandApdu(0x00, INS_INTERNAL_AUTHENTICATE, 0, 0, challenge, le=256))
    if not response.ok:
        raise StatusError(response.sw, "INTERNAL AUTHENTICATE")
    if isinstance(key, rsa.RSAPublicKey):
        iso9796_2_verify(key, challenge, response.data)
        return
    assert algorithm is not None
    size = (key.curve.key_size + 7) // 8
    signature = response.data
    if len(signature) != 2 * size:
        raise ActiveAuthFailed(f"signature of {len(signature)} bytes, {2 * size} expected")
    r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    try:
        key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(algorithm()))
    except InvalidSignature as exc:
        raise ActiveAuthFailed("the chip's signature of the challenge does not verify") from exc
