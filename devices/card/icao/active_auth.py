"""Active Authentication (ICAO 9303-11 §6.1): the chip signs the terminal's random challenge with
the private key of DG15's public key (DG15 itself covered by EF.SOD), so a copy of the files on
another chip cannot answer. Implemented for ECDSA keys: the signature is plain r‖s (BSI TR-03111)
over the hash DG14's ActiveAuthenticationInfo names. RSA keys sign with ISO/IEC 9796-2, which
`cryptography` does not offer: not checked here rather than hand-written.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
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


class ActiveAuthUnsupported(Exception):
    """The DG15 key (or its signature algorithm) is not one this kiosk checks."""


class ActiveAuthFailed(Exception):
    """The chip's signature of the challenge does not verify: not the chip of these data."""


def dg15_key(dg15: bytes) -> ec.EllipticCurvePublicKey:
    """DG15's public key; raises LdsError (malformed) or ActiveAuthUnsupported (not EC)."""
    spki = tlv.parse_single(dg15, DG15_TAG).value
    try:
        key = serialization.load_der_public_key(spki)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ActiveAuthUnsupported(f"DG15 key cannot be loaded: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ActiveAuthUnsupported(f"DG15 {type(key).__name__}: ISO 9796-2 signatures not checked here")
    return key


def build_dg15(public_key: ec.EllipticCurvePublicKey) -> bytes:
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return tlv.encode(DG15_TAG, spki)


def perform_active_authentication(
    channel: ApduChannel,
    key: ec.EllipticCurvePublicKey,
    signature_algorithm: str,
    random: Callable[[int], bytes] = os.urandom,
) -> None:
    """INTERNAL AUTHENTICATE with a fresh challenge; raises ActiveAuthFailed, StatusError or
    ActiveAuthUnsupported."""
    algorithm = PLAIN_HASHES.get(signature_algorithm)
    if algorithm is None:
        raise ActiveAuthUnsupported(f"Active Authentication algorithm {signature_algorithm or 'not named'}")
    challenge = random(CHALLENGE_BYTES)
    response = channel.send(CommandApdu(0x00, INS_INTERNAL_AUTHENTICATE, 0, 0, challenge, le=256))
    if not response.ok:
        raise StatusError(response.sw, "INTERNAL AUTHENTICATE")
    size = (key.curve.key_size + 7) // 8
    signature = response.data
    if len(signature) != 2 * size:
        raise ActiveAuthFailed(f"signature of {len(signature)} bytes, {2 * size} expected")
    r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    try:
        key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(algorithm()))
    except InvalidSignature as exc:
        raise ActiveAuthFailed("the chip's signature of the challenge does not verify") from exc
