"""ICAO 9303-11 worked examples, byte for byte: Appendix D (BAC + 3DES secure messaging) and
Appendix G.1 (PACE ECDH Generic Mapping, AES-128, brainpoolP256r1)."""

from __future__ import annotations

import hashlib

import pytest

from devices.card.icao import bac
from devices.card.icao.apdu import CommandApdu, ResponseApdu
from devices.card.icao.channel import ApduChannel
from devices.card.icao.crypto import SessionCipher
from devices.card.icao.lds.card_access import PaceInfo
from devices.card.icao.lds.mrz import mrz_information
from devices.card.icao.pace import (
    PASSWORD_MRZ,
    PaceSuite,
    decrypt_nonce,
    mrz_password,
    mse_set_at,
    password_key,
    perform_pace,
)
from devices.card.icao.secure_messaging import SecureMessaging, SecureMessagingError

H = bytes.fromhex

# ---- Appendix D: BAC ----------------------------------------------------------------------------
MRZ_D = "L898902C<369080619406236"
RND_IC = H("4608F91988702212")
RND_IFD = H("781723860C06C226")
K_IFD = H("0B795240CB7049B01C19B33E32804F0B")
CHIP_ANSWER = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449")


def test_mrz_information_of_the_specimen() -> None:
    assert mrz_information("L898902C", "690806", "940623") == MRZ_D


def test_bac_keys() -> None:
    assert hashlib.sha1(MRZ_D.encode()).digest()[:16] == H("239AB9CB282DAF66231DC5A4DF6BFBAE")
    keys = bac.BacKeys.from_mrz_information(MRZ_D)
    assert keys.k_enc == H("AB94FDECF2674FDFB9B391F85D7F76F2")
    assert keys.k_mac == H("7962D9ECE03D1ACD4C76089DCE131543")


def test_bac_cryptograms_and_session_keys() -> None:
    keys = bac.BacKeys.from_mrz_information(MRZ_D)
    cryptogram = bac.terminal_cryptogram(keys, RND_IC, RND_IFD, K_IFD)
    assert cryptogram[:32] == H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
    assert cryptogram[32:] == H("5F1448EEA8AD90A7")
    result = bac.complete(keys, CHIP_ANSWER, RND_IC, RND_IFD, K_IFD)
    assert result.keys.k_enc == H("979EC13B1CBFE9DCD01AB0FED307EAE5")
    assert result.keys.k_mac == H("F1CB1F1FB5ADF208806B89DC579DC1F8")
    assert result.ssc == 0x887022120C06C226


class ScriptedTransport:
    """Replays the chip answers of a worked example and records what the terminal sent."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        self.script = [(H(sent), H(answer)) for sent, answer in script]
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        expected, answer = self.script[len(self.sent)]
        self.sent.append(apdu)
        assert apdu.hex().upper() == expected.hex().upper()
        return answer


def test_bac_secure_messaging_appendix_d4() -> None:
    keys = bac.BacKeys.from_mrz_information(MRZ_D)
    sm = bac.complete(keys, CHIP_ANSWER, RND_IC, RND_IFD, K_IFD).secure_messaging()
    select = sm.wrap(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    assert select.encode() == H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    answer = sm.unwrap(ResponseApdu.decode(H("990290008E08FA855A5D4C50A8ED9000")))
    assert answer == ResponseApdu(b"", 0x9000)
    read = sm.wrap(CommandApdu(0x00, 0xB0, 0x00, 0x00, le=4))
    assert read.encode() == H("0CB000000D9701048E08ED6705417E96BA5500")
    answer = sm.unwrap(ResponseApdu.decode(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")))
    assert answer == ResponseApdu(H("60145F01"), 0x9000)
    read = sm.wrap(CommandApdu(0x00, 0xB0, 0x00, 0x04, le=0x12))
    assert read.encode() == H("0CB000040D9701128E082EA28A70F3C7B53500")


def test_bac_response_with_a_wrong_mac_is_refused() -> None:
    keys = bac.BacKeys.from_mrz_information(MRZ_D)
    sm = bac.complete(keys, CHIP_ANSWER, RND_IC, RND_IFD, K_IFD).secure_messaging()
    sm.wrap(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    with pytest.raises(SecureMessagingError):
        sm.unwrap(ResponseApdu.decode(H("990290008E08FA855A5D4C50A8EE9000")))


# ---- Appendix G.1: PACE ECDH-GM -------------------------------------------------------------------
MRZ_G = mrz_information("T22000129", "640812", "101031")
SUITE = PaceSuite.from_info(PaceInfo("0.4.0.127.0.7.2.2.4.2.2", 2, 13))
PK_MAP_IC = (
    "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
)
PK_DH_IC = (
    "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
)
PK_MAP_IFD = (
    "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
)
PK_DH_IFD = (
    "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
)


def test_pace_password_key_and_nonce() -> None:
    assert SUITE is not None
    assert mrz_password(MRZ_G) == H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")
    k_pi = password_key(mrz_password(MRZ_G), SessionCipher.AES128)
    assert k_pi == H("89DED1B26624EC1E634C1989302849DD")
    nonce = decrypt_nonce(k_pi, H("95A3A016522EE98D01E76CB6B98B42C3"), SessionCipher.AES128)
    assert nonce == H("3F00C4D39D153F2B2A214A078D899B22")


def test_pace_mse_set_at_as_in_appendix_g() -> None:
    assert SUITE is not None
    plain = mse_set_at(SUITE, SUITE.protocol, PASSWORD_MRZ, with_parameter=False)
    assert plain.encode() == H("0022C1A40F800A04007F00070202040202830101")
    with_id = mse_set_at(SUITE, SUITE.protocol, PASSWORD_MRZ, with_parameter=True)
    assert with_id.encode() == H("0022C1A412800A04007F0007020204020283010184010D")


def test_pace_worked_example_byte_for_byte() -> None:
    assert SUITE is not None
    transport = ScriptedTransport(
        [
            ("0022C1A40F800A04007F00070202040202830101", "9000"),
            ("10860000027C0000", "7C12801095A3A016522EE98D01E76CB6B98B42C39000"),
            ("10860000457C43814104" + PK_MAP_IFD[2:] + "00", "7C438241" + PK_MAP_IC + "9000"),
            ("10860000457C43834104" + PK_DH_IFD[2:] + "00", "7C438441" + PK_DH_IC + "9000"),
            ("008600000C7C0A8508C2B0BD78D94BA86600", "7C0A86083ABB9674BCE93C089000"),
        ]
    )
    scalars = iter(
        [
            0x7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99,  # SK_map,IFD
            0xA73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595,  # SK_DH,IFD
        ]
    )
    result = perform_pace(
        ApduChannel(transport),
        SUITE,
        mrz_password(MRZ_G),
        PASSWORD_MRZ,
        scalar=lambda: next(scalars),
        with_parameter=False,
    )
    assert len(transport.sent) == 5
    assert result.keys.k_enc == H("F5F0E35C0D7161EE6724EE513A0D9A7F")
    assert result.keys.k_mac == H("FE251C7858B356B24514B3BD5F4297D1")
    sm: SecureMessaging = result.secure_messaging()
    assert sm.ssc == 0
