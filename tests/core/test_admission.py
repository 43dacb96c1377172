"""Admission of a read document: one catalog-driven rule, for the applicant and for each guest.

The documents are real reads from the emulated chip: a valid card, a forged one (DG13 changed
after signing) and one signed under a CSCA the trust store does not know.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from devices.card.emulated import EmulatedCardReader
from devices.card.emulated.personalise import ChipOptions, PassportProfile
from devices.card.profiles import CitizenProfile, load_profiles
from kiosk import phrases
from kiosk.admission import VIETNAM, AdmissionRule, admit
from kiosk.catalog import check_catalog, load_catalog
from kiosk.flow.effects import ReadCard, Submit
from kiosk.flow.journey import Journey
from kiosk.flow.state import CardPhase
from kiosk.flow.steps import kind_of
from kiosk.ports.card import AccessKey, CardRead, PassiveAuth

FIXTURES = Path(__file__).parent / "fixtures" / "services"
PEOPLE = load_profiles()
APPLICANT, GUEST = PEOPLE[3], PEOPLE[0]
CHIPS = {
    "valid": ChipOptions(),
    "forged": ChipOptions(alter_dg13=True),
    "unknown_chain": ChipOptions(unknown_csca=True),
}
OUTCOME = {
    "valid": PassiveAuth.VALID,
    "forged": PassiveAuth.FORGED,
    "unknown_chain": PassiveAuth.CHAIN_UNKNOWN,
}
VIETNAMESE_PASSPORT = PassportProfile("C1234567", "031128", "331120", "VNM", "NGUYEN THI HANG")
FOREIGN_PASSPORT = PassportProfile("L898902C3", "740812", "340415", "UTO", "ANNA MARIA ERIKSSON")


@pytest.fixture(scope="module")
def reader() -> EmulatedCardReader:
    return EmulatedCardReader()


def read_card(reader: EmulatedCardReader, profile: CitizenProfile, chip: str) -> CardRead:
    reader.insert(profile, CHIPS[chip])
    card = reader.read(AccessKey.from_id_number(profile.holder.id_number), with_photo=False)
    assert card.passive_auth is OUTCOME[chip]  # the emulator made the document asked for
    return card


def read_passport(reader: EmulatedCardReader, passport: PassportProfile) -> CardRead:
    reader.insert_passport(passport)
    key = AccessKey.from_mrz(passport.document_number, passport.date_of_birth, passport.date_of_expiry)
    return reader.read(key, with_photo=False)


# -- the rule on its own ------------------------------------------------------------------------------

APPLICANT_RULE = kind_of("card").admission
GUEST_RULE = kind_of("people").admission
assert APPLICANT_RULE is not None and GUEST_RULE is not None


@pytest.mark.parametrize("rule", [APPLICANT_RULE, GUEST_RULE], ids=["applicant", "guest"])
@pytest.mark.parametrize("chip", list(CHIPS))
def test_admission_matrix(reader: EmulatedCardReader, rule: AdmissionRule, chip: str) -> None:
    verdict = admit(rule, read_card(reader, APPLICANT, chip))
    assert verdict.passive_auth is OUTCOME[chip]
    if chip == "forged":
        assert not verdict.admitted and verdict.reason == phrases.ADMIT_CARD_FORGED
    else:
        assert verdict.admitted and verdict.reason is None


def test_passports(reader: EmulatedCardReader) -> None:
    vietnamese = read_passport(reader, VIETNAMESE_PASSPORT)
    foreign = read_passport(reader, FOREIGN_PASSPORT)
    assert admit(GUEST_RULE, vietnamese).admitted
    refused = admit(GUEST_RULE, foreign)
    assert not refused.admitted and refused.reason == phrases.ADMIT_FOREIGNER
    assert refused.passive_auth is PassiveAuth.VALID  # the chip is genuine; the rule says no
    own = admit(APPLICANT_RULE, vietnamese)  # the applicant's own step takes the ID card only
    assert not own.admitted and own.reason == phrases.ADMIT_CARD_ONLY
    forged = CardRead(holder=vietnamese.holder, document_kind="passport", passive_auth=PassiveAuth.FORGED)
    assert admit(GUEST_RULE, forged).reason == phrases.ADMIT_PASSPORT_FORGED


def test_forged_is_refused_whatever_the_rule_says(reader: EmulatedCardReader) -> None:
    lax = AdmissionRule(documents=("cccd",), passive_auth=tuple(PassiveAuth))
    assert not admit(lax, read_card(reader, GUEST, "forged")).admitted


@pytest.mark.parametrize("kind", ["cccd", "passport"])
def test_an_unverifiable_chip_is_refused_as_a_forged_one(reader: EmulatedCardReader, kind: str) -> None:
    """A broken EF.SOD must not pass where an altered one fails: the same 'see the officer'."""
    holder = read_card(reader, GUEST, "valid").holder
    broken = CardRead(holder=holder, document_kind=kind, passive_auth=PassiveAuth.UNVERIFIABLE)
    verdict = admit(AdmissionRule(("cccd", "passport"), passive_auth=tuple(PassiveAuth)), broken)
    assert not verdict.admitted and verdict.passive_auth is PassiveAuth.UNVERIFIABLE
    forged = phrases.ADMIT_PASSPORT_FORGED if kind == "passport" else phrases.ADMIT_CARD_FORGED
    assert verdict.reason == forged


def test_strict_rule_refuses_an_unknown_chain(reader: EmulatedCardReader) -> None:
    strict = AdmissionRule(passive_auth=(PassiveAuth.VALID,))
    verdict = admit(strict, read_card(reader, GUEST, "unknown_chain"))
    assert not verdict.admitted and verdict.reason == phrases.ADMIT_UNVERIFIED
    assert admit(AdmissionRule(nationalities=(VIETNAM,)), read_card(reader, GUEST, "valid")).admitted


# -- in the journey: the outcome is kept per person ---------------------------------------------------


def journey_for(folder: Path = FIXTURES) -> Journey:
    now = dt.datetime(2026, 11, 26, 9, 0)
    return Journey(load_catalog(folder), lambda: now)


def to_card(journey: Journey) -> None:
    journey.start()
    journey.choose_service("TEST-1")
    journey.next()
    journey.consent(True)
    assert journey.state().screen == "card"


def give(journey: Journey, card: CardRead, id_number: str) -> None:
    journey.card_inserted()
    journey.set_id_number(id_number)
    assert [type(e) for e in journey.take_effects()] == [ReadCard]
    journey.card_read(card)


def to_guests(journey: Journey, reader: EmulatedCardReader) -> None:
    to_card(journey)
    give(journey, read_card(reader, APPLICANT, "valid"), APPLICANT.holder.id_number)
    journey.confirm_identity(True)
    journey.set_value("kind", "renew")
    journey.next()
    assert journey.state().step.id == "guests"  # type: ignore[union-attr]


@pytest.mark.parametrize("chip", list(CHIPS))
def test_applicant(reader: EmulatedCardReader, chip: str) -> None:
    journey = journey_for()
    to_card(journey)
    give(journey, read_card(reader, APPLICANT, chip), APPLICANT.holder.id_number)
    state = journey.state()
    if chip == "forged":
        assert state.card.holder is None and state.screen == "card"
        assert state.card.phase is CardPhase.FAILED and state.card.message == phrases.ADMIT_CARD_FORGED
        return
    assert state.card.holder is not None and state.screen == "identity"
    assert state.card.passive_auth == OUTCOME[chip].value


@pytest.mark.parametrize("chip", list(CHIPS))
def test_guest(reader: EmulatedCardReader, chip: str) -> None:
    journey = journey_for()
    to_guests(journey, reader)
    journey.add_person()
    give(journey, read_card(reader, GUEST, chip), GUEST.holder.id_number)
    state = journey.state()
    if chip == "forged":  # never added to the guest list
        assert state.guests == [] and state.screen == "card"
        assert state.card.message == phrases.ADMIT_CARD_FORGED
        return
    (guest,) = state.guests
    assert guest["id_number"] == GUEST.holder.id_number and guest["passive_auth"] == OUTCOME[chip].value
    assert state.screen == "people"


def test_each_person_keeps_their_own_outcome(reader: EmulatedCardReader) -> None:
    journey = journey_for()
    to_card(journey)
    give(journey, read_card(reader, APPLICANT, "unknown_chain"), APPLICANT.holder.id_number)
    journey.confirm_identity(True)
    journey.set_value("kind", "renew")
    journey.next()
    for profile, chip in ((GUEST, "valid"), (PEOPLE[1], "unknown_chain")):
        journey.add_person()
        give(journey, read_card(reader, profile, chip), profile.holder.id_number)
    journey.add_person()
    journey.use_passport(True)
    journey.card_inserted()
    journey.set_passport_key(VIETNAMESE_PASSPORT.document_number, "2003-11-28", "2033-11-20")
    assert journey.take_effects()
    journey.card_read(read_passport(reader, VIETNAMESE_PASSPORT))
    journey.next()
    journey.set_value("have", ["photo", "form"])
    journey.next()
    journey.next()
    (submit,) = journey.take_effects()
    assert isinstance(submit, Submit)
    assert submit.card_check == "chain_unknown"  # the applicant's, stored with the holder data
    outcomes = [(g["id_number"], g["document_kind"], g["passive_auth"]) for g in submit.values["guests"]]
    assert outcomes == [
        (GUEST.holder.id_number, "cccd", "valid"),
        (PEOPLE[1].holder.id_number, "cccd", "chain_unknown"),
        (VIETNAMESE_PASSPORT.document_number, "passport", "valid"),
    ]


# -- the rule comes from the catalog ------------------------------------------------------------------


def catalog_with(tmp_path: Path, step_id: str, admit_line: str) -> Path:
    text = (FIXTURES / "engine_test.toml").read_text("utf-8")
    anchor = f'id = "{step_id}"\n'
    assert anchor in text
    (tmp_path / "engine_test.toml").write_text(text.replace(anchor, anchor + admit_line + "\n", 1), "utf-8")
    return tmp_path


def test_catalog_rule_decides(reader: EmulatedCardReader, tmp_path: Path) -> None:
    folder = catalog_with(tmp_path, "card", 'admit = { passive_auth = ["valid"] }')
    journey = journey_for(folder)
    to_card(journey)
    give(journey, read_card(reader, APPLICANT, "unknown_chain"), APPLICANT.holder.id_number)
    assert journey.state().card.holder is None
    assert journey.state().card.message == phrases.ADMIT_UNVERIFIED


def test_catalog_rule_keeps_the_kind_defaults_it_does_not_name(tmp_path: Path) -> None:
    folder = catalog_with(tmp_path, "guests", 'admit = { passive_auth = ["valid"] }')
    step = next(s for s in load_catalog(folder).get("TEST-1").steps if s.id == "guests")
    assert step.admit == AdmissionRule(("cccd", "passport"), (VIETNAM,), (PassiveAuth.VALID,))


@pytest.mark.parametrize(
    ("step_id", "line", "problem"),
    [
        ("card", 'admit = { passive_auth = ["forged"] }', "a chip that is forged is never accepted"),
        (
            "card",
            'admit = { passive_auth = ["unverifiable"] }',
            "a chip that is unverifiable is never accepted",
        ),
        ("card", 'admit = { documents = ["licence"] }', "admit.documents: unknown 'licence'"),
        ("guests", 'admit = { nationalities = ["Viet Nam"] }', "is not a 3-letter ICAO code"),
        ("card", 'admit = { chips = ["x"] }', "admit has unknown key 'chips'"),
        ("who", 'admit = { documents = ["cccd"] }', "only steps that read documents take 'admit'"),
    ],
)
def test_catalog_check_names_bad_rules(tmp_path: Path, step_id: str, line: str, problem: str) -> None:
    problems = check_catalog(catalog_with(tmp_path, step_id, line))[1]
    assert any(problem in p for p in problems), problems
