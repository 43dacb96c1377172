"""Fees: how a citizen may pay, the VietQR transfer code, and the fee line on the receipt.

A station accepts fees in one or more ways, in the order set by ``payment.methods``:

- ``cash``: paid to the receiving officer, who issues the receipt;
- ``platform``: the national payment platform (Cổng Dịch vụ công) issues a payment notice with a QR or
  link for the dossier. The kiosk works offline and cannot fetch it, so it tells the citizen that the
  officer will hand it over, and that instruction is printed;
- ``vietqr``: a dynamic VietQR bank-transfer code for the station's fee collection account, with the
  amount and the tracking code as transfer content, reconciled by the officer later.

VietQR follows the NAPAS "QR Switching" technical specification (v1.5.2), itself the EMVCo
Merchant-Presented Mode QR specification (EMV QRCPS-MPM) with Vietnamese values. Every data object is
ID (2 digits) + length (2 digits) + value; ID 38 is the NAPAS merchant account template, and the payload
ends with ID 63, a CRC-16/CCITT-FALSE over everything before its value.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Literal

from kiosk import phrases
from kiosk.text import LANGUAGES, Text
from kiosk.trackcode import display, normalize

# --- EMVCo / NAPAS constants -------------------------------------------------------------------------

PAYLOAD_FORMAT = "01"  # ID 00
STATIC, DYNAMIC = "11", "12"  # ID 01, point of initiation: reusable code / one transaction
NAPAS_GUID = "A000000727"  # ID 38.00: NAPAS as the payment network
SERVICE_TO_ACCOUNT = "QRIBFTTA"  # ID 38.02: inter-bank fund transfer 24/7 to an account
CURRENCY_VND = "704"  # ID 53, ISO 4217 numeric
COUNTRY_VN = "VN"  # ID 58, ISO 3166-1 alpha-2
MAX_REFERENCE = 25  # ID 62.08, purpose of transaction: "ans", up to 25 characters
MAX_AMOUNT_DIGITS = 13  # ID 54: up to 13 characters; whole đồng, so no decimal point

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[A-Za-z0-9]{1,19}")
# Letters, digits, space, hyphen and dot: characters every bank app keeps in the transfer content.
_REFERENCE = re.compile(r"[A-Za-z0-9 .\-]*")

# Templates whose value is itself a list of data objects (EMV QRCPS-MPM 4.7–4.9, 5.x).
_TEMPLATES = frozenset({f"{i:02d}" for i in (*range(26, 52), 62, 64, *range(80, 100))})

EmvData = dict[str, "str | EmvData"]


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"EMV field {tag} is {len(value)} characters long; the limit is 99")
    return f"{tag}{len(value):02d}{value}"


def _with_crc(body: str) -> str:
    """Append ID 63: the CRC covers the whole string including the "6304" that introduces it."""
    head = body + "6304"
    return f"{head}{crc16_ccitt_false(head.encode('utf-8')):04X}"


def vietqr_payload(bin: str, account: str, amount: int, reference: str, *, dynamic: bool = True) -> str:
    """The NAPAS VietQR string for a transfer to `account` at the bank with acquirer BIN `bin`.

    A dynamic code (point of initiation "12") is for one payment and needs an amount. A static code
    ("11") may leave the amount out (amount 0) and the payer types it. An empty reference leaves out
    the additional data template (ID 62).
    """
    if not isinstance(bin, str) or not _BIN.fullmatch(bin):
        raise ValueError(f"the bank BIN must be exactly 6 digits, got {bin!r}")
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        raise ValueError(f"the account number must be 1 to 19 letters or digits, got {account!r}")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"the amount must be a whole number of đồng, got {amount!r}")
    if amount < 0 or (amount == 0 and dynamic):
        raise ValueError(f"the amount must be more than 0 đồng, got {amount}")
    if len(str(amount)) > MAX_AMOUNT_DIGITS:
        raise ValueError(f"the amount must have at most {MAX_AMOUNT_DIGITS} digits, got {amount}")
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        raise ValueError(
            f"the reference may hold only ASCII letters, digits, space, '-' and '.', got {reference!r}"
        )
    if len(reference) > MAX_REFERENCE:
        raise ValueError(f"the reference must be at most {MAX_REFERENCE} characters, got {len(reference)}")

    beneficiary = _tlv("00", bin) + _tlv("01", account)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TO_ACCOUNT)
    body = _tlv("00", PAYLOAD_FORMAT) + _tlv("01", DYNAMIC if dynamic else STATIC) + _tlv("38", merchant)
    body += _tlv("53", CURRENCY_VND)
    if amount:
        body += _tlv("54", str(amount))
    body += _tlv("58", COUNTRY_VN)
    if reference:
        body += _tlv("62", _tlv("08", reference))
    return _with_crc(body)


def _split(text: str, where: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        tag, length = text[pos : pos + 2], text[pos + 2 : pos + 4]
        if len(tag) < 2 or not tag.isdigit() or len(length) < 2 or not length.isdigit():
            raise ValueError(f"{where}: no ID and length at position {pos}")
        end = pos + 4 + int(length)
        if int(length) == 0 or end > len(text):
            raise ValueError(f"{where}: field {tag} claims {int(length)} characters, which are not there")
        if tag in fields:
            raise ValueError(f"{where}: field {tag} appears twice")
        fields[tag] = text[pos + 4 : end]
        pos = end
    return fields


def parse_emv(payload: str) -> EmvData:
    """Split an EMVCo merchant-presented QR string into {ID: value}, checking its CRC.

    Templates (26–51, 62, 64, 80–99) become nested dicts; inside a NAPAS template (GUID A000000727)
    the beneficiary organisation (sub-field 01) is split too. Raises ValueError on a malformed string
    or a wrong CRC.
    """
    if not payload.startswith("000201"):
        raise ValueError("not an EMVCo QR payload: it must start with field 00 = '01'")
    top = _split(payload, "payload")
    if list(top)[-1] != "63" or len(top["63"]) != 4:
        raise ValueError("the payload must end with field 63, a 4-digit CRC")
    expected = crc16_ccitt_false(payload[:-4].encode("utf-8"))
    try:
        found = int(top["63"], 16)
    except ValueError:
        raise ValueError(f"the CRC {top['63']!r} is not hexadecimal") from None
    if found != expected:
        raise ValueError(f"CRC mismatch: the payload says {top['63']}, its content gives {expected:04X}")
    result: EmvData = {}
    for tag, value in top.items():
        if tag not in _TEMPLATES:
            result[tag] = value
            continue
        sub: EmvData = dict(_split(value, f"field {tag}"))
        if sub.get("00") == NAPAS_GUID and isinstance(sub.get("01"), str):
            sub["01"] = dict(_split(str(sub["01"]), f"field {tag}.01"))
        result[tag] = sub
    return result


# --- What the citizen is offered ---------------------------------------------------------------------

Method = Literal["cash", "platform", "vietqr"]


def format_money(amount: int, language: str = "vi") -> str:
    """ "50.000 đồng" (ux.md); in English "50,000 VND"."""
    if language == "en":
        return f"{amount:,} VND"
    return f"{amount:,}".replace(",", ".") + " đồng"


def _money(amount: int) -> Text:
    """The amount as each language writes money, to fill a phrase's {amount}."""
    return Text({language: format_money(amount, language) for language in LANGUAGES})


@dataclass(frozen=True)
class PaymentOffer:
    method: Method
    title: Text
    instructions: Text  # plain sentences, also printed on the slip
    amount: int
    reference: str = ""  # VietQR: the transfer content, i.e. the tracking code
    payload: str = ""  # VietQR: the string to draw as a QR code
    account_name: str = ""
    account_number: str = ""


class PaymentStatus(enum.Enum):
    UNPAID = "unpaid"
    PAID = "paid"
    NOT_REQUIRED = "not_required"


def fee_line(amount: int, status: PaymentStatus) -> Text:
    """The receipt's fee value (after its label "Lệ phí"): "50.000 đồng — chưa nộp", "— đã nộp", or
    "Không thu lệ phí"."""
    if amount < 0:
        raise ValueError(f"a fee cannot be negative: {amount}")
    if amount == 0 or status is PaymentStatus.NOT_REQUIRED:
        return phrases.FREE
    line = phrases.FEE_PAID if status is PaymentStatus.PAID else phrases.FEE_UNPAID
    return line.format(amount=_money(amount))


def fee_text(amount: int) -> Text:
    """The fee before it is due (intro, review): "50.000 đồng", or "Không thu lệ phí"."""
    if amount < 0:
        raise ValueError(f"a fee cannot be negative: {amount}")
    return phrases.FREE if amount == 0 else _money(amount)


@dataclass(frozen=True)
class PaymentOptions:
    """The ways this station accepts fees (built from the ``payment.*`` config keys by the root)."""

    methods: tuple[Method, ...]
    vietqr_bin: str
    vietqr_account: str
    vietqr_account_name: str

    def _vietqr_ready(self) -> bool:
        return bool(_BIN.fullmatch(self.vietqr_bin) and _ACCOUNT.fullmatch(self.vietqr_account))

    def problems(self) -> list[str]:
        """What is wrong with the payment settings, for ``kiosk doctor``; empty when all is well."""
        found: list[str] = []
        if not self.methods:
            found.append("payment.methods is empty: citizens would not be told how to pay a fee")
        if "vietqr" in self.methods:
            if not self.vietqr_bin:
                found.append("payment.vietqr_bin is not set (VietQR is listed in payment.methods)")
            elif not _BIN.fullmatch(self.vietqr_bin):
                found.append(f"payment.vietqr_bin must be 6 digits, not {self.vietqr_bin!r}")
            if not self.vietqr_account:
                found.append("payment.vietqr_account is not set (VietQR is listed in payment.methods)")
            elif not _ACCOUNT.fullmatch(self.vietqr_account):
                found.append(
                    f"payment.vietqr_account must be 1 to 19 letters or digits, not {self.vietqr_account!r}"
                )
            if not self.vietqr_account_name:
                found.append("payment.vietqr_account_name is not set: citizens cannot check who they pay")
        return found

    def offers(self, amount: int, tracking_code: str) -> list[PaymentOffer]:
        """The ways to pay `amount` đồng for the dossier `tracking_code`, in the configured order.

        No fee, no offers. VietQR is left out while it is not configured (see problems()).
        """
        if amount < 0:
            raise ValueError(f"a fee cannot be negative: {amount}")
        if amount == 0:
            return []
        code = normalize(tracking_code)
        if code is None:
            raise ValueError(f"not a tracking code: {tracking_code!r}")
        result: list[PaymentOffer] = []
        for method in self.methods:
            if method == "cash":
                result.append(_cash(amount))
            elif method == "platform":
                result.append(_platform(amount, code))
            elif method == "vietqr" and self._vietqr_ready():
                result.append(self._vietqr(amount, code))
        return result

    def _vietqr(self, amount: int, code: str) -> PaymentOffer:
        return PaymentOffer(
            method="vietqr",
            title=phrases.PAY_VIETQR,
            instructions=phrases.PAY_VIETQR_HOW.format(amount=_money(amount)),
            amount=amount,
            reference=code,
            payload=vietqr_payload(self.vietqr_bin, self.vietqr_account, amount, code),
            account_name=self.vietqr_account_name,
            account_number=self.vietqr_account,
        )


def _cash(amount: int) -> PaymentOffer:
    return PaymentOffer(
        method="cash",
        title=phrases.PAY_CASH,
        instructions=phrases.PAY_CASH_HOW.format(amount=_money(amount)),
        amount=amount,
    )


def _platform(amount: int, code: str) -> PaymentOffer:
    return PaymentOffer(
        method="platform",
        title=phrases.PAY_PLATFORM,
        instructions=phrases.PAY_PLATFORM_HOW.format(code=display(code)),
        amount=amount,
        reference=code,
    )
