"""PACE with the Generic Mapping over elliptic curves, ICAO 9303-11 §4.4 (terminal side).

Point arithmetic uses python-ecdsa (`cryptography` exposes no point addition, which the mapping
G' = s·G + H needs). The same helpers serve the emulated chip, which runs the mirror image.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from ecdsa import curves
from ecdsa.ellipticcurve import INFINITY, PointJacobi

from devices.card.icao.apdu import INS_GENERAL_AUTHENTICATE, INS_MSE, CommandApdu, StatusError
from devices.card.icao.channel import ApduChannel
from devices.card.icao.crypto import (
    KDF_PACE,
    SessionCipher,
    SessionKeys,
    aes_cbc_decrypt,
    aes_cmac8,
    des3_cbc_decrypt,
    kdf,
    pad,
    retail_mac,
)
from devices.card.icao.lds import tlv
from devices.card.icao.lds.card_access import ID_PACE, PaceInfo, encode_oid
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.secure_messaging import SecureMessaging

PASSWORD_MRZ = 0x01  # §4.4.3.1.1 / 9303-11 Table 5: key reference of the password
PASSWORD_CAN = 0x02

# 9303-11 §9.5.1, standardized domain parameters (elliptic curves only; MODP groups 0–2 are not
# offered by the CCCD and are not implemented).
STANDARD_CURVES: dict[int, curves.Curve] = {
    8: curves.NIST192p,
    9: curves.BRAINPOOLP192r1,
    10: curves.NIST224p,
    11: curves.BRAINPOOLP224r1,
    12: curves.NIST256p,
    13: curves.BRAINPOOLP256r1,
    14: curves.BRAINPOOLP320r1,
    15: curves.NIST384p,
    16: curves.BRAINPOOLP384r1,
    17: curves.BRAINPOOLP512r1,
    18: curves.NIST521p,
}

# §9.2.2: id-PACE-ECDH-GM-{3DES-CBC-CBC, AES-CBC-CMAC-128, -192, -256}
ECDH_GM_PROTOCOLS: dict[str, SessionCipher] = {
    ID_PACE + ".2.1": SessionCipher.DES3,
    ID_PACE + ".2.2": SessionCipher.AES128,
    ID_PACE + ".2.3": SessionCipher.AES192,
    ID_PACE + ".2.4": SessionCipher.AES256,
}


class PaceError(Exception):
    """The chip's answer broke the protocol (bad point, bad token, malformed data)."""


@dataclass(frozen=True)
class PaceSuite:
    protocol: str
    cipher: SessionCipher
    parameter_id: int
    curve: curves.Curve

    @classmethod
    def from_info(cls, info: PaceInfo) -> PaceSuite | None:
        """The suite for a PACEInfo, or None when this terminal does not implement it."""
        cipher = ECDH_GM_PROTOCOLS.get(info.protocol)
        parameter_id = info.parameter_id if info.parameter_id is not None else 13
        curve = STANDARD_CURVES.get(parameter_id)
        if cipher is None or curve is None or info.version != 2:
            return None
        return cls(info.protocol, cipher, parameter_id, curve)

    @property
    def field_bytes(self) -> int:
        return (self.curve.curve.p().bit_length() + 7) // 8


def password_key(password: bytes, cipher: SessionCipher) -> bytes:
    """K_π = KDF(f(π), 3) (§4.4.3.1 and §9.7.3)."""
    return kdf(password, KDF_PACE, cipher)


def mrz_password(mrz_information: str) -> bytes:
    """f(π) for the MRZ: SHA-1 of MRZ_information (§9.7.3)."""
    return hashlib.sha1(mrz_information.encode("ascii")).digest()


def can_password(can: str) -> bytes:
    """f(π) for a CAN: its ISO 8859-1 characters (§9.7.3)."""
    return can.encode("ascii")


def decrypt_nonce(k_pi: bytes, encrypted: bytes, cipher: SessionCipher) -> bytes:
    """s = D(K_π, z), CBC with a zero IV (§4.4.3.3 step 1)."""
    if not encrypted or len(encrypted) % cipher.block_size:
        raise PaceError("encrypted nonce has a wrong length")
    if cipher is SessionCipher.DES3:
        return des3_cbc_decrypt(k_pi, encrypted)
    return aes_cbc_decrypt(k_pi, encrypted)


def encode_point(suite: PaceSuite, point: PointJacobi) -> bytes:
    size = suite.field_bytes
    return b"\x04" + point.x().to_bytes(size, "big") + point.y().to_bytes(size, "big")


def decode_point(suite: PaceSuite, data: bytes) -> PointJacobi:
    """Decode an uncompressed point and check that it lies on the curve (§4.4.3.3 validation)."""
    size = suite.field_bytes
    if len(data) != 1 + 2 * size or data[0] != 0x04:
        raise PaceError("public key is not an uncompressed point of the curve")
    x = int.from_bytes(data[1 : 1 + size], "big")
    y = int.from_bytes(data[1 + size :], "big")
    if not suite.curve.curve.contains_point(x, y):
        raise PaceError("public key is not on the curve")
    return PointJacobi(suite.curve.curve, x, y, 1, suite.curve.order)


def random_scalar(suite: PaceSuite) -> int:
    return secrets.randbelow(suite.curve.order - 1) + 1


def mapped_generator(suite: PaceSuite, nonce: bytes, secret: int, peer: PointJacobi) -> PointJacobi:
    """Generic Mapping (§4.4.3.3.1): G' = s·G + H with H = SK_map · PK_map(peer)."""
    shared = peer * secret
    if shared == INFINITY:
        raise PaceError("mapping produced the point at infinity")
    mapped = suite.curve.generator * int.from_bytes(nonce, "big") + shared
    if mapped == INFINITY:
        raise PaceError("mapped generator is the point at infinity")
    return mapped


def public_key_object(suite: PaceSuite, point: PointJacobi) -> bytes:
    """§4.4.3.4 / 9303-11 §9.4.2: 7F49 { 06 protocol OID, 86 uncompressed point }."""
    body = tlv.encode(0x06, encode_oid(suite.protocol)) + tlv.encode(0x86, encode_point(suite, point))
    return tlv.encode(0x7F49, body)


def authentication_token(keys: SessionKeys, suite: PaceSuite, point: PointJacobi) -> bytes:
    """T = MAC(KSmac, PK) over the peer's public-key data object (§4.4.3.4)."""
    data = public_key_object(suite, point)
    if keys.cipher is SessionCipher.DES3:
        return retail_mac(keys.k_mac, pad(data, 8))
    return aes_cmac8(keys.k_mac, data)


def mse_set_at(
    suite: PaceSuite | None, protocol: str, password_ref: int, *, with_parameter: bool
) -> CommandApdu:
    """MSE:Set AT for PACE (§4.4.4.1): 80 protocol OID, 83 password reference [, 84 parameterId]."""
    data = tlv.encode(0x80, encode_oid(protocol)) + tlv.encode(0x83, bytes([password_ref]))
    if with_parameter and suite is not None:
        data += tlv.encode(0x84, bytes([suite.parameter_id]))
    return CommandApdu(0x00, INS_MSE, 0xC1, 0xA4, data)


def general_authenticate(tag: int | None, value: bytes, *, last: bool) -> CommandApdu:
    """GENERAL AUTHENTICATE with a 7C dynamic authentication data object; chained (CLA 10) but last."""
    inner = tlv.encode(tag, value) if tag is not None else b""
    cla = 0x00 if last else 0x10
    return CommandApdu(cla, INS_GENERAL_AUTHENTICATE, 0, 0, tlv.encode(0x7C, inner), le=256)


def _dynamic_data(data: bytes, tag: int) -> bytes:
    try:
        outer = tlv.parse_single(data, 0x7C)
        return outer.child(tag).value
    except LdsError as exc:
        raise PaceError(f"malformed GENERAL AUTHENTICATE answer: {exc}") from exc


@dataclass(frozen=True)
class PaceResult:
    keys: SessionKeys
    suite: PaceSuite
    chip_public_key: bytes

    def secure_messaging(self) -> SecureMessaging:
        return SecureMessaging(self.keys, 0)  # SSC starts at zero after PACE (§9.8.2)


def perform_pace(
    channel: ApduChannel,
    suite: PaceSuite,
    password: bytes,
    password_ref: int,
    *,
    scalar: Callable[[], int] | None = None,
    with_parameter: bool = True,
) -> PaceResult:
    """Run the four GENERAL AUTHENTICATE steps; StatusError carries the chip's refusal."""
    new_scalar = scalar or (lambda: random_scalar(suite))

    def step(command: CommandApdu, what: str) -> bytes:
        response = channel.send_plain(command)
        if not response.ok:
            raise StatusError(response.sw, what)
        return response.data

    mse = channel.send_plain(mse_set_at(suite, suite.protocol, password_ref, with_parameter=with_parameter))
    if not mse.ok:
        raise StatusError(mse.sw, "MSE:Set AT")
    # Step 1: encrypted nonce.
    z = _dynamic_data(step(general_authenticate(None, b"", last=False), "GA nonce"), 0x80)
    nonce = decrypt_nonce(password_key(password, suite.cipher), z, suite.cipher)
    # Step 2: map the nonce.
    sk_map = new_scalar()
    pk_map = suite.curve.generator * sk_map
    answer = step(general_authenticate(0x81, encode_point(suite, pk_map), last=False), "GA map")
    chip_map = decode_point(suite, _dynamic_data(answer, 0x82))
    generator = mapped_generator(suite, nonce, sk_map, chip_map)
    # Step 3: key agreement on the mapped generator.
    sk_dh = new_scalar()
    pk_dh = generator * sk_dh
    answer = step(general_authenticate(0x83, encode_point(suite, pk_dh), last=False), "GA key agreement")
    chip_dh_bytes = _dynamic_data(answer, 0x84)
    chip_dh = decode_point(suite, chip_dh_bytes)
    if chip_dh_bytes == encode_point(suite, pk_dh):
        raise PaceError("chip echoed our public key")
    shared = chip_dh * sk_dh
    if shared == INFINITY:
        raise PaceError("key agreement produced the point at infinity")
    keys = SessionKeys.derive(shared.x().to_bytes(suite.field_bytes, "big"), suite.cipher)
    # Step 4: mutual authentication tokens.
    token = authentication_token(keys, suite, chip_dh)
    answer = step(general_authenticate(0x85, token, last=True), "GA mutual authentication")
    if _dynamic_data(answer, 0x86) != authentication_token(keys, suite, pk_dh):
        raise PaceError("chip authentication token does not verify")
    return PaceResult(keys, suite, chip_dh_bytes)
