"""Fees: the VietQR payload byte for byte, its CRC, the parser, and what each station setup offers."""

from __future__ import annotations

import binascii
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.app.root import payment_options
from kiosk.config import load_config
from kiosk.payment import (
    PaymentOptions,
    PaymentStatus,
    crc16_ccitt_false,
    fee_line,
    format_money,
    parse_emv,
    vietqr_payload,
)
from kiosk.trackcode import display, new_code

# Published VietQR strings: the README of the vietnam-qr-pay library
# (https://github.com/xuannghia/vietnam-qr-pay, README.md, "VietQR" examples; the same strings are in its
# test/test-quick-gen-qr.spec.ts). ACB (BIN 970416), account 257678859. Real bank apps read these.
PUBLISHED_STATIC = (
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F"
)
PUBLISHED_DYNAMIC = (
    "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
    "53037045405100005802VN62150811Chuyen tien630453E6"
)

BIN, ACCOUNT = "970405", "1234567890123"
CODE = "HNR3FQM5QV"  # a valid tracking code (check character included)


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


# --- CRC -----------------------------------------------------------------------------------------


def test_crc_standard_check_value() -> None:
    # The catalogue check value of CRC-16/CCITT-FALSE (a.k.a. CRC-16/IBM-3740) for "123456789".
    assert crc16_ccitt_false(b"123456789") == 0x29B1


@given(st.binary(max_size=300))
def test_crc_agrees_with_binascii(data: bytes) -> None:
    assert crc16_ccitt_false(data) == binascii.crc_hqx(data, 0xFFFF)


def test_crc_of_empty_input_is_the_initial_value() -> None:
    assert crc16_ccitt_false(b"") == 0xFFFF


# --- Building the payload ------------------------------------------------------------------------


def test_payload_matches_the_tlv_rules_by_hand() -> None:
    # Every field written out by hand from the NAPAS / EMVCo rules, lengths counted here.
    bank = "00" + "06" + "970405" + "01" + "13" + "1234567890123"
    assert len(bank) == 27
    merchant = "00" + "10" + "A000000727" + "01" + "27" + bank + "02" + "08" + "QRIBFTTA"
    assert len(merchant) == 57
    body = (
        "00" + "02" + "01"
        + "01" + "02" + "12"
        + "38" + "57" + merchant
        + "53" + "03" + "704"
        + "54" + "05" + "50000"
        + "58" + "02" + "VN"
        + "62" + "14" + "08" + "10" + CODE
        + "63" + "04"
    )  # fmt: skip
    expected = body + f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"
    assert vietqr_payload(BIN, ACCOUNT, 50_000, CODE) == expected


def test_payload_reproduces_the_published_vectors() -> None:
    assert vietqr_payload("970416", "257678859", 10_000, "Chuyen tien") == PUBLISHED_DYNAMIC
    assert vietqr_payload("970416", "257678859", 0, "", dynamic=False) == PUBLISHED_STATIC


def test_static_payload_with_amount() -> None:
    fields = parse_emv(vietqr_payload(BIN, ACCOUNT, 25_000, CODE, dynamic=False))
    assert fields["01"] == "11"
    assert fields["54"] == "25000"


def test_crc_is_upper_case_hex() -> None:
    # Find an input whose CRC has a letter in it, then check it is written in upper case.
    for amount in range(1000, 1100):
        payload = vietqr_payload(BIN, ACCOUNT, amount, CODE)
        if any(c.isalpha() for c in payload[-4:]):
            assert payload[-4:] == payload[-4:].upper()
            assert payload[-8:-4] == "6304"
            return
    pytest.fail("no CRC with a hex letter among 100 payloads")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("97040", ACCOUNT, 1, CODE), "6 digits"),
        (("9704050", ACCOUNT, 1, CODE), "6 digits"),
        (("97040A", ACCOUNT, 1, CODE), "6 digits"),
        ((BIN, "", 1, CODE), "1 to 19"),
        ((BIN, "1" * 20, 1, CODE), "1 to 19"),
        ((BIN, "123-456", 1, CODE), "1 to 19"),
        ((BIN, ACCOUNT, 0, CODE), "more than 0"),
        ((BIN, ACCOUNT, -5, CODE), "more than 0"),
        ((BIN, ACCOUNT, 10**13, CODE), "13 digits"),
        ((BIN, ACCOUNT, 1.5, CODE), "whole number"),
        ((BIN, ACCOUNT, True, CODE), "whole number"),
        ((BIN, ACCOUNT, 1, "Lệ phí"), "ASCII"),
        ((BIN, ACCOUNT, 1, "A/B"), "ASCII"),
        ((BIN, ACCOUNT, 1, "X" * 26), "at most 25"),
    ],
)
def test_bad_inputs_are_rejected(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        vietqr_payload(*args)


def test_limits_are_accepted() -> None:
    payload = vietqr_payload(BIN, "A" * 19, 10**13 - 1, "X" * 25)
    fields = parse_emv(payload)
    assert fields["54"] == "9" * 13
    assert fields["62"] == {"08": "X" * 25}


# --- Parsing -------------------------------------------------------------------------------------


def test_parse_published_vector() -> None:
    assert parse_emv(PUBLISHED_DYNAMIC) == {
        "00": "01",
        "01": "12",
        "38": {"00": "A000000727", "01": {"00": "970416", "01": "257678859"}, "02": "QRIBFTTA"},
        "53": "704",
        "54": "10000",
        "58": "VN",
        "62": {"08": "Chuyen tien"},
        "63": "53E6",
    }
    assert "54" not in parse_emv(PUBLISHED_STATIC)


@given(
    bank=st.from_regex(r"[0-9]{6}", fullmatch=True),
    account=st.from_regex(r"[A-Za-z0-9]{1,19}", fullmatch=True),
    amount=st.integers(1, 10**13 - 1),
    reference=st.from_regex(r"[A-Za-z0-9 .\-]{0,25}", fullmatch=True),
)
def test_parse_round_trip(bank: str, account: str, amount: int, reference: str) -> None:
    fields = parse_emv(vietqr_payload(bank, account, amount, reference))
    assert fields["38"] == {"00": "A000000727", "01": {"00": bank, "01": account}, "02": "QRIBFTTA"}
    assert fields["54"] == str(amount)
    assert fields.get("62") == ({"08": reference} if reference else None)
    assert list(fields) == ["00", "01", "38", "53", "54", "58", *(["62"] if reference else []), "63"]


def test_parse_rejects_a_changed_character() -> None:
    tampered = PUBLISHED_DYNAMIC.replace("5405100005802", "5405900005802")
    with pytest.raises(ValueError, match="CRC mismatch"):
        parse_emv(tampered)


def test_parse_accepts_lower_case_crc_but_checks_it() -> None:
    assert parse_emv(PUBLISHED_STATIC[:-4] + "ae9f")["63"] == "ae9f"
    with pytest.raises(ValueError, match="CRC mismatch"):
        parse_emv(PUBLISHED_STATIC[:-4] + "AE9E")


def with_crc(body: str) -> str:
    """`body` closed with a correct field 63, so only the defect under test is wrong."""
    return body + "6304" + f"{binascii.crc_hqx((body + '6304').encode(), 0xFFFF):04X}"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "start with field 00"),
        ("hello", "start with field 00"),
        ("000102" + PUBLISHED_STATIC[6:], "start with field 00"),
        (PUBLISHED_STATIC[:-1], "field 63 claims 4 characters"),  # truncated CRC
        (PUBLISHED_STATIC[:-8], "end with field 63"),  # no CRC at all
        (with_crc("000201" + "0102" + "11" + "0102" + "12"), "appears twice"),
        (with_crc("000201" + "5800"), "claims 0 characters"),
        (with_crc("000201" + "38" + "08" + "0005A000"), "field 38: field 00 claims 5"),  # inside a template
        (with_crc("000201" + "5X02VN"), "no ID and length"),
        ("000201" + "63041234" + "5802VN", "end with field 63"),  # CRC not last
        ("000201" + "6304ZZZZ", "not hexadecimal"),
        ("000201" + "0199", "claims 99 characters"),  # length runs past the end
    ],
)
def test_parse_rejects_malformed(payload: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_emv(payload)


# --- Offers --------------------------------------------------------------------------------------


def options(**values: Any) -> PaymentOptions:
    overrides = {f"payment.{k}": v for k, v in values.items()}
    return payment_options(load_config(overrides=overrides, environ={}))


VIETQR = {"vietqr_bin": BIN, "vietqr_account": ACCOUNT, "vietqr_account_name": "CONG AN XA TA VAN"}


def test_money_format() -> None:
    assert format_money(50_000) == "50.000 đồng"
    assert format_money(1_250_000) == "1.250.000 đồng"
    assert format_money(500) == "500 đồng"
    assert format_money(50_000, "en") == "50,000 VND"


def test_default_config_offers_cash_only() -> None:
    opts = options()
    offers = opts.offers(50_000, CODE)
    assert [o.method for o in offers] == ["cash"]
    assert "50.000 đồng" in offers[0].instructions.get("vi")
    assert "Ông/Bà" in offers[0].instructions.get("vi")
    assert offers[0].instructions.get("en")
    assert opts.problems() == []


def test_all_methods_in_configured_order() -> None:
    opts = options(methods=["vietqr", "cash", "platform"], **VIETQR)
    offers = opts.offers(50_000, display(CODE))  # the grouped form is accepted too
    assert [o.method for o in offers] == ["vietqr", "cash", "platform"]
    vietqr = offers[0]
    assert vietqr.payload == vietqr_payload(BIN, ACCOUNT, 50_000, CODE)
    assert vietqr.reference == CODE
    assert (vietqr.account_name, vietqr.account_number) == ("CONG AN XA TA VAN", ACCOUNT)
    assert opts.problems() == []


def test_platform_offer_says_the_officer_gives_the_notice() -> None:
    (offer,) = options(methods=["platform"]).offers(30_000, CODE)
    assert offer.payload == ""  # offline: the kiosk has no platform QR to show
    vi = offer.instructions.get("vi")
    assert "Cán bộ" in vi and "Ông/Bà" in vi and display(CODE) in vi
    assert "officer" in offer.instructions.get("en")


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        ({}, ["payment.vietqr_bin", "payment.vietqr_account", "payment.vietqr_account_name"]),
        ({"vietqr_account": ACCOUNT}, ["payment.vietqr_bin", "payment.vietqr_account_name"]),
        ({"vietqr_bin": BIN}, ["payment.vietqr_account", "payment.vietqr_account_name"]),
        (
            {"vietqr_bin": "9704", "vietqr_account": ACCOUNT},
            ["payment.vietqr_bin", "payment.vietqr_account_name"],
        ),
        (
            {"vietqr_bin": BIN, "vietqr_account": "12 34"},
            ["payment.vietqr_account", "payment.vietqr_account_name"],
        ),
    ],
)
def test_vietqr_not_configured_is_left_out_and_reported(settings: dict[str, str], missing: list[str]) -> None:
    opts = options(methods=["cash", "vietqr"], **settings)
    assert [o.method for o in opts.offers(50_000, CODE)] == ["cash"]
    problems = opts.problems()
    named = [re.match(r"payment\.\w+", p) for p in problems]
    assert sorted(m.group() for m in named if m) == sorted(missing), problems


def test_vietqr_without_account_name_is_offered_but_reported() -> None:
    opts = options(methods=["vietqr"], vietqr_bin=BIN, vietqr_account=ACCOUNT)
    assert [o.method for o in opts.offers(50_000, CODE)] == ["vietqr"]
    assert len(opts.problems()) == 1 and "payment.vietqr_account_name" in opts.problems()[0]


def test_vietqr_config_unused_when_not_listed() -> None:
    opts = options(methods=["cash"], vietqr_bin="bad")
    assert opts.problems() == []


def test_no_methods_is_a_problem() -> None:
    opts = PaymentOptions((), "", "", "")
    assert opts.offers(50_000, CODE) == []
    assert "payment.methods" in opts.problems()[0]


def test_no_fee_no_offers() -> None:
    opts = options(methods=["cash", "platform", "vietqr"], **VIETQR)
    assert opts.offers(0, CODE) == []


def test_offers_reject_bad_input() -> None:
    opts = options(methods=["cash"])
    with pytest.raises(ValueError, match="tracking code"):
        opts.offers(50_000, "HNR3FQM5QW")  # one character off: the check fails
    with pytest.raises(ValueError, match="negative"):
        opts.offers(-1, CODE)


def test_every_offer_is_bilingual_and_polite() -> None:
    for offer in options(methods=["cash", "platform", "vietqr"], **VIETQR).offers(75_000, CODE):
        assert offer.title.get("vi") and offer.title.get("en")
        assert "Ông/Bà" in offer.instructions.get("vi")
        assert "bạn" not in offer.instructions.get("vi").lower()


# --- Receipt line ---------------------------------------------------------------------------------


def test_fee_line() -> None:
    # The value only: the receipt prints it after its own label "Lệ phí" (it once said it twice).
    assert fee_line(50_000, PaymentStatus.UNPAID).get("vi") == "50.000 đồng — chưa nộp"
    assert fee_line(50_000, PaymentStatus.PAID).get("vi") == "50.000 đồng — đã nộp"
    assert fee_line(50_000, PaymentStatus.NOT_REQUIRED).get("vi") == "Không thu lệ phí"
    assert fee_line(0, PaymentStatus.UNPAID).get("vi") == "Không thu lệ phí"
    assert fee_line(50_000, PaymentStatus.PAID).get("en") == "50,000 VND — paid"
    with pytest.raises(ValueError):
        fee_line(-1, PaymentStatus.UNPAID)


def test_tracking_codes_always_fit_the_reference() -> None:
    for _ in range(50):
        code = new_code()
        assert parse_emv(vietqr_payload(BIN, ACCOUNT, 1, code))["62"] == {"08": code}
