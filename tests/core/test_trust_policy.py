"""The station's trust policy (`[trust]`): which chip checks it lets through, for the applicant and
for guests; what it can never let through; the note the officer gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.card.emulated import EmulatedCardReader
from devices.card.emulated.personalise import ChipOptions
from devices.card.profiles import load_profiles
from kiosk import phrases
from kiosk.admission import AdmissionRule, TrustPolicy, admit, officer_note
from kiosk.app.root import trust_policy
from kiosk.config import ConfigError, load_config
from kiosk.ports.card import AccessKey, CardRead, PassiveAuth

PERSON = load_profiles()[0]
VALID_ONLY = TrustPolicy(applicant=(PassiveAuth.VALID,), guests=(PassiveAuth.VALID,))


def _read(**options: bool) -> CardRead:
    reader = EmulatedCardReader()
    reader.insert(PERSON, ChipOptions(**options))  # type: ignore[arg-type]
    return reader.read(AccessKey.from_id_number(PERSON.holder.id_number), with_photo=False)


@pytest.fixture(scope="module")
def unknown_chain() -> CardRead:
    read = _read(unknown_csca=True)
    assert read.passive_auth is PassiveAuth.CHAIN_UNKNOWN
    return read


def test_default_accepts_chain_unknown_with_a_note_to_the_officer(unknown_chain: CardRead) -> None:
    verdict = admit(AdmissionRule(), unknown_chain)
    assert verdict.admitted
    assert "check the document by eye" in verdict.officer_note
    assert admit(AdmissionRule(), _read()).officer_note == ""  # VALID: nothing to add


def test_valid_only_refuses_chain_unknown(unknown_chain: CardRead) -> None:
    verdict = admit(AdmissionRule(), unknown_chain, VALID_ONLY)
    assert (verdict.admitted, verdict.reason) == (False, phrases.ADMIT_UNVERIFIED)
    assert verdict.passive_auth is PassiveAuth.CHAIN_UNKNOWN  # kept for the officer either way
    assert admit(AdmissionRule(), _read(), VALID_ONLY).admitted


def test_applicant_and_guests_have_their_own_policy(unknown_chain: CardRead) -> None:
    policy = TrustPolicy(applicant=(PassiveAuth.VALID,))
    assert not admit(AdmissionRule(), unknown_chain, policy).admitted
    assert admit(AdmissionRule(), unknown_chain, policy, guest=True).admitted


def test_the_catalog_can_narrow_the_station_policy(unknown_chain: CardRead) -> None:
    strict = AdmissionRule(passive_auth=(PassiveAuth.VALID,))
    assert not admit(strict, unknown_chain).admitted


def test_a_forged_chip_is_refused_whatever_the_policy() -> None:
    forged = _read(alter_dg13=True)
    assert forged.passive_auth is PassiveAuth.FORGED
    verdict = admit(AdmissionRule(passive_auth=tuple(PassiveAuth)), forged)
    assert (verdict.admitted, verdict.reason) == (False, phrases.ADMIT_CARD_FORGED)


@pytest.mark.parametrize("outcome", [PassiveAuth.FORGED, PassiveAuth.UNVERIFIABLE])
def test_a_policy_cannot_accept_forged_or_unverifiable(outcome: PassiveAuth) -> None:
    with pytest.raises(ValueError, match="cannot accept"):
        TrustPolicy(applicant=(outcome,))


def test_config_keys_make_the_policy(tmp_path: Path) -> None:
    toml = tmp_path / "kiosk.toml"
    toml.write_text('[trust]\napplicant = ["valid"]\n', "utf-8")
    policy = trust_policy(load_config(toml, environ={}))
    assert policy == TrustPolicy(applicant=(PassiveAuth.VALID,))
    assert trust_policy(load_config(environ={})) == TrustPolicy()


@pytest.mark.parametrize("value", ['["forged"]', '["unverifiable", "valid"]', "[]"])
def test_config_refuses_what_no_station_may_accept(tmp_path: Path, value: str) -> None:
    toml = tmp_path / "kiosk.toml"
    toml.write_text(f"[trust]\nguests = {value}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"trust\.guests"):
        load_config(toml, environ={})


def test_officer_note_of_a_stored_outcome() -> None:
    assert officer_note("chain_unknown").startswith("Chip data signed")
    assert officer_note("valid") == officer_note("no such outcome") == ""
