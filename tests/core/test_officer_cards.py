"""Officers' own chip cards on a real database and the emulated chip: the number stored only as a
token and sealed, one card per officer, a placed card recognised by its chip (PACE with each
officer's CAN), a citizen's card not, forged or copied chips and disabled accounts refused, and
every step in the audit log."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from db.audit import SqlAuditLog
from db.engine import make_engine
from db.migrate import upgrade
from db.officers import SqlOfficers
from devices.card.emulated.personalise import ChipOptions
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.profiles import CitizenProfile, load_profiles
from kiosk.audit import AuditLog
from kiosk.blind_index import BlindIndex
from kiosk.officer_cards import OfficerCards, Outcome
from kiosk.officers import Actor, OfficerProblem, Officers
from kiosk.permissions import Role
from kiosk.sealing import Sealer

T0 = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
CLI = Actor.command_line("root")
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="module")
def people() -> dict[str, CitizenProfile]:
    return {p.holder.full_name: p for p in load_profiles()}


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "k.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def desk(db_file: Path) -> tuple[Officers, OfficerCards, AuditLog]:
    engine = make_engine(f"sqlite:///{db_file}")
    audit = AuditLog(SqlAuditLog(engine), os.urandom(32), lambda: T0)
    officers = Officers(SqlOfficers(engine), audit, lambda: T0, FAST)
    officers.add(CLI, "CB001", "Nguyễn Thị Hằng", Role.OFFICER, "472915")
    officers.add(CLI, "CB002", "Trần Văn Đức", Role.OFFICER, "581036")
    cards = OfficerCards(SqlOfficers(engine), Sealer(os.urandom(32)), BlindIndex(os.urandom(32)), audit)
    return officers, cards, audit


def placed(profile: CitizenProfile, options: ChipOptions | None = None) -> EmulatedCardReader:
    reader = EmulatedCardReader()
    reader.insert(profile, options)
    return reader


def test_a_card_is_stored_only_as_a_token_and_sealed(
    desk: tuple[Officers, OfficerCards, AuditLog], db_file: Path, people: dict[str, CitizenProfile]
) -> None:
    officers, cards, audit = desk
    number = people["Nguyễn Thị Hằng"].holder.id_number
    cards.set_card(CLI, "CB001", number)
    stored = officers.get("CB001")
    assert stored is not None and stored.has_card
    wal = db_file.with_name(db_file.name + "-wal")
    raw = db_file.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert number.encode() not in raw and number[-6:].encode() not in raw
    assert [(r.action, r.detail) for r in audit.newest(1)] == [("officer_set_card", "CB001 set")]

    with pytest.raises(OfficerProblem, match="another officer"):
        cards.set_card(CLI, "CB002", f" {number} ")  # the same card, spaced: still the same number
    with pytest.raises(OfficerProblem, match="12 digits"):
        cards.set_card(CLI, "CB002", "123456789")  # an old 9-digit CMND has no chip
    with pytest.raises(OfficerProblem, match="no officer"):
        cards.set_card(CLI, "NOBODY", number)
    cards.set_card(CLI, "CB001", None)
    after = officers.get("CB001")
    assert after is not None and not after.has_card
    cards.set_card(CLI, "CB002", number)  # free again
    assert audit.newest(2)[1].detail == "CB001 removed"


def test_only_a_station_head_registers_cards(
    desk: tuple[Officers, OfficerCards, AuditLog], people: dict[str, CitizenProfile]
) -> None:
    officers, cards, audit = desk
    clerk = officers.get("CB002")
    assert clerk is not None
    with pytest.raises(OfficerProblem, match="may not manage"):
        cards.set_card(Actor.officer(clerk), "CB002", people["Trần Văn Đức"].holder.id_number)
    assert audit.newest(1)[0].action == "refused"
    stored = officers.get("CB002")
    assert stored is not None and not stored.has_card


def test_an_officers_card_is_recognised_and_a_citizens_is_not(
    desk: tuple[Officers, OfficerCards, AuditLog], people: dict[str, CitizenProfile]
) -> None:
    _officers, cards, audit = desk
    citizen = placed(people["Giàng Thị Mỷ"])
    assert cards.identify(citizen).outcome == Outcome.NO_CARDS  # nothing registered: nothing tried
    cards.set_card(CLI, "CB001", people["Nguyễn Thị Hằng"].holder.id_number)
    cards.set_card(CLI, "CB002", people["Trần Văn Đức"].holder.id_number)
    rows = audit.newest(1)[0].seq

    match = cards.identify(placed(people["Trần Văn Đức"]))
    assert match.outcome == Outcome.OFFICER and match.officer is not None
    assert match.officer.officer_id == "CB002"
    assert (audit.newest(1)[0].actor, audit.newest(1)[0].action) == ("CB002", "card_placed")

    assert cards.identify(citizen).outcome == Outcome.NOT_AN_OFFICER
    assert citizen.last_outcome is None  # the reader forgot what it read
    assert audit.newest(1)[0].seq == rows + 1  # a citizen's card is no officer's action: nothing written

    citizen.remove()
    assert cards.identify(citizen).outcome == Outcome.UNREADABLE


def test_six_digits_in_common_is_not_enough(
    desk: tuple[Officers, OfficerCards, AuditLog], people: dict[str, CitizenProfile]
) -> None:
    # An officer whose number ends like a citizen's: the citizen's chip opens with that CAN,
    # but its full number is not the officer's: not recognised.
    _officers, cards, _audit = desk
    citizen = people["Lò Văn Ún"].holder.id_number
    cards.set_card(CLI, "CB001", "079" + "123" + citizen[-6:])
    assert cards.identify(placed(people["Lò Văn Ún"])).outcome == Outcome.NOT_AN_OFFICER


def test_forged_copied_and_disabled_are_refused(
    desk: tuple[Officers, OfficerCards, AuditLog], people: dict[str, CitizenProfile]
) -> None:
    officers, cards, audit = desk
    hang = people["Nguyễn Thị Hằng"]
    number = hang.holder.id_number
    # The emulator's forgery changes the number's last digit after signing: a card claiming to be
    # CB001's. Its chip opens with the real number's CAN (CB002 here shares those six digits).
    claimed = number[:-1] + str((int(number[-1]) + 1) % 10)
    cards.set_card(CLI, "CB001", claimed)
    cards.set_card(CLI, "CB002", "999999" + number[-6:])
    forged = cards.identify(placed(hang, ChipOptions(alter_dg13=True)))
    assert (forged.outcome, forged.detail) == (Outcome.REFUSED, "card data forged")
    assert (audit.newest(1)[0].action, audit.newest(1)[0].detail) == (
        "card_refused",
        "kiosk: card data forged",
    )
    cards.set_card(CLI, "CB002", None)
    cards.set_card(CLI, "CB001", number)
    clone = cards.identify(placed(hang, ChipOptions(clone=True)))
    assert clone.outcome == Outcome.REFUSED and "copied" in clone.detail

    officers.set_active(CLI, "CB001", False)
    # A disabled officer's CAN is not even tried.
    assert cards.identify(placed(hang)).outcome == Outcome.NO_CARDS
