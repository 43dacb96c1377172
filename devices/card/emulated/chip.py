"""The emulated chip: the card side of ICAO 9303 over real APDU bytes.

It answers SELECT (AID, EF; the master file answers 6D00 as on a CCCD), READ BINARY (offset or
short file identifier, 6282 / 6Cxx / 6B00 at the end of a file), BAC (GET CHALLENGE, EXTERNAL
AUTHENTICATE), PACE-GM (MSE:Set AT, four GENERAL AUTHENTICATE steps, CAN or MRZ password),
secure messaging (3DES or AES), Chip Authentication (MSE:Set AT 41A4 + GENERAL AUTHENTICATE with
the terminal's ephemeral key; the answer goes under the old keys, then SM restarts with the new
ones, 9303-11 §6.2) and Active Authentication (INTERNAL AUTHENTICATE, ECDSA, §6.1). Any plain
command or SM error inside a session ends the session.
Errors under SM are wrapped (DO99 + MAC) unless `bare_errors` asks for bare status words, as many
real chips send; `max_read` makes it refuse long reads with a bare 6700 (never wrapped).
Extended-length APDUs are taken up to `extended_length` bytes and declared in the ATR's
historical bytes and EF.ATR/INFO as `extended_declared` says; a response that would not fit the
command's Le field (256 bytes for a short one) or that limit is refused with a bare 6700.
"""

from __future__ import annotations

import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from ecdsa.ellipticcurve import INFINITY, PointJacobi

from devices.card.emulated.personalise import CardImage
from devices.card.icao import apdu as iso
from devices.card.icao.active_auth import iso9796_2_sign
from devices.card.icao.apdu import CommandApdu, ResponseApdu
from devices.card.icao.bac import BacKeys
from devices.card.icao.crypto import (
    SessionCipher,
    SessionKeys,
    aes_cbc_encrypt,
    des3_cbc_decrypt,
    des3_cbc_encrypt,
    pad,
    retail_mac,
)
from devices.card.icao.extended_length import (
    ATR_INFO_FID,
    ATR_INFO_SFI,
    EXTENDED_LC_LE,
    LIMITS_IN_ATR_INFO,
    build_atr_info,
)
from devices.card.icao.lds import tlv
from devices.card.icao.lds.card_access import decode_oid, pace_infos
from devices.card.icao.lds.dg14 import CA_ECDH_AES_128
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.lds.files import CARD_ACCESS, EMRTD_AID
from devices.card.icao.pace import (
    PASSWORD_CAN,
    PASSWORD_MRZ,
    PaceError,
    PaceSuite,
    authentication_token,
    can_password,
    decode_point,
    encode_point,
    mrz_password,
    password_key,
    random_scalar,
)
from devices.card.icao.secure_messaging import ChipSecureMessaging, SecureMessagingError

MF_FID = 0x3F00


def contactless_atr(historical: bytes) -> bytes:
    """PC/SC part 3 ATR of a contactless card: TS 3B, T0 8n (TD1; n historical bytes), TD1 80,
    TD2 01 (T=1), the historical bytes, TCK (XOR of T0 to the last historical byte)."""
    body = bytes([0x80 | len(historical), 0x80, 0x01]) + historical
    tck = 0
    for byte in body:
        tck ^= byte
    return b"\x3b" + body + bytes([tck])


def _sw(sw: int, data: bytes = b"") -> ResponseApdu:
    return ResponseApdu(data, sw)


class _Refusal(Exception):
    def __init__(self, sw: int) -> None:
        super().__init__(f"{sw:04X}")
        self.sw = sw


class _PaceState:
    def __init__(self, suite: PaceSuite, password: bytes) -> None:
        self.suite = suite
        self.password = password
        self.step = 0
        self.nonce = b""
        self.generator: PointJacobi | None = None
        self.sk_dh = 0
        self.pk_dh_ifd: PointJacobi | None = None
        self.keys: SessionKeys | None = None


class EmulatedChip:
    """One contactless chip. `process` takes a command APDU and returns the response APDU."""

    def __init__(self, image: CardImage) -> None:
        self.image = image
        self.options = image.options
        self.apdus = 0
        self.commands: list[CommandApdu] = []  # every command as the chip understood it (unwrapped)
        # 9303-10 §4.6: the SFI of EF 01nn is nn (DGn, EF.COM 1E, EF.SOD 1D, EF.CardAccess 1C).
        self._sfi_to_fid = {fid & 0x1F: fid for fid in image.files}
        self._sfi_to_fid[CARD_ACCESS.sfi] = CARD_ACCESS.fid
        self.reset()

    def reset(self) -> None:
        """Power-on / warm reset: no application selected, no session."""
        self.app_selected = False
        self.current_ef: int | None = None
        self.sm: ChipSecureMessaging | None = None
        self._rnd_ic: bytes | None = None
        self._pace: _PaceState | None = None
        self._chip_auth_pending = False  # MSE:Set AT for Chip Authentication accepted
        self._bare = False  # answer the current command without secure messaging

    @property
    def authenticated(self) -> bool:
        return self.sm is not None

    @property
    def atr(self) -> bytes:
        """The ATR a PC/SC reader shows: card capabilities (compact-TLV 73) when declared."""
        declared = self.options.extended_declared
        if not declared:
            return contactless_atr(b"")
        third = EXTENDED_LC_LE | (LIMITS_IN_ATR_INFO if declared == "atr_info" else 0)
        return contactless_atr(bytes([0x80, 0x73, 0x80, 0x01, third]))

    @property
    def atr_info(self) -> bytes | None:
        limit = self.options.extended_length
        if self.options.extended_declared != "atr_info":
            return None
        return build_atr_info(limit or 261, limit or 258)

    # -- APDU entry point ---------------------------------------------------------------------
    def process(self, raw: bytes) -> bytes:
        self.apdus += 1
        try:
            command = CommandApdu.decode(raw)
        except ValueError:
            return _sw(iso.SW_WRONG_LENGTH).encode()
        limit = self.options.extended_length
        if command.is_extended and (not limit or len(raw) > limit):
            return _sw(iso.SW_WRONG_LENGTH).encode()  # below SM: the SSC does not count it
        room = (limit if command.is_extended else iso.MAX_SHORT_LE + 2) - 2
        sm = self.sm
        if sm is not None:
            if command.cla & 0x0C != 0x0C:
                self.sm = None  # 9303-11 §9.8.5: a plain command aborts secure messaging
            else:
                try:
                    inner = sm.unwrap_command(command)
                except SecureMessagingError:
                    self.sm = None
                    return _sw(iso.SW_SM_INCORRECT).encode()
                self._bare = False
                response = self._dispatch(inner)
                if self._bare or (self.options.bare_errors and not response.data and not response.ok):
                    sm.increment()  # the response counts in the SSC although it carries no MAC
                    return response.encode()
                wrapped = sm.wrap_response(response)
                if len(wrapped.data) > room:  # does not fit the Le field (counted, like max_read)
                    return _sw(iso.SW_WRONG_LENGTH).encode()
                return wrapped.encode()
        elif command.cla & 0x0C == 0x0C:
            return _sw(iso.SW_SM_MISSING).encode()
        response = self._dispatch(command)
        if len(response.data) > room:
            return _sw(iso.SW_WRONG_LENGTH).encode()
        return response.encode()

    def _dispatch(self, command: CommandApdu) -> ResponseApdu:
        self.commands.append(command)
        handlers = {
            iso.INS_SELECT: self._select,
            iso.INS_READ_BINARY: self._read_binary,
            iso.INS_GET_CHALLENGE: self._get_challenge,
            iso.INS_EXTERNAL_AUTHENTICATE: self._external_authenticate,
            iso.INS_MSE: self._mse,
            iso.INS_GENERAL_AUTHENTICATE: self._general_authenticate,
            iso.INS_INTERNAL_AUTHENTICATE: self._internal_authenticate,
        }
        handler = handlers.get(command.ins)
        if handler is None:
            return _sw(iso.SW_INS_NOT_SUPPORTED)
        try:
            return handler(command)
        except _Refusal as refusal:
            return _sw(refusal.sw)

    # -- files ----------------------------------------------------------------------------------
    def _file(self, fid: int) -> bytes:
        if fid == ATR_INFO_FID and not self.app_selected:
            if self.atr_info is None:
                raise _Refusal(iso.SW_FILE_NOT_FOUND)
            return self.atr_info
        if fid == CARD_ACCESS.fid:
            data = self.image.card_access
            if data is None or not self.options.card_access_readable:
                raise _Refusal(iso.SW_FILE_NOT_FOUND)
            return data
        if not self.app_selected or fid not in self.image.files:
            raise _Refusal(iso.SW_FILE_NOT_FOUND)
        return self.image.files[fid]

    def _select(self, command: CommandApdu) -> ResponseApdu:
        if command.p1 == 0x04:  # by DF name (AID)
            if self.options.emrtd_application and command.data == EMRTD_AID:
                self.app_selected = True
                self.current_ef = None
                return _sw(iso.SW_OK)
            return _sw(iso.SW_FILE_NOT_FOUND)
        if len(command.data) != 2:
            return _sw(iso.SW_WRONG_DATA)
        fid = int.from_bytes(command.data, "big")
        if fid == MF_FID:
            return _sw(iso.SW_INS_NOT_SUPPORTED)  # the CCCD answers 6D00 to SELECT MF
        if command.p1 not in (0x00, 0x02):
            return _sw(iso.SW_INCORRECT_P1P2)
        self._file(fid)
        self.current_ef = fid
        return _sw(iso.SW_OK)

    def _read_binary(self, command: CommandApdu) -> ResponseApdu:
        if command.p1 & 0x80:  # ISO 7816-4 §11.2.3: b8 = 1 → SFI in b5..b1, offset in P2
            if not self.options.sfi or command.p1 & 0x60:
                return _sw(iso.SW_INCORRECT_P1P2)
            sfi = command.p1 & 0x1F
            # SFI 01 is EF.ATR/INFO in the master file, DG1 in the eMRTD application.
            fid = ATR_INFO_FID if sfi == ATR_INFO_SFI and not self.app_selected else self._sfi_to_fid.get(sfi)
            if fid is None:
                return _sw(iso.SW_FILE_NOT_FOUND)
            data = self._file(fid)
            self.current_ef = fid
            offset = command.p2
        else:
            if self.current_ef is None:
                return _sw(0x6986)  # command not allowed: no current EF
            fid = self.current_ef
            data = self._file(fid)
            offset = (command.p1 << 8 | command.p2) & 0x7FFF
        if fid not in (CARD_ACCESS.fid, ATR_INFO_FID) and not self.authenticated:
            return _sw(iso.SW_SECURITY_NOT_SATISFIED)
        if fid in self.image.protected_files:
            return _sw(iso.SW_SECURITY_NOT_SATISFIED)
        if offset >= len(data):
            return _sw(iso.SW_WRONG_P1P2_OFFSET)
        wanted = command.le or 256
        if self.options.max_read is not None and wanted > self.options.max_read:
            self._bare = True
            return _sw(iso.SW_WRONG_LENGTH)
        chunk = data[offset : offset + wanted]
        if len(chunk) < wanted:
            if self.options.wrong_le_6700:
                return _sw(iso.SW_WRONG_LENGTH)
            if self.options.wrong_le_6c:
                return _sw(0x6C00 | len(chunk))
            return _sw(iso.SW_END_OF_FILE, chunk)
        return _sw(iso.SW_OK, chunk)

    # -- BAC (9303-11 §4.3) ---------------------------------------------------------------------
    def _get_challenge(self, command: CommandApdu) -> ResponseApdu:
        if command.le != 8:
            return _sw(iso.SW_WRONG_LENGTH)
        self._rnd_ic = os.urandom(8)
        return _sw(iso.SW_OK, self._rnd_ic)

    def _external_authenticate(self, command: CommandApdu) -> ResponseApdu:
        rnd_ic, self._rnd_ic = self._rnd_ic, None
        if rnd_ic is None:
            return _sw(iso.SW_CONDITIONS_NOT_SATISFIED)
        if len(command.data) != 40:
            return _sw(iso.SW_WRONG_LENGTH)
        keys = BacKeys.from_mrz_information(self.image.mrz_information)
        e_ifd, m_ifd = command.data[:32], command.data[32:]
        if retail_mac(keys.k_mac, pad(e_ifd, 8)) != m_ifd:
            return _sw(iso.SW_WRONG_KEY)
        plain = des3_cbc_decrypt(keys.k_enc, e_ifd)
        rnd_ifd, echoed, k_ifd = plain[:8], plain[8:16], plain[16:32]
        if echoed != rnd_ic:
            return _sw(iso.SW_WRONG_KEY)
        k_ic = os.urandom(16)
        e_ic = des3_cbc_encrypt(keys.k_enc, rnd_ic + rnd_ifd + k_ic)
        seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
        session = SessionKeys.derive(seed, SessionCipher.DES3)
        self.sm = ChipSecureMessaging(session, int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big"))
        return _sw(iso.SW_OK, e_ic + retail_mac(keys.k_mac, pad(e_ic, 8)))

    # -- PACE (9303-11 §4.4) --------------------------------------------------------------------
    def _mse(self, command: CommandApdu) -> ResponseApdu:
        if (command.p1, command.p2) == (0x41, 0xA4):
            return self._mse_chip_auth(command)
        if (command.p1, command.p2) == (0x41, 0xA6):
            return self._mse_set_kat(command)
        card_access = self.image.card_access
        if card_access is None:
            return _sw(iso.SW_INS_NOT_SUPPORTED)
        if (command.p1, command.p2) != (0xC1, 0xA4):
            return _sw(iso.SW_INCORRECT_P1P2)
        if self.options.pace_refused:
            return _sw(iso.SW_REFERENCE_DATA_NOT_USABLE)
        try:
            fields = {item.tag: item.value for item in tlv.parse_all(command.data)}
            protocol = decode_oid(fields[0x80])
            reference = fields[0x83]
        except (LdsError, KeyError):
            return _sw(iso.SW_WRONG_DATA)
        offered = {info.protocol: info for info in pace_infos(card_access)}
        info = offered.get(protocol)
        suite = PaceSuite.from_info(info) if info is not None else None
        if suite is None:
            return _sw(iso.SW_WRONG_DATA)
        if reference == bytes([PASSWORD_MRZ]):
            password = mrz_password(self.image.mrz_information)
        elif reference == bytes([PASSWORD_CAN]) and self.image.can is not None:
            password = can_password(self.image.can)
        else:
            return _sw(iso.SW_REFERENCE_DATA_NOT_USABLE)
        self._pace = _PaceState(suite, password)
        return _sw(iso.SW_OK)

    # -- Active Authentication (9303-11 §6.1), ECDSA plain r‖s or RSA ISO 9796-2 -----------------
    def _internal_authenticate(self, command: CommandApdu) -> ResponseApdu:
        key = self.image.active_auth_key
        if key is None:
            return _sw(iso.SW_INS_NOT_SUPPORTED)
        if self.sm is None:
            return _sw(iso.SW_SECURITY_NOT_SATISFIED)
        if len(command.data) != 8:
            return _sw(iso.SW_WRONG_DATA)
        if isinstance(key, rsa.RSAPrivateKey):
            signature = iso9796_2_sign(key, command.data, self.options.active_auth_rsa, os.urandom)
            return _sw(iso.SW_OK, signature)
        r, s = decode_dss_signature(key.sign(command.data, ec.ECDSA(hashes.SHA256())))
        size = (key.curve.key_size + 7) // 8
        return _sw(iso.SW_OK, r.to_bytes(size, "big") + s.to_bytes(size, "big"))

    # -- Chip Authentication (9303-11 §6.2) -----------------------------------------------------
    def _mse_chip_auth(self, command: CommandApdu) -> ResponseApdu:
        if self.sm is None or self.image.chip_auth_key is None:
            return _sw(
                iso.SW_CONDITIONS_NOT_SATISFIED if self.sm is None else iso.SW_REFERENCE_DATA_NOT_USABLE
            )
        try:
            fields = {item.tag: item.value for item in tlv.parse_all(command.data)}
            protocol = decode_oid(fields[0x80])
        except (LdsError, KeyError):
            return _sw(iso.SW_WRONG_DATA)
        if protocol != CA_ECDH_AES_128 or self.options.chip_auth_3des:
            return _sw(iso.SW_REFERENCE_DATA_NOT_USABLE)
        self._chip_auth_pending = True
        return _sw(iso.SW_OK)

    def _mse_set_kat(self, command: CommandApdu) -> ResponseApdu:
        """3DES Chip Authentication in one command (9303-11 §6.2.4.1): MSE:Set KAT with the
        terminal's ephemeral key in DO91; answered under the old keys, then 3DES SM, SSC 0."""
        key = self.image.chip_auth_key
        if self.sm is None or key is None or not self.options.chip_auth_3des:
            return _sw(
                iso.SW_CONDITIONS_NOT_SATISFIED if self.sm is None else iso.SW_REFERENCE_DATA_NOT_USABLE
            )
        try:
            fields = {item.tag: item.value for item in tlv.parse_all(command.data)}
            terminal = ec.EllipticCurvePublicKey.from_encoded_point(key.curve, fields[0x91])
        except (LdsError, KeyError, ValueError):
            return _sw(iso.SW_WRONG_DATA)
        shared = key.exchange(ec.ECDH(), terminal)
        self.sm = ChipSecureMessaging(
            SessionKeys.derive(shared, SessionCipher.DES3), 0
        )  # (after this answer)
        return _sw(iso.SW_OK)

    def _chip_auth(self, command: CommandApdu) -> ResponseApdu:
        self._chip_auth_pending = False
        key = self.image.chip_auth_key
        assert key is not None and self.sm is not None
        try:
            point = tlv.parse_single(command.data, 0x7C).child(0x80).value
            terminal = ec.EllipticCurvePublicKey.from_encoded_point(key.curve, point)
        except (LdsError, ValueError):
            return _sw(iso.SW_WRONG_DATA)
        shared = key.exchange(ec.ECDH(), terminal)
        # This answer still goes under the old keys (process() wraps it); then the new session.
        self.sm = ChipSecureMessaging(SessionKeys.derive(shared, SessionCipher.AES128), 0)
        return _sw(iso.SW_OK, tlv.encode(0x7C, b""))

    def _general_authenticate(self, command: CommandApdu) -> ResponseApdu:
        if self._chip_auth_pending:
            return self._chip_auth(command)
        state = self._pace
        if state is None:
            return _sw(iso.SW_CONDITIONS_NOT_SATISFIED)
        try:
            inner = tlv.parse_single(command.data, 0x7C).children()
            return self._pace_step(state, {item.tag: item.value for item in inner})
        except (LdsError, PaceError):
            self._pace = None
            return _sw(iso.SW_WRONG_DATA)

    def _pace_step(self, state: _PaceState, data: dict[int, bytes]) -> ResponseApdu:
        suite = state.suite
        if state.step == 0 and not data:
            state.nonce = secrets.token_bytes(suite.cipher.block_size)
            k_pi = password_key(state.password, suite.cipher)
            if suite.cipher is SessionCipher.DES3:
                z = des3_cbc_encrypt(k_pi, state.nonce)
            else:
                z = aes_cbc_encrypt(k_pi, state.nonce)
            state.step = 1
            return _sw(iso.SW_OK, tlv.encode(0x7C, tlv.encode(0x80, z)))
        if state.step == 1 and 0x81 in data:
            terminal = decode_point(suite, data[0x81])
            sk_map = random_scalar(suite)
            shared = terminal * sk_map
            if shared == INFINITY:
                raise PaceError("mapping at infinity")
            state.generator = suite.curve.generator * int.from_bytes(state.nonce, "big") + shared
            state.step = 2
            public = encode_point(suite, suite.curve.generator * sk_map)
            return _sw(iso.SW_OK, tlv.encode(0x7C, tlv.encode(0x82, public)))
        if state.step == 2 and 0x83 in data and state.generator is not None:
            terminal = decode_point(suite, data[0x83])
            state.sk_dh = random_scalar(suite)
            own = state.generator * state.sk_dh
            if encode_point(suite, own) == data[0x83]:
                raise PaceError("terminal echoed the chip key")
            shared = terminal * state.sk_dh
            state.keys = SessionKeys.derive(shared.x().to_bytes(suite.field_bytes, "big"), suite.cipher)
            state.pk_dh_ifd = terminal
            state.generator = own  # keep the chip's own public key for the token check
            state.step = 3
            return _sw(iso.SW_OK, tlv.encode(0x7C, tlv.encode(0x84, encode_point(suite, own))))
        if state.step == 3 and 0x85 in data and state.keys and state.pk_dh_ifd and state.generator:
            self._pace = None
            if data[0x85] != authentication_token(state.keys, suite, state.generator):
                return _sw(iso.SW_WRONG_KEY)  # wrong CAN/MRZ: the tokens disagree
            token = authentication_token(state.keys, suite, state.pk_dh_ifd)
            self.sm = ChipSecureMessaging(state.keys, 0)
            return _sw(iso.SW_OK, tlv.encode(0x7C, tlv.encode(0x86, token)))
        self._pace = None
        return _sw(iso.SW_CONDITIONS_NOT_SATISFIED)
