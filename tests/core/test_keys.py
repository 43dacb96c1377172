"""Station keys: never made over existing data, refused by id when wrong, rotated on request."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.engine import make_engine
from db.keys import SqlKeyLedger
from db.migrate import upgrade
from db.models import DossierRow, PrintJobRow, StationKeyRow
from devices.printer.sample import sample_receipt
from kiosk.app.cli import main
from kiosk.app.root import Storage, make_signer, make_storage, make_store
from kiosk.config import Config, load_config
from kiosk.dossier import Dossier
from kiosk.keyfile import KeyProblem, next_path, retired_key_files
from kiosk.keys import DATA, SLIP, init_key, rotate_key, sealed_context
from kiosk.ports.storage import SealedRow
from kiosk.printing import seal_receipt
from kiosk.receipt import Receipt
from kiosk.sealing import Sealer, blob_key_id, key_id
from kiosk.slip import SlipProblem, SlipProblemKind, VerifiedSlip
from kiosk.trackcode import new_code

T0 = dt.datetime(2026, 11, 26, 2, 30, tzinfo=dt.UTC)
STATION = "HN-BD-01"


def config_for(tmp_path: Path, **overrides: str) -> Config:
    values = {"paths.data_dir": str(tmp_path / "data"), "station.id": STATION, **overrides}
    return load_config(overrides=values, environ={})


def dossier(code: str) -> Dossier:
    return Dossier(
        code, "1.003677", 1, STATION, T0, fields={"lý_do": "Mất thẻ"}, holder={"full_name": "Hà Thị Lụa"}
    )


def receipt(code: str) -> Receipt:
    return dataclasses.replace(sample_receipt(), tracking_code=code)


def station_with_data(config: Config, n: int = 3) -> tuple[Storage, list[str]]:
    """A station as the kiosk leaves it: slip key made, `n` dossiers with their receipts."""
    storage = make_storage(config)
    make_signer(config, storage)
    store = make_store(config, storage)
    codes = [new_code() for _ in range(n)]
    for code in codes:
        store.submit(dossier(code), receipt(code))
    return storage, codes


def fingerprint(config: Config) -> str:
    """Every row of every table: equal before and after means nothing was written."""
    engine = make_engine(config.database_url)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1")):
                digest.update(repr(tuple(row)).encode())
    engine.dispose()
    return digest.hexdigest()


def sealed_payloads(config: Config) -> list[bytes]:
    engine = make_engine(config.database_url)
    with engine.connect() as conn:
        blobs = [*conn.scalars(sa.select(DossierRow.payload)), *conn.scalars(sa.select(PrintJobRow.payload))]
    engine.dispose()
    return blobs


def key_rows(config: Config) -> set[tuple[str, str, str]]:
    engine = make_engine(config.database_url)
    with engine.connect() as conn:
        rows = {
            tuple(r)
            for r in conn.execute(sa.select(StationKeyRow.purpose, StationKeyRow.key_id, StationKeyRow.state))
        }
    engine.dispose()
    return rows  # type: ignore[return-value]


def test_an_empty_database_gets_new_private_keys_recorded_by_id(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage = make_storage(config)
    signer = make_signer(config, storage)
    for path in (config.data_key_file, config.slip_key_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_rows(config) == {(DATA, storage.sealer.key_id, "current"), (SLIP, signer.key_id, "current")}
    again = make_storage(config)  # the next start uses the same keys
    assert again.sealer.key_id == storage.sealer.key_id


@pytest.mark.parametrize("lost", ["data.key", "slip.key"])
def test_a_missing_key_with_data_refuses_and_writes_nothing(tmp_path: Path, lost: str) -> None:
    config = config_for(tmp_path)
    storage, _ = station_with_data(config)
    recorded = storage.sealer.key_id if lost == "data.key" else make_signer(config, storage).key_id
    (config.data_dir / lost).unlink()
    before = fingerprint(config)
    with pytest.raises(KeyProblem, match=rf"{lost} is missing.*with key {recorded}.*restore"):
        make_signer(config, make_storage(config))
    assert not (config.data_dir / lost).exists()  # no new key was made
    assert fingerprint(config) == before


def test_a_missing_data_key_stops_every_command_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[station]\nid = "{STATION}"\n', "utf-8")
    config = load_config(path, environ={})
    _, codes = station_with_data(config)
    config.data_key_file.unlink()
    before = fingerprint(config)
    for argv in (["status", codes[0]], ["print", "again", codes[0]], ["slip", "sign", codes[0]]):
        assert main(["--config", str(path), *argv]) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("kiosk: keys: data key file") and err.count("\n") == 1, err
    assert main(["--config", str(path), "doctor", "--demo"]) == 1
    out = capsys.readouterr().out
    assert "FAIL data key" in out and "is missing" in out and "OK   slip key" in out
    assert not config.data_key_file.exists()
    assert fingerprint(config) == before


def test_a_wrong_key_refuses_naming_both_ids(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage, _ = station_with_data(config)
    right = storage.sealer.key_id
    config.data_key_file.write_bytes(os.urandom(32))  # e.g. another station's key copied in
    wrong = key_id(config.data_key_file.read_bytes())
    before = fingerprint(config)
    with pytest.raises(
        KeyProblem, match=rf"holds key {wrong}, but this database holds dossiers sealed with key {right}"
    ):
        make_storage(config)
    assert fingerprint(config) == before


def test_a_wrong_slip_key_refuses_naming_both_ids(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage, _ = station_with_data(config)
    right = make_signer(config, storage).key_id
    config.slip_key_file.write_bytes(os.urandom(32))
    with pytest.raises(KeyProblem, match=rf"slip key file .* holds key \w\w, but .* with key {right}"):
        make_signer(config, make_storage(config))


def test_doctor_writes_no_key_on_an_empty_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', "utf-8")
    main(["--config", str(path), "db", "upgrade"])
    main(["--config", str(path), "doctor", "--demo"])
    out = capsys.readouterr().out
    assert "OK   data key" in out and "none yet" in out
    assert not (tmp_path / "data" / "data.key").exists() and not (tmp_path / "data" / "slip.key").exists()


def test_a_database_from_before_keys_were_recorded_is_checked_by_its_newest_rows(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage, _ = station_with_data(config)
    engine = make_engine(config.database_url)
    with engine.begin() as conn:
        conn.execute(sa.delete(StationKeyRow))
    good = config.data_key_file.read_bytes()
    config.data_key_file.write_bytes(os.urandom(32))
    with pytest.raises(KeyProblem, match="does not open the newest row of dossiers"):
        make_storage(config)
    config.data_key_file.write_bytes(good)
    assert make_storage(config).sealer.key_id == storage.sealer.key_id
    assert (DATA, storage.sealer.key_id, "current") in key_rows(config)  # recorded from now on


def test_rotation_reseals_every_row_and_keeps_the_old_key_by_id(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage, codes = station_with_data(config)
    old_id = storage.sealer.key_id
    message = rotate_key(DATA, config.data_key_file, storage.keys)
    new = make_storage(config)
    assert new.sealer.key_id != old_id and f"from {old_id} to {new.sealer.key_id}, 6 row(s)" in message
    assert {blob_key_id(b) for b in sealed_payloads(config)} == {new.sealer.key_id}
    assert [p.name for p in retired_key_files(config.data_key_file)] == [f"data.key.retired-{old_id}"]
    only_new = Sealer(config.data_key_file.read_bytes())  # every row opens without the old key
    store = make_store(config, Storage(only_new, new.dossiers, new.print_jobs, new.keys))
    assert all(store.get(code).readable for code in codes)  # type: ignore[union-attr]
    assert key_rows(config) >= {(DATA, old_id, "retired"), (DATA, new.sealer.key_id, "current")}


def test_rotation_with_a_row_that_does_not_open_changes_nothing(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage, _ = station_with_data(config)
    engine = make_engine(config.database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.update(DossierRow)
            .where(DossierRow.id == 2)
            .values(payload=b"\x02garbage-garbage-garbage-garbage")
        )
    key_before, rows_before = config.data_key_file.read_bytes(), fingerprint(config)
    with pytest.raises(KeyProblem, match=r"dossiers row 2 .* cannot be opened"):
        rotate_key(DATA, config.data_key_file, storage.keys)
    assert config.data_key_file.read_bytes() == key_before and fingerprint(config) == rows_before
    assert not next_path(config.data_key_file).exists()


def test_an_interrupted_rotation_is_finished_at_the_next_start(tmp_path: Path) -> None:
    """Power lost after the database switched to the new key, before the key files moved."""
    config = config_for(tmp_path)
    _, codes = station_with_data(config)
    old = Sealer(config.data_key_file.read_bytes())
    new_key = os.urandom(32)
    new = Sealer(new_key)
    next_path(config.data_key_file).write_bytes(new_key)

    def reseal(row: SealedRow) -> bytes:
        return new.seal(old.open(row.payload, context=sealed_context(row)), context=sealed_context(row))

    SqlKeyLedger(make_engine(config.database_url)).reseal_all(reseal, DATA, new.key_id)
    restarted = make_storage(config)
    assert restarted.sealer.key_id == new.key_id and config.data_key_file.read_bytes() == new_key
    assert not next_path(config.data_key_file).exists()
    assert all(make_store(config, restarted).get(c).readable for c in codes)  # type: ignore[union-attr]


def test_slip_rotation_keeps_old_slips_verifying_unless_dropped(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage, codes = station_with_data(config)
    old_slip = make_signer(config, storage).sign(codes[0])
    rotate_key(SLIP, config.slip_key_file, storage.keys)
    signer = make_signer(config, make_storage(config))
    assert isinstance(signer.verify(old_slip), VerifiedSlip)
    assert signer.sign(codes[0]) != old_slip
    rotate_key(SLIP, config.slip_key_file, storage.keys, keep_old=False)
    dropped = make_signer(config, make_storage(config)).verify(old_slip)
    assert isinstance(dropped, SlipProblem) and dropped.kind is SlipProblemKind.UNKNOWN_KEY


def test_init_makes_a_key_over_lost_data_only_when_told(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage, codes = station_with_data(config)
    lost = storage.sealer.key_id
    config.data_key_file.unlink()
    with pytest.raises(KeyProblem, match="is missing"):
        init_key(DATA, config.data_key_file, storage.keys)
    assert not config.data_key_file.exists()
    assert "recorded as lost" in init_key(DATA, config.data_key_file, storage.keys, replace_lost=True)
    started = make_storage(config)  # the station works again; the old rows say which key they need
    stored = make_store(config, started).get(codes[0])
    assert stored is not None and not stored.readable and f"sealed with key {lost}" in (stored.problem or "")
    assert (DATA, lost, "lost") in key_rows(config)


def test_keys_come_from_a_systemd_credential_or_a_configured_path(tmp_path: Path) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "data.key").write_bytes(os.urandom(32))
    config = load_config(
        overrides={"paths.data_dir": str(tmp_path / "data")}, environ={"CREDENTIALS_DIRECTORY": str(creds)}
    )
    assert config.data_key_file == creds / "data.key"
    assert config.slip_key_file == tmp_path / "data" / "slip.key"  # no such credential: the default
    outside = tmp_path / "keys" / "data.key"
    configured = load_config(
        overrides={"paths.data_dir": str(tmp_path / "data"), "security.data_key_file": str(outside)},
        environ={"CREDENTIALS_DIRECTORY": str(creds)},
    )
    assert configured.data_key_file == outside
    storage = make_storage(configured)
    assert outside.is_file() and not (tmp_path / "data" / "data.key").exists()
    assert storage.sealer.key_id == key_id(outside.read_bytes())


def test_keys_cli_show_init_rotate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', "utf-8")
    assert main(["--config", str(path), "keys", "init"]) == 0
    out = capsys.readouterr().out
    assert "data key" in out and "made at" in out
    assert main(["--config", str(path), "keys", "rotate", "--data"]) == 0
    assert "rotated from" in capsys.readouterr().out
    assert main(["--config", str(path), "keys", "show"]) == 0
    out = capsys.readouterr().out
    assert "OK   data key" in out and "1 retired" in out
    (tmp_path / "data" / "slip.key").write_bytes(b"short")
    assert main(["--config", str(path), "keys", "show"]) == 2
    assert "holds 5 bytes, expected 32" in capsys.readouterr().out


def test_a_print_job_sealed_for_a_code_reseals_with_its_own_context(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage = make_storage(config)
    code = new_code()
    storage.print_jobs.add(seal_receipt(storage.sealer, receipt(code), T0))
    rotate_key(DATA, config.data_key_file, storage.keys)
    new = make_storage(config)
    job = new.print_jobs.latest(code)
    assert job is not None and blob_key_id(job.payload) == new.sealer.key_id
    assert new.sealer.open(job.payload, context=b"print:" + code.encode())["tracking_code"]


def test_two_kiosks_starting_together_on_an_empty_database_share_one_key(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    upgrade(config.database_url)  # the schema exists (its concurrent creation is another test's)
    barrier = threading.Barrier(4)
    ids: list[str] = []
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            ids.append(make_storage(config).sealer.key_id)
        except BaseException as exc:  # collected and shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(ids)) == 1
    assert key_rows(config) == {(DATA, ids[0], "current")}


def test_a_successor_key_the_database_never_switched_to_is_left_alone(tmp_path: Path) -> None:
    """A rotation that failed, or is still re-sealing in another process: its key is not used,
    and not deleted under it either."""
    config = config_for(tmp_path)
    storage, codes = station_with_data(config)
    successor = next_path(config.data_key_file)
    successor.write_bytes(os.urandom(32))
    restarted = make_storage(config)
    assert restarted.sealer.key_id == storage.sealer.key_id and successor.exists()
    assert make_store(config, restarted).get(codes[0]).readable  # type: ignore[union-attr]


def test_a_key_that_cannot_be_made_is_a_key_problem(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    config = config_for(tmp_path, **{"security.data_key_file": str(blocked / "data.key")})
    with pytest.raises(KeyProblem, match=r"data key file .*not-a-folder/data\.key cannot be made"):
        make_storage(config)


def test_rotation_reseals_card_photos_and_officers_cards(tmp_path: Path) -> None:
    from db.models import DossierPhotoRow, OfficerRow
    from kiosk.app.root import make_officer_cards, make_officer_desk
    from kiosk.dossier_photo import open_photo, photo_context
    from kiosk.officer_cards import card_context
    from kiosk.officers import Actor
    from kiosk.permissions import Role

    config = config_for(tmp_path)
    storage, _ = station_with_data(config, n=1)
    code = new_code()
    face = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8
    make_store(config, storage).submit(dataclasses.replace(dossier(code), photo=face))
    desk = make_officer_desk(config)
    cli = Actor.command_line("test")
    desk.officers.add(cli, "CB001", "Nguyễn Thị Hằng", Role.OFFICER, "472915")
    make_officer_cards(config, desk, storage).set_card(cli, "CB001", "048303004567")
    rotate_key(DATA, config.data_key_file, storage.keys)

    only_new = Sealer(config.data_key_file.read_bytes())  # every blob opens without the old key
    engine = make_engine(config.database_url)
    with engine.connect() as conn:
        photo = conn.scalars(sa.select(DossierPhotoRow.sealed)).one()
        card = conn.scalars(sa.select(OfficerRow.card_sealed).where(OfficerRow.officer_id == "CB001")).one()
    engine.dispose()
    assert {blob_key_id(photo), blob_key_id(card)} == {only_new.key_id}
    assert open_photo(only_new, code, photo).image == face
    assert only_new.open(card, context=card_context("CB001")) == {"id_number": "048303004567"}
    assert photo_context(code) != code.encode()  # a photo's seal is not a payload's
