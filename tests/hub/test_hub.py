"""Stations and the province hub over real PostgreSQL and a real uvicorn server."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from db.audit import SqlAuditLog
from db.models import DossierRow, HubSubmissionRow, OutboxRow
from hub.api import API_VERSION
from hub.client import HubClient, HubTarget
from hub.station_key import load_request_key, request_key_id
from kiosk.app.root import make_signer, make_storage, make_store, make_targets
from kiosk.dossier import Dossier
from kiosk.outbox import DeliveryReport, deliver_pending
from kiosk.ports.target import DeliveryDeferred, DeliveryRejected
from kiosk.request_signing import sign_request
from kiosk.slip import SlipSigner
from kiosk.trackcode import new_code
from tests.hub.conftest import ROOT, FaultProxy, HubServer, Station, enrol, make_station, start_hub
from tests.waits import WAIT_MS

T0 = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)


def _dossier(station: Station, code: str | None = None, **fields: object) -> Dossier:
    return Dossier(
        tracking_code=code or new_code(),
        service_code="khai_bao_tam_vang",
        service_version=1,
        station_id=station.station_id,
        submitted_at=T0,
        fields={"reason": "Đi công tác", **fields},
        holder={"name": "Nguyễn Văn An", "id_number": "001099012345"},
        consented_at=T0,
    )


def _submit(station: Station, dossier: Dossier) -> None:
    make_store(station.config).submit(dossier)


def _deliver(station: Station) -> DeliveryReport:
    config = station.config
    return deliver_pending(make_store(config), make_targets(config), dt.datetime.now(dt.UTC))


def _copies(hub: HubServer, code: str) -> int:
    engine = hub.engine()
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).where(DossierRow.tracking_code == code)) or 0)
    finally:
        engine.dispose()


def _refusals(hub: HubServer) -> list[str]:
    engine = hub.engine()
    try:
        return [r.detail for r in SqlAuditLog(engine).newest(100) if r.action == "hub.refused"]
    finally:
        engine.dispose()


def _client(station: Station, base_url: str) -> HubClient:
    config = station.config
    return HubClient(base_url, station.station_id, load_request_key(config.hub_key_file), timeout_s=5)


_stations = itertools.count(1)


def _id(letter: str) -> str:
    return f"HN-{letter}{next(_stations)}"


@pytest.fixture
def station_a(hub: HubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Station:
    station = make_station(tmp_path / "a", _id("A"), hub.url)
    enrol(hub, station, capsys)
    return station


# --- enrolment ------------------------------------------------------------------------------------


def test_enrolment_binds_a_new_private_key_once(
    hub: HubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station = make_station(tmp_path / "s", "HN-S", hub.url)
    capsys.readouterr()
    assert (
        hub.cli(
            "enrol-code",
            "--station",
            "HN-S",
            "--province",
            "Hà Nội",
            "--commune",
            "Xã S",
            "--name",
            "CA xã S",
        )
        == 0
    )
    code = capsys.readouterr().out.strip()
    assert station.cli("hub", "enrol", "--hub", hub.url, code) == 0
    key_file = station.config.hub_key_file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes()
    # The code is used up: a second enrolment is refused and the key file stays as it was.
    assert station.cli("hub", "enrol", "--hub", hub.url, code) == 1
    assert "used already" in capsys.readouterr().err
    assert key_file.read_bytes() == key
    # Another station cannot use a code made for this one.
    assert (
        hub.cli(
            "enrol-code", "--station", "HN-S", "--province", "Hà Nội", "--commune", "Xã S", "--name", "CA"
        )
        == 0
    )
    code = capsys.readouterr().out.strip()
    other = make_station(tmp_path / "o", "HN-O", hub.url)
    assert other.cli("hub", "enrol", "--hub", hub.url, code) == 1
    assert "for station HN-S" in capsys.readouterr().err
    assert any("enrolment_refused" in d for d in _refusals(hub))


def test_hub_refuses_an_old_schema_and_never_migrates(hub_db: str, tmp_path: Path) -> None:
    engine = sa.create_engine(hub_db)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0006'")
    engine.dispose()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.app.cli",
            "hub",
            "serve",
            "--url",
            hub_db,
            "--keys",
            str(tmp_path / "k"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "revision 0006" in out.stderr and "kiosk hub migrate" in out.stderr


# --- delivery -------------------------------------------------------------------------------------


def test_the_outbox_delivers_each_dossier_once_whatever_the_retries(
    hub: HubServer, station_a: Station, proxy: FaultProxy
) -> None:
    dossier = _dossier(station_a)
    _submit(station_a, dossier)
    assert _deliver(station_a) == DeliveryReport(sent=1)
    assert _deliver(station_a).idle
    client = _client(station_a, hub.url)
    key = f"hub:{dossier.tracking_code}"  # the outbox row's idempotency key
    for _ in range(3):
        assert client.submit(dossier, key)["stored"] == "duplicate"
    # The link drops after the hub stored it: the station sees a fault, retries, gets "duplicate".
    second = _dossier(station_a)
    proxy.mode = "reset_after_request"
    through = _client(station_a, proxy.url)
    with pytest.raises(DeliveryDeferred):
        through.submit(second, f"hub:{second.tracking_code}")
    assert proxy.resets == 1
    assert _copies(hub, second.tracking_code) == 1
    proxy.mode = "pass"
    assert (
        _client(station_a, proxy.url).submit(second, f"hub:{second.tracking_code}")["stored"] == "duplicate"
    )
    assert _copies(hub, dossier.tracking_code) == 1 and _copies(hub, second.tracking_code) == 1
    # The hub sealed the payload with its own key: the station's personal data is not in clear.
    engine = hub.engine()
    with engine.connect() as conn:
        payload = conn.scalar(
            sa.select(DossierRow.payload).where(DossierRow.tracking_code == dossier.tracking_code)
        )
        assert conn.scalar(sa.select(sa.func.count()).select_from(HubSubmissionRow)) == 2
    engine.dispose()
    assert payload is not None and "Nguyễn".encode() not in payload and b"001099012345" not in payload


def test_a_cut_link_keeps_rows_for_later_and_a_rejection_does_not_block_the_queue(
    hub: HubServer, station_a: Station, proxy: FaultProxy, tmp_path: Path
) -> None:
    proxy.mode = "refuse"
    config_file = station_a.config_file
    config_file.write_text(config_file.read_text().replace(hub.url, proxy.url))
    first, second = _dossier(station_a), _dossier(station_a)
    _submit(station_a, first)
    _submit(station_a, second)
    assert _deliver(station_a) == DeliveryReport(failed=2)
    assert _copies(hub, first.tracking_code) == 0
    # A dossier the hub refuses for good (its tracking code holds another station's dossier).
    engine = hub.engine()
    with engine.begin() as conn:
        conn.execute(
            sa.insert(DossierRow).values(
                tracking_code=second.tracking_code, service_code="x", service_version=1, station_id="HN-Z",
                status="received", submitted_at=T0, updated_at=T0, payload=b"x",
            )
        )  # fmt: skip
    engine.dispose()
    proxy.mode = "pass"
    store = make_store(station_a.config)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    report = deliver_pending(store, make_targets(station_a.config), later)
    assert report == DeliveryReport(sent=1, failed=1)
    assert _copies(hub, first.tracking_code) == 1
    row = store.pending(10, later + dt.timedelta(days=1))
    assert [r.tracking_code for r in row] == [second.tracking_code]
    engine = sa.create_engine(station_a.config.database_url)
    with engine.connect() as conn:
        reason = conn.scalar(sa.select(OutboxRow.last_error).where(OutboxRow.id == row[0].outbox_id))
    engine.dispose()
    assert reason is not None and reason.startswith("DeliveryRejected") and "409 conflict" in reason
    # It waits hours, not the rows behind it: nothing is due an hour later.
    assert store.pending(10, later + dt.timedelta(hours=1)) == []


# --- refusals -------------------------------------------------------------------------------------


def _post(url: str, headers: dict[str, str], body: bytes) -> httpx.Response:
    return httpx.post(url, content=body, headers={**headers, "content-type": "application/json"}, timeout=5)


def test_each_refusal_is_refused_and_audited(hub: HubServer, station_a: Station, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hub.client import dossier_json

    url = hub.url + "/v1/submissions"
    key = load_request_key(station_a.config.hub_key_file)
    key_id = request_key_id(key.public_key())
    body = json.dumps(dossier_json(_dossier(station_a))).encode()

    def signed(**kwargs: object) -> dict[str, str]:
        return {"Idempotency-Key": "k1", **sign_request("POST", url, body, key_id=key_id, key=key, **kwargs)}  # type: ignore[arg-type]

    stranger = Ed25519PrivateKey.generate()
    wrong = sign_request("POST", url, body, key_id=request_key_id(stranger.public_key()), key=stranger)
    assert _post(url, wrong, body).json()["reason"] == "unknown_key"
    forged = sign_request("POST", url, body, key_id=key_id, key=stranger)  # A's key id, another key
    assert _post(url, forged, body).json()["reason"] == "bad_signature"
    stale = signed(now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    answer = _post(url, stale, body)
    assert (answer.status_code, answer.json()["reason"]) == (401, "stale")
    fresh = signed()
    assert _post(url, fresh, body).status_code == 200
    replayed = _post(url, fresh, body)
    assert (replayed.status_code, replayed.json()["reason"]) == (401, "replay")
    tampered = _post(url, signed(), body.replace(b"001099012345", b"001099012346"))
    assert tampered.json()["reason"] == "bad_digest"
    posing = json.dumps(dossier_json(_dossier(station_a)) | {"station_id": "HN-B0"}).encode()
    headers = {"Idempotency-Key": "k2", **sign_request("POST", url, posing, key_id=key_id, key=key)}
    answer = _post(url, headers, posing)
    assert (answer.status_code, answer.json()["reason"]) == (403, "posing_as_another")
    assert hub.cli("revoke", station_a.station_id) == 0
    # The serving process keeps a station's key for a second (`hub.key_cache`): the revocation,
    # made by another process, reaches it within that; a unit test holds the bound itself.
    answer = _post(url, signed(), body)
    deadline = time.monotonic() + WAIT_MS / 1000
    while answer.status_code != 403 and time.monotonic() < deadline:
        time.sleep(0.2)
        answer = _post(url, signed(), body)
    assert (answer.status_code, answer.json()["reason"]) == (403, "revoked")
    assert _post(url, signed(), body).status_code == 403  # and it stays so
    # Every route, not only submissions: its status pull is refused too, and audited by name.
    pull = hub.url + "/v1/statuses?after=0"
    answer = httpx.get(pull, headers=sign_request("GET", pull, b"", key_id=key_id, key=key), timeout=5)
    assert (answer.status_code, answer.json()["reason"]) == (403, "revoked")
    assert any(
        d.startswith(f"revoked: station {station_a.station_id} is revoked (GET /v1/statuses")
        for d in _refusals(hub)
    ), _refusals(hub)
    audited = _refusals(hub)
    for reason in (
        "unknown_key",
        "bad_signature",
        "stale",
        "replay",
        "bad_digest",
        "posing_as_another",
        "revoked",
    ):
        assert any(d.startswith(reason + ":") for d in audited), (reason, audited)
    # The chain of the hub's audit log holds.
    from hub.serve import build_hub

    assert build_hub(hub.db_url, hub.keys).audit.verify().ok


def test_a_revoked_stations_outbox_is_rejected_not_lost(hub: HubServer, station_a: Station) -> None:
    assert hub.cli("revoke", station_a.station_id) == 0
    dossier = _dossier(station_a)
    _submit(station_a, dossier)
    config = station_a.config
    target = HubTarget(_client(station_a, hub.url))
    with pytest.raises(DeliveryRejected, match="revoked"):
        target.deliver(make_store(config).pending(1)[0], make_store(config))
    assert make_store(config).backlog() == 1


# --- statuses and slips ---------------------------------------------------------------------------


def test_status_round_trip_to_kiosk_status(
    hub: HubServer, station_a: Station, capsys: pytest.CaptureFixture[str]
) -> None:
    dossier = _dossier(station_a)
    _submit(station_a, dossier)
    assert _deliver(station_a).sent == 1
    code = dossier.tracking_code
    # The desk's rule (`kiosk.desk.status_refusal`) holds at the hub: received is not yet done.
    assert hub.cli("set-status", code, "done", "--by", "cb01") == 1
    assert hub.cli("set-status", code, "processing", "--by", "cb01") == 0
    assert (
        hub.cli(
            "set-status",
            code,
            "done",
            "--note",
            "Mời đến nhận kết quả",
            "--national-number",
            "H01.2",
            "--by",
            "cb01",
        )
        == 0
    )
    assert hub.cli("set-status", code, "processing", "--by", "cb01") == 1  # no way back from done
    capsys.readouterr()
    assert station_a.cli("hub", "sync") == 0
    assert "2 status change(s)" in capsys.readouterr().out
    assert station_a.cli("status", code, "--json") == 0
    assert json.loads(capsys.readouterr().out)["status"] == "done"
    engine = sa.create_engine(station_a.config.database_url)
    with engine.connect() as conn:
        row = conn.execute(sa.select(DossierRow).where(DossierRow.tracking_code == code)).one()
    engine.dispose()
    assert (row.note_for_citizen, row.national_number) == ("Mời đến nhận kết quả", "H01.2")
    assert station_a.cli("hub", "sync") == 0  # nothing new: the cursor moved past both
    assert "0 status change(s)" in capsys.readouterr().out


def test_a_slip_from_station_a_verifies_at_station_b_after_a_sync_and_a_forgery_does_not(
    hub: HubServer, station_a: Station, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station_b = make_station(tmp_path / "b", _id("B"), hub.url)
    enrol(hub, station_b, capsys)
    code = new_code()
    slip = make_signer(station_a.config, make_storage(station_a.config)).sign(code)
    verifier_b = make_signer(station_b.config, make_storage(station_b.config))
    assert verifier_b.verify(slip).__class__.__name__ == "SlipProblem"  # before any sync: unknown
    assert station_b.cli("hub", "sync") == 0
    verified = verifier_b.verify(slip)
    assert getattr(verified, "tracking_code", None) == code
    # Station B's own slip key signing as station A: refused everywhere.
    b_key = station_b.config.slip_key_file.read_bytes()
    forged = SlipSigner(b_key, station_a.station_id).sign(code)
    assert verifier_b.verify(forged).__class__.__name__ == "SlipProblem"


# --- several stations at once through a bad link --------------------------------------------------

STATIONS = 5
DOSSIERS_EACH = 12
CHILD = ROOT / "tests/hub/station_child.py"


def test_stations_in_separate_processes_through_a_faulty_link_end_with_one_copy_each(
    hub: HubServer, proxy: FaultProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stations = [make_station(tmp_path / f"s{i}", _id("P"), proxy.url) for i in range(STATIONS)]
    for station in stations:
        enrol(hub, station, capsys, hub_url=hub.url)
    stop = threading.Event()

    def flap() -> None:  # the link cycles through every fault, and works in between
        modes = itertools.cycle(["pass", "reset_after_request", "pass", "reset_mid_request", "refuse"])
        while not stop.wait(0.15):
            proxy.mode = next(modes)

    flapper = threading.Thread(target=flap, daemon=True)
    flapper.start()
    children = [
        subprocess.Popen(
            [sys.executable, str(CHILD), str(s.config_file), str(DOSSIERS_EACH), "240"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        for s in stations
    ]
    try:
        results = [json.loads(child.communicate(timeout=300)[0]) for child in children]
    finally:
        stop.set()
        flapper.join()
        for child in children:
            if child.poll() is None:
                child.kill()
    proxy.mode = "pass"
    assert all(child.returncode == 0 for child in children)
    assert [r["backlog"] for r in results] == [0] * STATIONS
    assert proxy.resets > 0  # the link really failed along the way
    codes = [code for r in results for code in r["codes"]]
    engine = hub.engine()
    with engine.connect() as conn:
        held = conn.execute(
            sa.select(DossierRow.tracking_code, sa.func.count())
            .where(DossierRow.tracking_code.in_(codes))
            .group_by(DossierRow.tracking_code)
        ).all()
    engine.dispose()
    assert sorted(held) == sorted((code, 1) for code in codes)
    # And every station ends with the hub's statuses.
    for code in codes[::DOSSIERS_EACH]:
        assert hub.cli("set-status", code, "processing", "--by", "cb01") == 0
    for station, result in zip(stations, results, strict=True):
        assert station.cli("hub", "sync") == 0
        store = make_store(station.config)
        assert store.status(result["codes"][0]) == "processing"


def test_the_spec_is_published_and_versioned(hub: HubServer) -> None:
    spec = httpx.get(hub.url + "/v1/openapi.json", timeout=5).json()
    assert spec["info"]["version"] == API_VERSION
    assert {"/v1/enrol", "/v1/submissions", "/v1/statuses"} <= set(spec["paths"])
    body = spec["paths"]["/v1/submissions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "tracking_code" in body["properties"]


def test_a_nonce_used_at_one_hub_process_is_a_replay_at_another(
    hub: HubServer, station_a: Station, tmp_path: Path
) -> None:
    from hub.client import dossier_json

    second = start_hub(hub.db_url, hub.keys, tmp_path / "second.log")
    try:
        key = load_request_key(station_a.config.hub_key_file)
        body = json.dumps(dossier_json(_dossier(station_a))).encode()
        path = "/v1/submissions"
        headers = {
            "Idempotency-Key": "n1",
            **sign_request("POST", hub.url + path, body, key_id=request_key_id(key.public_key()), key=key),
        }
        assert _post(hub.url + path, headers, body).status_code == 200
        replayed = _post(second.url + path, headers, body)
        assert (replayed.status_code, replayed.json()["reason"]) == (401, "replay")
    finally:
        second.process.terminate()
        second.process.wait(10)
