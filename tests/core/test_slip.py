"""The signed slip QR: round trip through a real QR image, tampering, other stations, key files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import qrcode
from qrcode.util import MODE_ALPHA_NUM

from kiosk.scan import looks_like_slip
from kiosk.slip import (
    HMAC_VERSION,
    STATION_MAX,
    VERSION,
    SlipError,
    SlipProblem,
    SlipProblemKind,
    SlipSigner,
    VerifiedSlip,
    key_id,
    public_key_id,
    slip_station_id,
)
from kiosk.trackcode import ALPHABET, check_char

KEY = bytes(range(32))
OTHER_KEY = bytes(range(100, 132))
CODE = "7K3QXM9T2" + check_char("7K3QXM9T2")
QR_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def qr_for(payload: str) -> qrcode.QRCode:  # type: ignore[type-arg]
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=4)
    qr.add_data(payload)
    qr.make(fit=True)
    return qr


def test_sign_then_verify() -> None:
    signer = SlipSigner(KEY, "HCM-Q1-03")
    payload = signer.sign(CODE)
    assert payload.startswith("KS2.HCM-Q1-03." + CODE + ".")
    assert signer.verify(payload) == VerifiedSlip(CODE, "HCM-Q1-03", signer.public_key_id, VERSION)
    assert signer.public_key_id == public_key_id(signer.public_key) and signer.key_id == key_id(KEY)
    # Caps Lock on a wedge scanner inverts case; surrounding whitespace/CR from a scanner.
    assert isinstance(signer.verify(payload.lower()), VerifiedSlip)
    assert isinstance(signer.verify(f"  {payload}\r\n"), VerifiedSlip)


def test_payload_is_qr_alphanumeric_and_deterministic() -> None:
    signer = SlipSigner(KEY, "Công an xã Đồng Tâm")
    payload = signer.sign(CODE)
    assert set(payload) <= set(QR_ALPHANUMERIC)
    assert payload == signer.sign(CODE)
    assert looks_like_slip(payload) and looks_like_slip(payload.lower())
    assert not looks_like_slip(CODE) and not looks_like_slip("079085001234|||")


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
@pytest.mark.parametrize("station", ["demo-station", "X" * 40])  # the longest id the payload carries
def test_round_trip_through_a_printed_qr(tmp_path: Path, station: str) -> None:
    signer = SlipSigner(KEY, station)
    payload = signer.sign(CODE)
    qr = qr_for(payload)
    assert qr.version <= 6, f"QR version {qr.version} for {len(payload)} characters"
    assert all(chunk.mode == MODE_ALPHA_NUM for chunk in qr.data_list)
    png = tmp_path / "slip.png"
    qr.make_image().save(str(png))
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    assert decoded == payload
    result = signer.verify(decoded)
    assert isinstance(result, VerifiedSlip) and result.tracking_code == CODE


@pytest.mark.parametrize("version", [VERSION, HMAC_VERSION])
def test_every_single_character_change_is_rejected(version: int) -> None:
    signer = SlipSigner(KEY, "HCM-Q1-03")
    payload = signer.sign(CODE) if version == VERSION else signer.sign_hmac(CODE)
    tried = 0
    for index, original in enumerate(payload):
        # Several replacements per position: neighbours in the alphabet, a separator, a space.
        for replacement in {*ALPHABET[(ALPHABET.find(original) + 1) % 32], "Z", "0", ".", "-", " "}:
            if replacement == original:
                continue
            altered = payload[:index] + replacement + payload[index + 1 :]
            result = signer.verify(altered)
            assert isinstance(result, SlipProblem), f"accepted {altered!r} (position {index})"
            tried += 1
    assert tried > 5 * len(payload)


def test_altered_code_with_a_valid_check_character_is_forged() -> None:
    signer = SlipSigner(KEY, "HCM-Q1-03")
    payload = signer.sign(CODE)
    other = "ABCDEFGHJ" + check_char("ABCDEFGHJ")  # passes the check character: only the MAC catches it
    result = signer.verify(payload.replace(CODE, other))
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.FORGED


@pytest.mark.parametrize("version", [VERSION, HMAC_VERSION])
def test_other_stations_and_keys(version: int) -> None:
    def sign(signer: SlipSigner) -> str:
        return signer.sign(CODE) if version == VERSION else signer.sign_hmac(CODE)

    def kid(key: bytes) -> str:
        return SlipSigner(key, "X").public_key_id if version == VERSION else key_id(key)

    ours = SlipSigner(KEY, "HCM-Q1-03")
    assert kid(KEY) != kid(OTHER_KEY)  # fixed keys: the test is deterministic
    same_station_other_key = sign(SlipSigner(OTHER_KEY, "HCM-Q1-03"))
    result = ours.verify(same_station_other_key)
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.UNKNOWN_KEY
    other_station = sign(SlipSigner(KEY, "HN-BD-01"))
    result = ours.verify(other_station)
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.WRONG_STATION
    # Another key whose id is made to look like ours: the signature still fails.
    forged = same_station_other_key.replace(f".{kid(OTHER_KEY)}.", f".{kid(KEY)}.")
    result = ours.verify(forged)
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.FORGED


def test_a_slip_from_another_station_verifies_with_the_keys_the_hub_handed_out() -> None:
    station_a = SlipSigner(KEY, "XA-DONG-TAM")
    station_b = SlipSigner(OTHER_KEY, "PHUONG-BA-DINH")
    known = {station_a.station_id: station_a.public_keys, station_b.station_id: station_b.public_keys}
    at_b = SlipSigner(OTHER_KEY, "PHUONG-BA-DINH", keyring=lambda s: known.get(s, ()))
    assert at_b.verify(station_a.sign(CODE)) == VerifiedSlip(
        CODE, "XA-DONG-TAM", station_a.public_key_id, VERSION
    )
    # Station B signing a slip as station A: B's key is not one of A's.
    posing = SlipSigner(OTHER_KEY, "XA-DONG-TAM").sign(CODE)
    result = at_b.verify(posing)
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.UNKNOWN_KEY
    # ...even with A's key id written on it.
    relabelled = posing.replace(f".{station_b.public_key_id}.", f".{station_a.public_key_id}.")
    result = at_b.verify(relabelled)
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.FORGED
    # Version 1 slips carry a station secret: only the issuing station checks them.
    result = at_b.verify(station_a.sign_hmac(CODE))
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.WRONG_STATION


def test_version_1_slips_still_verify_at_their_station() -> None:
    signer = SlipSigner(KEY, "HCM-Q1-03")
    old = signer.sign_hmac(CODE)
    assert old.startswith("KS1.HCM-Q1-03.") and len(old) == 44
    assert signer.verify(old) == VerifiedSlip(CODE, "HCM-Q1-03", key_id(KEY), HMAC_VERSION)


def test_the_hmac_key_and_the_signing_key_are_different_keys() -> None:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    seed = SlipSigner(KEY, "X")._signing_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    assert seed != KEY and len(seed) == 32


def test_retired_keys_still_verify_but_never_sign() -> None:
    old = SlipSigner(OTHER_KEY, "HCM-Q1-03")
    rotated = SlipSigner(KEY, "HCM-Q1-03", retired_keys=[OTHER_KEY])
    assert isinstance(rotated.verify(old.sign(CODE)), VerifiedSlip)
    assert isinstance(rotated.verify(old.sign_hmac(CODE)), VerifiedSlip)
    assert f".{rotated.public_key_id}." in rotated.sign(CODE) and rotated.public_key_id != old.public_key_id
    assert rotated.public_keys[0] == rotated.public_key and len(rotated.public_keys) == 2


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", SlipProblemKind.MALFORMED),
        ("KS1.", SlipProblemKind.MALFORMED),
        ("KS1.HCM-Q1-03." + CODE, SlipProblemKind.MALFORMED),
        ("KS1.HCM-Q1-03." + CODE + ".AB.0123456789ABCDEF.EXTRA", SlipProblemKind.MALFORMED),
        ("KS1.HCM_Q1_03." + CODE + ".AB.0123456789ABCDEF", SlipProblemKind.MALFORMED),
        ("KS1.HCM-Q1-03." + CODE + ".AB.0123456789ABCDEU", SlipProblemKind.MALFORMED),  # U: not Crockford
        ("KS2.HCM-Q1-03." + CODE + ".AB.0123456789ABCDEF", SlipProblemKind.MALFORMED),  # a v1 length
        ("KS3.HCM-Q1-03." + CODE + ".AB.0123456789ABCDEF", SlipProblemKind.UNSUPPORTED_VERSION),
        ("KS17.whatever", SlipProblemKind.UNSUPPORTED_VERSION),
        ("079085001234||Trần Văn Đức|02031985|Nam|Hà Nội|01012022", SlipProblemKind.MALFORMED),
        ("\x00\x1b[2J" * 50, SlipProblemKind.MALFORMED),
    ],
)
def test_malformed_payloads(text: str, kind: SlipProblemKind) -> None:
    result = SlipSigner(KEY, "HCM-Q1-03").verify(text)
    assert isinstance(result, SlipProblem) and result.kind is kind
    assert result.detail


def test_sign_refuses_what_is_not_a_code() -> None:
    signer = SlipSigner(KEY, "HCM-Q1-03")
    for bad in ("", "7K3QX-M9T2B", CODE.lower(), CODE[:-1] + ("0" if CODE[-1] != "0" else "1")):
        with pytest.raises(ValueError):
            signer.sign(bad)


def test_station_ids_are_folded_for_the_payload() -> None:
    assert slip_station_id("demo-station") == "DEMO-STATION"
    assert slip_station_id("Công an xã Đồng Tâm") == "CONG-AN-XA-DONG-TAM"
    assert slip_station_id("hcm_q1__03 ") == "HCM-Q1-03"
    assert len(slip_station_id("X" * 99)) == STATION_MAX
    with pytest.raises(SlipError):
        slip_station_id("___")
    # The same station written two ways verifies its own slips.
    assert isinstance(
        SlipSigner(KEY, "hcm-q1-03").verify(SlipSigner(KEY, "HCM Q1 03").sign(CODE)), VerifiedSlip
    )


def test_key_sizes_are_checked() -> None:
    with pytest.raises(SlipError):
        SlipSigner(b"short", "X")
    with pytest.raises(SlipError):
        SlipSigner(KEY, "X", retired_keys=[b"short"])
