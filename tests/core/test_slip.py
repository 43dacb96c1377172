"""The signed slip QR: round trip through a real QR image, tampering, other stations, key files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import qrcode
from qrcode.util import MODE_ALPHA_NUM

from kiosk.slip import (
    STATION_MAX,
    SlipError,
    SlipProblem,
    SlipProblemKind,
    SlipSigner,
    VerifiedSlip,
    key_id,
    looks_like_slip,
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
    assert payload.startswith("KS1.HCM-Q1-03." + CODE + ".")
    assert signer.verify(payload) == VerifiedSlip(CODE, "HCM-Q1-03", key_id(KEY), 1)
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
    assert qr.version <= 3  # what the format is sized for (55 characters at most)
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


def test_every_single_character_change_is_rejected() -> None:
    signer = SlipSigner(KEY, "HCM-Q1-03")
    payload = signer.sign(CODE)
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


def test_other_stations_and_keys() -> None:
    ours = SlipSigner(KEY, "HCM-Q1-03")
    assert key_id(KEY) != key_id(OTHER_KEY)  # fixed keys: the test is deterministic
    same_station_other_key = SlipSigner(OTHER_KEY, "HCM-Q1-03").sign(CODE)
    result = ours.verify(same_station_other_key)
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.UNKNOWN_KEY
    other_station = SlipSigner(KEY, "HN-BD-01").sign(CODE)
    result = ours.verify(other_station)
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.WRONG_STATION
    # Another key whose id is made to look like ours: the MAC still fails.
    forged = same_station_other_key.replace(f".{key_id(OTHER_KEY)}.", f".{key_id(KEY)}.")
    result = ours.verify(forged)
    assert isinstance(result, SlipProblem) and result.kind is SlipProblemKind.FORGED


def test_retired_keys_still_verify_but_never_sign() -> None:
    old_payload = SlipSigner(OTHER_KEY, "HCM-Q1-03").sign(CODE)
    rotated = SlipSigner(KEY, "HCM-Q1-03", retired_keys=[OTHER_KEY])
    assert isinstance(rotated.verify(old_payload), VerifiedSlip)
    assert f".{key_id(KEY)}." in rotated.sign(CODE)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", SlipProblemKind.MALFORMED),
        ("KS1.", SlipProblemKind.MALFORMED),
        ("KS1.HCM-Q1-03." + CODE, SlipProblemKind.MALFORMED),
        ("KS1.HCM-Q1-03." + CODE + ".AB.0123456789ABCDEF.EXTRA", SlipProblemKind.MALFORMED),
        ("KS1.HCM_Q1_03." + CODE + ".AB.0123456789ABCDEF", SlipProblemKind.MALFORMED),
        ("KS1.HCM-Q1-03." + CODE + ".AB.0123456789ABCDEU", SlipProblemKind.MALFORMED),  # U: not Crockford
        ("KS2.HCM-Q1-03." + CODE + ".AB.0123456789ABCDEF", SlipProblemKind.UNSUPPORTED_VERSION),
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
