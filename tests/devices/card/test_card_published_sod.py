"""Passive authentication of a published EF.SOD that this project did not make: the BSI TR-03105-5
reference passport (see data/bsi_tr03105_5/README.md). RSA-PSS, signed by the BSI's test DS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from devices.card.icao.lds.sod import parse_sod
from devices.card.icao.passive_auth import TrustStore, verify
from kiosk.ports.card import PassiveAuth

DATA = Path(__file__).parent / "data" / "bsi_tr03105_5"


@pytest.fixture(scope="module")
def sod() -> bytes:
    return (DATA / "EF_SOD.bin").read_bytes()


@pytest.fixture(scope="module")
def groups() -> dict[int, bytes]:
    return {1: (DATA / "EF_DG1.bin").read_bytes(), 14: (DATA / "EF_DG14.bin").read_bytes()}


def test_parsed(sod: bytes) -> None:
    security = parse_sod(sod)
    assert security.hash_algorithm == "sha256" and sorted(security.hashes) == [1, 2, 3, 4, 14]
    signer = security.signer
    assert (signer.signature_algorithm, signer.pss_hash_algorithm, signer.pss_salt_length) == (
        "rsassa_pss", "sha256", 32,
    )  # fmt: skip
    assert signer.signing_time is None


def test_hashes_and_rsa_pss_signature_hold_chain_unknown(sod: bytes, groups: dict[int, bytes]) -> None:
    report = verify(sod, groups, TrustStore([]), dt.date(2014, 1, 15))
    assert report.outcome is PassiveAuth.CHAIN_UNKNOWN
    assert report.detail == "no CSCA for CN=HJP PB CS,OU=Country Signer,O=HJP Consulting,C=DE"


def test_issued_outside_the_ds_validity_is_forged(sod: bytes, groups: dict[int, bytes]) -> None:
    report = verify(sod, groups, TrustStore([]), dt.date(2016, 6, 1))
    assert report.outcome is PassiveAuth.FORGED
    assert report.detail == (
        "DS certificate not valid on the issue date 2016-06-01 (valid 2013-12-16 to 2014-12-11)"
    )


def test_a_changed_name_is_forged(sod: bytes, groups: dict[int, bytes]) -> None:
    dg1 = groups[1].replace(b"ERIKA", b"ERIKO")
    report = verify(sod, {**groups, 1: dg1}, TrustStore([]), dt.date(2014, 1, 15))
    assert (report.outcome, report.detail) == (PassiveAuth.FORGED, "DG1 hash does not match")


def test_a_group_the_sod_does_not_list_is_forged(sod: bytes, groups: dict[int, bytes]) -> None:
    report = verify(sod, {**groups, 15: b"\x6f\x00"}, TrustStore([]), dt.date(2014, 1, 15))
    assert (report.outcome, report.detail) == (PassiveAuth.FORGED, "DG15 is not in EF.SOD")
