"""A DG1 whose MRZ check digits are wrong: the document is refused, in words and by exit code."""

from __future__ import annotations

import argparse
import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest

from devices.card.emulated.personalise import ChipOptions, PassportProfile
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.icao.lds.mrz import parse_mrz
from devices.card.profiles import CitizenProfile
from kiosk import phrases
from kiosk.app.cli_card import EXIT_CARD_ERROR, add_card_commands
from kiosk.ports.card import AccessKey, CardError, CardErrorReason

SPECIMEN_TD3 = (  # ICAO 9303-4 Appendix B specimen (its check digits add up)
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"
)


def test_specimen_mrz_checks_and_each_wrong_digit_is_named() -> None:
    assert parse_mrz(SPECIMEN_TD3).failed_checks == ()
    line2 = SPECIMEN_TD3[44:]
    for at, name in ((9, "document number"), (19, "date of birth"), (27, "date of expiry")):
        wrong = SPECIMEN_TD3[:44] + line2[:at] + str((int(line2[at]) + 1) % 10) + line2[at + 1 :]
        assert name in parse_mrz(wrong).failed_checks
    composite = SPECIMEN_TD3[:-1] + "1"
    assert parse_mrz(composite).failed_checks == ("composite",)


def test_cccd_with_a_wrong_check_digit_is_refused(citizens: list[CitizenProfile]) -> None:
    reader = EmulatedCardReader()
    reader.insert(citizens[0], ChipOptions(wrong_check_digit=True))
    with pytest.raises(CardError) as info:
        reader.read(AccessKey.from_id_number(citizens[0].holder.id_number))
    assert info.value.reason is CardErrorReason.MRZ_INVALID
    assert "date of birth" in info.value.detail
    message = phrases.CARD_ERRORS[CardErrorReason.MRZ_INVALID]
    assert "gặp cán bộ" in message.get("vi") and "officer" in message.get("en")


def test_passport_with_a_wrong_check_digit_is_refused(guest_passport: PassportProfile) -> None:
    reader = EmulatedCardReader()
    reader.insert_passport(guest_passport, ChipOptions(wrong_check_digit=True))
    with pytest.raises(CardError) as info:
        reader.read(AccessKey.from_mrz("L898902C3", "740812", "120415"))
    assert info.value.reason is CardErrorReason.MRZ_INVALID


def test_card_read_cli_exits_non_zero(citizens: list[CitizenProfile]) -> None:
    parser = argparse.ArgumentParser(prog="kiosk")
    add_card_commands(parser.add_subparsers(dest="command", required=True))
    id_number = citizens[0].holder.id_number
    argv = ["card", "read", "--emulated", "--id", id_number, "--wrong-check-digit"]
    args = parser.parse_args([*argv, "--json"])
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = args.func(args)
    assert code == EXIT_CARD_ERROR
    assert json.loads(out.getvalue())["error"] == "mrz_invalid"
    args = parser.parse_args(argv)
    with redirect_stdout(io.StringIO()), redirect_stderr(err := io.StringIO()):
        assert args.func(args) == EXIT_CARD_ERROR
    assert "see the officer" in err.getvalue() and "date of birth" in err.getvalue()
