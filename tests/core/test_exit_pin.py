"""The PIN that leaves kiosk mode: Argon2id only, wrong guesses slowed down, never a crash."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.exit_pin import FIRST_LOCK_S, FREE_TRIES, MAX_LOCK_S, ExitPin, PinOutcome, hash_pin

PIN_HASH = hash_pin("2468")


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_right_pin_opens_and_wrong_ones_do_not() -> None:
    gate = ExitPin(PIN_HASH, FakeMonotonic())
    assert gate.try_pin("1357").outcome is PinOutcome.WRONG
    assert gate.try_pin("2468x").outcome is PinOutcome.WRONG  # FREE_TRIES - 1 wrong: not locked yet
    assert gate.try_pin("2468").outcome is PinOutcome.OPEN


def test_wrong_pins_lock_the_pad_longer_each_time() -> None:
    clock = FakeMonotonic()
    gate = ExitPin(PIN_HASH, clock)
    answers = [gate.try_pin("0000") for _ in range(FREE_TRIES)]
    assert [a.outcome for a in answers] == [PinOutcome.WRONG] * FREE_TRIES
    assert answers[-1].wait_s == FIRST_LOCK_S
    locked = gate.try_pin("2468")  # even the right PIN is not checked while locked
    assert locked.outcome is PinOutcome.LOCKED and locked.wait_s == FIRST_LOCK_S
    clock.now += FIRST_LOCK_S
    again = gate.try_pin("1111")
    assert again.outcome is PinOutcome.WRONG and again.wait_s == 2 * FIRST_LOCK_S
    for _ in range(5):  # 120, 240, 480, then capped
        clock.now += MAX_LOCK_S
        gate.try_pin("1111")
    assert gate.wait_s() == MAX_LOCK_S
    clock.now += MAX_LOCK_S
    assert gate.try_pin("2468").outcome is PinOutcome.OPEN
    assert gate.try_pin("0000").wait_s == 0  # the count starts again after the right PIN


def test_no_hash_means_the_screen_cannot_be_left() -> None:
    assert ExitPin("").try_pin("2468").outcome is PinOutcome.NOT_SET


def test_a_damaged_hash_refuses_every_pin() -> None:
    assert ExitPin("$argon2id$v=19$m=65536,t=3,p=4$garbage").try_pin("2468").outcome is PinOutcome.WRONG


def test_hash_pin_takes_digits_only() -> None:
    for bad in ("123", "12a4", "1234567890123", " 1234"):
        with pytest.raises(ValueError, match="4 to 12 digits"):
            hash_pin(bad)
    assert PIN_HASH.startswith("$argon2id$")


def test_exit_pin_hash_config_key() -> None:
    assert load_config(overrides={"security.exit_pin_hash": PIN_HASH}).security.exit_pin_hash == PIN_HASH
    with pytest.raises(ConfigError, match=r"security\.exit_pin_hash"):
        load_config(overrides={"security.exit_pin_hash": "2468"})  # a PIN in the clear is refused


def test_kiosk_pin_hash_prints_a_hash_that_opens(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from kiosk.app.cli import main

    answers = iter(["135790", "135790"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    assert main(["pin", "hash"]) == 0
    printed = capsys.readouterr().out.strip()
    assert "135790" not in printed and ExitPin(printed).try_pin("135790").outcome is PinOutcome.OPEN
    answers = iter(["1357", "2468"])
    assert main(["pin", "hash"]) == 1 and "differ" in capsys.readouterr().err
    answers = iter(["12ab", "12ab"])
    assert main(["pin", "hash"]) == 1 and "4 to 12 digits" in capsys.readouterr().err
