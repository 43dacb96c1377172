"""Status lookup against a real SQLite store: slips, typed codes, ID card QRs; routing of scans."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from db import migrate
from db.dossiers import SqlDossierRepository
from db.engine import make_engine
from db.models import DossierRow
from kiosk.app.cli_status import add_status_commands
from kiosk.app.root import make_signer, make_storage, make_store
from kiosk.catalog import load_catalog
from kiosk.config import load_config
from kiosk.dossier import Dossier, StoredDossier
from kiosk.flow.effects import LookUp, ReadCard
from kiosk.flow.journey import Journey
from kiosk.flow.state import Phase
from kiosk.outbox import DossierStore
from kiosk.sealing import KEY_SIZE, Sealer
from kiosk.slip import SlipSigner
from kiosk.status import LookupOutcome, ScanRoute, StatusLookup, StatusResult, route_scan
from kiosk.trackcode import check_char, display

T0 = dt.datetime(2026, 11, 26, 2, 30, tzinfo=dt.UTC)
STATION = "HCM-Q1-03"
SLIP_KEY = bytes(range(32))
CITIZEN = json.loads(Path("/work/shared/data/citizens.json").read_text("utf-8"))["citizens"][0]
CCCD_2021 = "|".join(
    [
        CITIZEN["id"],
        CITIZEN["old_id"],
        CITIZEN["name"],
        CITIZEN["dob"].replace("/", ""),
        CITIZEN["sex"],
        CITIZEN["residence"],
        CITIZEN["issued"].replace("/", ""),
    ]
)
CCCD_2024 = "|".join([CITIZEN["name"], CITIZEN["id"], CITIZEN["sex"], CITIZEN["dob"], CITIZEN["residence"]])


def code(prefix: str) -> str:
    return prefix + check_char(prefix)


STORED = code("7K3QXM9T2")
ABSENT = code("ABCDEFGHJ")


class CountingStore:
    """The real store, counting lookups (forged slips must not reach the database)."""

    def __init__(self, store: DossierStore) -> None:
        self.store = store
        self.calls: list[str] = []

    def get(self, tracking_code: str) -> StoredDossier | None:
        self.calls.append(tracking_code)
        return self.store.get(tracking_code)


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    migrate.upgrade(url)
    return make_engine(url)


@pytest.fixture
def store(engine: sa.Engine) -> CountingStore:
    real = DossierStore(
        SqlDossierRepository(engine, "kiosk-1"), Sealer(os.urandom(KEY_SIZE)), clock=lambda: T0
    )
    real.submit(
        Dossier(
            tracking_code=STORED,
            service_code="1.003677",
            service_version=1,
            station_id=STATION,
            submitted_at=T0,
            fields={"destination": "Thôn 3"},
            holder={"full_name": "Trần Văn Đức", "id_number": "079085001234"},
        )
    )
    return CountingStore(real)


@pytest.fixture
def signer() -> SlipSigner:
    return SlipSigner(SLIP_KEY, STATION)


@pytest.fixture
def lookup(store: CountingStore, signer: SlipSigner) -> StatusLookup:
    return StatusLookup(store, signer)


def set_status(engine: sa.Engine, tracking_code: str, status: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.update(DossierRow).where(DossierRow.tracking_code == tracking_code).values(status=status)
        )


def test_found_by_slip(lookup: StatusLookup, signer: SlipSigner) -> None:
    result = lookup(signer.sign(STORED))
    assert result == StatusResult(
        LookupOutcome.FOUND, STORED, "received", "1.003677", submitted_at=T0, updated_at=T0
    )


@pytest.mark.parametrize("typed", [STORED, display(STORED), display(STORED).lower(), f"  {STORED}\n"])
def test_found_by_typed_code(lookup: StatusLookup, typed: str) -> None:
    result = lookup(typed)
    assert result.outcome is LookupOutcome.FOUND and result.tracking_code == STORED


def test_status_follows_the_database(lookup: StatusLookup, signer: SlipSigner, engine: sa.Engine) -> None:
    for status in ("processing", "done", "rejected"):
        set_status(engine, STORED, status)
        assert lookup(signer.sign(STORED)).status == status


def test_unknown_code_typed_or_on_a_genuine_slip(lookup: StatusLookup, signer: SlipSigner) -> None:
    assert lookup(ABSENT) == StatusResult(LookupOutcome.UNKNOWN, ABSENT)
    assert lookup(signer.sign(ABSENT)) == StatusResult(LookupOutcome.UNKNOWN, ABSENT)


@pytest.mark.parametrize(
    "typed",
    [
        STORED[:-1] + ("0" if STORED[-1] != "0" else "1"),  # one character wrong
        STORED[:3] + STORED[4] + STORED[3] + STORED[5:],  # two neighbours swapped
        STORED[:9],
        STORED + "7",
        "hello",
        "U" * 10,
    ],
)
def test_mistyped(lookup: StatusLookup, store: CountingStore, typed: str) -> None:
    assert lookup(typed) == StatusResult(LookupOutcome.MISTYPED)
    assert store.calls == []


def test_forged_slips_never_reach_the_database(lookup: StatusLookup, store: CountingStore) -> None:
    genuine = SlipSigner(SLIP_KEY, STATION).sign(STORED)
    other = code("ZZZZZZZZZ")
    forged = [
        genuine.replace(STORED, other),  # code swapped, MAC kept
        genuine[:-1] + ("0" if genuine[-1] != "0" else "1"),  # MAC altered
        SlipSigner(os.urandom(32), STATION).sign(STORED),  # made with another key
        SlipSigner(SLIP_KEY, "HN-BD-01").sign(STORED),  # another station's slip
        genuine[:-3],  # damaged
        "KS9." + genuine[4:],  # a format this program does not read
    ]
    for payload in forged:
        assert lookup(payload) == StatusResult(LookupOutcome.FORGED), payload
    assert store.calls == []


def test_without_a_signer_slips_are_refused_but_codes_work(store: CountingStore, signer: SlipSigner) -> None:
    lookup = StatusLookup(store)
    assert lookup(signer.sign(STORED)).outcome is LookupOutcome.FORGED
    assert lookup(STORED).outcome is LookupOutcome.FOUND


@pytest.mark.parametrize("line", [CCCD_2021, CCCD_2024])
def test_id_card_qr_is_not_a_status_query(lookup: StatusLookup, store: CountingStore, line: str) -> None:
    result = lookup(line)
    assert result == StatusResult(LookupOutcome.ID_CARD)
    assert CITIZEN["id"] not in json.dumps(result.as_json())  # no personal data carried out
    assert store.calls == []


def test_result_as_json() -> None:
    result = StatusResult(
        LookupOutcome.FOUND, STORED, "done", "1.003677", T0, T0 + dt.timedelta(days=2), "Mang theo phiếu"
    )
    data: dict[str, Any] = json.loads(json.dumps(result.as_json()))
    assert data == {
        "outcome": "found",
        "tracking_code": STORED,
        "status": "done",
        "service_code": "1.003677",
        "submitted_at": "2026-11-26T02:30:00+00:00",
        "updated_at": "2026-11-28T02:30:00+00:00",
        "note": "Mang theo phiếu",
        "stale_minutes": None,
    }
    assert StatusResult(LookupOutcome.MISTYPED).as_json()["submitted_at"] is None


# -- routing scans wherever the citizen is ------------------------------------------------------------


class Clock:
    def __call__(self) -> dt.datetime:
        return dt.datetime(2026, 11, 26, 9, 0)


@pytest.fixture
def journey() -> Journey:
    return Journey(load_catalog(), Clock())


def to_card_step(journey: Journey) -> None:
    journey.start()
    journey.choose_service("1.003677")
    for _ in range(5):
        if journey.state().screen == "card":
            return
        if journey.state().screen == "consent":
            journey.consent(True)  # type: ignore[attr-defined,unused-ignore]
        else:
            journey.next()
    raise AssertionError(f"no card step; at {journey.state().screen}")


def test_slip_scanned_on_idle_opens_status_and_looks_up(journey: Journey, signer: SlipSigner) -> None:
    payload = signer.sign(STORED)
    assert route_scan(journey, payload) is ScanRoute.LOOKUP
    assert journey.state().phase is Phase.STATUS and journey.state().lookup.busy
    assert journey.take_effects() == [LookUp(payload)]
    assert journey.state().lookup.text == ""  # the payload is not shown as if typed


def test_id_card_qr_at_the_card_step_fills_the_number(journey: Journey) -> None:
    to_card_step(journey)
    journey.card_inserted()
    journey.take_effects()
    assert route_scan(journey, CCCD_2021) is ScanRoute.ID_NUMBER
    assert journey.state().card.id_number == CITIZEN["id"]
    effects = journey.take_effects()
    assert len(effects) == 1 and isinstance(effects[0], ReadCard)  # card there + number: reading starts
    assert effects[0].key.can == CITIZEN["id"][-6:]


def test_scans_mid_application_are_ignored(journey: Journey, signer: SlipSigner) -> None:
    to_card_step(journey)
    before = journey.state()
    assert route_scan(journey, signer.sign(STORED)) is ScanRoute.IGNORED
    assert route_scan(journey, "garbage") is ScanRoute.IGNORED
    assert journey.state() == before and journey.take_effects() == []


def test_anything_scanned_on_the_status_screen_is_looked_up(journey: Journey) -> None:
    journey.open_status()
    for line in (CCCD_2021, "garbage"):
        assert route_scan(journey, line) is ScanRoute.LOOKUP
        assert journey.take_effects() == [LookUp(line)]
        journey.lookup_done(StatusResult(LookupOutcome.MISTYPED))


def test_id_card_on_idle_is_ignored(journey: Journey) -> None:
    assert route_scan(journey, CCCD_2021) is ScanRoute.IGNORED
    assert journey.state().phase is Phase.IDLE


def test_scan_while_the_slip_prints_waits(journey: Journey, signer: SlipSigner) -> None:
    journey.submitted(STORED)  # the done screen, the slip printing
    assert route_scan(journey, signer.sign(STORED)) is ScanRoute.IGNORED
    journey.printed(True)
    assert route_scan(journey, signer.sign(STORED)) is ScanRoute.LOOKUP


# -- command line -------------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk")
    parser.add_argument("--config", type=Path)
    add_status_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[station]\nid = "{STATION}"\n', "utf-8")
    config = load_config(path)
    storage = make_storage(config)
    make_signer(config, storage)  # the kiosk signs a slip before it stores the dossier
    store = make_store(config, storage)
    store.submit(Dossier(STORED, "1.003677", 1, STATION, T0, fields={}, holder={"full_name": "Trần Văn Đức"}))
    return path


def test_cli_sign_then_status(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--config", str(config_file), "slip", "sign", display(STORED).lower()]) == 0
    payload = capsys.readouterr().out.strip()
    assert payload.startswith(f"KS2.{STATION}.{STORED}.")
    assert (config_file.parent / "data" / "slip.key").stat().st_mode & 0o777 == 0o600

    assert run_cli(["--config", str(config_file), "status", "--qr", payload, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "found" and data["tracking_code"] == STORED and data["status"] == "received"
    assert data["service_code"] == "1.003677" and data["submitted_at"] == T0.isoformat()

    assert run_cli(["--config", str(config_file), "status", display(STORED)]) == 0
    assert capsys.readouterr().out.startswith(f"{display(STORED)}: received (service 1.003677")


@pytest.mark.parametrize(
    ("argv", "outcome"),
    [
        (["status", ABSENT, "--json"], "unknown"),
        (["status", STORED[:-1] + ("0" if STORED[-1] != "0" else "1"), "--json"], "mistyped"),
        (["status", "--qr", SlipSigner(SLIP_KEY, STATION).sign(STORED), "--json"], "forged"),  # not our key
        (["status", "--qr", CCCD_2021, "--json"], "id_card"),
    ],
)
def test_cli_status_not_found(
    config_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str], outcome: str
) -> None:
    assert run_cli(["--config", str(config_file), *argv]) == 1
    assert json.loads(capsys.readouterr().out)["outcome"] == outcome


def test_cli_errors(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--config", str(config_file), "slip", "sign", "NOT-A-CODE"]) == 2
    assert "not a tracking code" in capsys.readouterr().err
    (config_file.parent / "data" / "slip.key").write_bytes(b"short")
    assert run_cli(["--config", str(config_file), "status", STORED]) == 2
    assert "slip key" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_cli(["--config", str(config_file), "status", STORED, "--qr", "KS1.X"])  # one or the other
