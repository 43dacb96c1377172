"""Chip Authentication, terminal side (ICAO 9303-11 §6.2): is this the chip the data were signed for?

Passive authentication proves the data were signed; a clone carries the same data and EF.SOD.
Only the original chip holds the private key of the static Diffie-Hellman key in DG14 (itself
covered by EF.SOD). The terminal sends an ephemeral ECDH key (MSE:Set AT + GENERAL AUTHENTICATE,
the AES variant of §6.2.4); both sides derive new session keys from the shared secret, and secure
messaging restarts with them, SSC = 0. The proof is implicit: the chip's next protected answer
verifies under the new keys only if it knew the private key (`ChipAuth.FAILED` otherwise).
ECDH by `cryptography`, no hand-written arithmetic.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from devices.card.icao.apdu import INS_GENERAL_AUTHENTICATE, INS_MSE, CommandApdu, StatusError
from devices.card.icao.channel import ApduChannel
from devices.card.icao.crypto import SessionCipher, SessionKeys
from devices.card.icao.lds import tlv
from devices.card.icao.lds.card_access import encode_oid
from devices.card.icao.lds.dg14 import ID_CA_ECDH, ChipAuthInfo, Dg14
from devices.card.icao.secure_messaging import SecureMessaging

# id-CA-ECDH-3DES-CBC-CBC and -AES-CBC-CMAC-128/192/256 → the session cipher.
CA_CIPHERS = {
    ID_CA_ECDH + ".1": SessionCipher.DES3,
    ID_CA_ECDH + ".2": SessionCipher.AES128,
    ID_CA_ECDH + ".3": SessionCipher.AES192,
    ID_CA_ECDH + ".4": SessionCipher.AES256,
}


class ChipAuthUnsupported(Exception):
    """DG14 offers nothing this terminal implements: Chip Authentication is not checked."""


def choose(dg14: Dg14) -> tuple[ChipAuthInfo, ec.EllipticCurvePublicKey]:
    problems = []
    for info in dg14.infos:
        if info.protocol not in CA_CIPHERS:
            problems.append(f"protocol {info.protocol} not implemented")
            continue
        key = dg14.key_for(info)
        if key is None or key.public_key is None:
            problems.append(key.problem if key else f"no public key for keyId {info.key_id}")
            continue
        return info, key.public_key
    raise ChipAuthUnsupported("; ".join(problems) or "DG14 offers no Chip Authentication")


def _key_reference(info: ChipAuthInfo) -> bytes:
    if info.key_id is None:
        return b""
    return tlv.encode(0x84, info.key_id.to_bytes(max(1, (info.key_id.bit_length() + 7) // 8), "big"))


def mse_set_at(info: ChipAuthInfo) -> CommandApdu:
    """MSE:Set AT for Chip Authentication (P1P2 41A4): 80 protocol [, 84 keyId]."""
    return CommandApdu(
        0x00, INS_MSE, 0x41, 0xA4, tlv.encode(0x80, encode_oid(info.protocol)) + _key_reference(info)
    )


def mse_set_kat(info: ChipAuthInfo, public: bytes) -> CommandApdu:
    """MSE:Set KAT (P1P2 41A6), 3DES Chip Authentication in one step: 91 ephemeral key [, 84 keyId]
    (ICAO 9303-11 §6.2.4.1, BSI TR-03110-3 B.11.1)."""
    return CommandApdu(0x00, INS_MSE, 0x41, 0xA6, tlv.encode(0x91, public) + _key_reference(info))


def perform_chip_authentication(
    channel: ApduChannel, info: ChipAuthInfo, chip_key: ec.EllipticCurvePublicKey
) -> None:
    """Run CA over `channel`'s current secure messaging and switch it to the new keys.
    Raises StatusError when the chip refuses a step."""
    ephemeral = ec.generate_private_key(chip_key.curve)
    public = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    cipher = CA_CIPHERS[info.protocol]
    if cipher is SessionCipher.DES3:
        response = channel.send(mse_set_kat(info, public))
        if not response.ok:
            raise StatusError(response.sw, "MSE:Set KAT (Chip Authentication)")
    else:
        response = channel.send(mse_set_at(info))
        if not response.ok:
            raise StatusError(response.sw, "MSE:Set AT (Chip Authentication)")
        command = CommandApdu(
            0x00, INS_GENERAL_AUTHENTICATE, 0, 0, tlv.encode(0x7C, tlv.encode(0x80, public)), le=256
        )
        response = channel.send(command)
        if not response.ok:
            raise StatusError(response.sw, "GENERAL AUTHENTICATE (Chip Authentication)")
    shared = ephemeral.exchange(ec.ECDH(), chip_key)  # the x-coordinate, field-size bytes
    channel.sm = SecureMessaging(SessionKeys.derive(shared, cipher), 0)
