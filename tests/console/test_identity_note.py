"""The identity-check note an officer records in assist mode is sealed at rest (migration 0013,
`kiosk.identity_note`): the dossier row keeps the way in clear and the note sealed, the database
file holds no note text, existing clear notes are sealed by the first storage opened with the key,
a key rotation re-seals the notes, and the console shows the note to a role that may see personal
data only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from db.engine import make_engine
from db.migrate import current_revision, upgrade
from db.models import DossierRow, IdentityNoteToSealRow, OutboxRow
from db.schema import SCHEMA_REVISION
from kiosk.app.root import (
    build_console,
    make_desk,
    make_officer_desk,
    make_retention,
    make_storage,
    make_store,
    purge_old,
)
from kiosk.config import Config
from kiosk.dossier import Dossier
from kiosk.identity_note import identity_context, open_identity
from kiosk.keys import DATA, rotate_key
from kiosk.officer_mode import IdentityCheck, identity_text
from kiosk.officers import Actor
from kiosk.permissions import Role
from kiosk.sealing import Sealer, SealError, blob_key_id
from kiosk.trackcode import new_code
from tests.console.conftest import T0, FakeClock, Station, login

NOTE = "CMND cũ 012345678, Nguyễn Văn Hùng bảo lãnh"
# Pieces a leak would show: the number, a name with diacritics in UTF-8, a toneless bit.
TRACES = (b"012345678", "Hùng".encode(), b"CMND")


def assisted(station: Station, note: str = NOTE) -> str:
    code = new_code()
    holder = {"full_name": "Lò Thị Mai", "id_number": "011190004321", "passive_auth": "chain_unknown"}
    store = make_store(station.config)
    store.submit(Dossier(code, "1.003677", 1, "demo-station", T0, {"reason": "đi làm"}, holder))
    value = identity_text(IdentityCheck.PAPER_ID, note)
    store.mark_session(code, assisted_by="officer", identity_check=value, session_seconds=300)
    return code


def row(config: Config, code: str) -> tuple[str, bytes | None]:
    engine = make_engine(config.database_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                sa.select(DossierRow.identity_check, DossierRow.identity_sealed).where(
                    DossierRow.tracking_code == code
                )
            ).one()
            return found.identity_check, found.identity_sealed
    finally:
        engine.dispose()


def database_bytes(config: Config) -> bytes:
    path = Path(config.database_url.removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_the_note_is_sealed_and_the_way_stays_in_clear(fresh_station: Station) -> None:
    code = assisted(fresh_station)
    way, sealed = row(fresh_station.config, code)
    assert way == "paper_id" and sealed is not None
    raw = database_bytes(fresh_station.config)
    assert not [trace for trace in TRACES if trace in raw]
    sealer = make_storage(fresh_station.config).sealer
    assert open_identity(sealer, code, sealed) == f"paper_id: {NOTE}"
    with pytest.raises(SealError):  # bound to its dossier: another row's note does not open here
        sealer.open(sealed, context=identity_context(new_code()))


def test_a_way_without_a_note_seals_nothing(fresh_station: Station) -> None:
    code = new_code()
    store = make_store(fresh_station.config)
    store.submit(Dossier(code, "1.003677", 1, "demo-station", T0, {"reason": "x"}, {"full_name": "A"}))
    store.mark_session(code, assisted_by="officer", identity_check="known_person", session_seconds=9)
    assert row(fresh_station.config, code) == ("known_person", None)


def test_the_console_shows_the_note_to_an_officer_only(fresh_station: Station) -> None:
    code = assisted(fresh_station)
    app = build_console(fresh_station.config, clock=fresh_station.clock)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        login(client, "officer")
        page = client.get(f"/dossiers/{code}").text
        assert f'<em id="identity-note">{NOTE}</em>' in page
        assert "Giấy xác nhận số định danh" in page  # the way, in the words the kiosk showed
    with TestClient(app, base_url="http://127.0.0.1") as client:
        login(client, "tech")
        refused = client.get(f"/dossiers/{code}")
        assert refused.status_code == 403 and NOTE not in refused.text
    # Below the route's check, the desk itself opens the note only with the personal data.
    desk = make_desk(fresh_station.config)
    tech = Actor("tech", Role.TECHNICIAN)
    assert desk.view(tech, code).identity_note == ""
    assert desk.view(Actor("officer", Role.OFFICER), code).identity_note == NOTE


def test_the_audit_log_holds_no_note_text(fresh_station: Station) -> None:
    code = assisted(fresh_station)
    app = build_console(fresh_station.config, clock=fresh_station.clock)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        login(client, "officer")
        client.get(f"/dossiers/{code}")
    rows = make_officer_desk(fresh_station.config).audit.newest(200)
    assert rows and not [r for r in rows if any(t.decode() in r.detail for t in TRACES)]


def test_rotation_reseals_the_notes(fresh_station: Station) -> None:
    code = assisted(fresh_station)
    storage = make_storage(fresh_station.config)
    old_id = storage.sealer.key_id
    rotate_key(DATA, fresh_station.config.data_key_file, storage.keys)
    only_new = Sealer(fresh_station.config.data_key_file.read_bytes())
    _, sealed = row(fresh_station.config, code)
    assert sealed is not None and blob_key_id(sealed) == only_new.key_id != old_id
    assert open_identity(only_new, code, sealed) == f"paper_id: {NOTE}"


def clear_note_as_before_0013(config: Config, code: str, value: str) -> None:
    """The database as a station left it before revision 0013: the note in the clear column."""
    url = config.database_url
    from alembic import command

    from db.migrate import alembic_config

    engine = make_engine(url)
    try:
        with engine.begin() as conn:  # sealed notes refuse the downgrade: none then
            conn.execute(sa.update(DossierRow).values(identity_sealed=None))
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0012_report_indexes")
        with engine.begin() as conn:
            conn.execute(
                sa.update(DossierRow).where(DossierRow.tracking_code == code).values(identity_check=value)
            )
    finally:
        engine.dispose()
    assert current_revision(url) == "0012_report_indexes"


def test_a_downgrade_refuses_to_drop_sealed_notes(fresh_station: Station) -> None:
    from alembic import command

    from db.migrate import alembic_config

    code = assisted(fresh_station)
    engine = make_engine(fresh_station.config.database_url)
    try:
        with (
            engine.begin() as conn,
            pytest.raises(RuntimeError, match=r"1 dossier.* sealed identity-check note"),
        ):
            command.downgrade(alembic_config(conn), "0012_report_indexes")
    finally:
        engine.dispose()
    assert current_revision(fresh_station.config.database_url) == SCHEMA_REVISION
    assert row(fresh_station.config, code)[1] is not None


def test_the_migration_and_the_first_storage_seal_existing_notes(fresh_station: Station) -> None:
    config = fresh_station.config
    code = assisted(fresh_station)
    value = identity_text(IdentityCheck.CARD_SEEN, NOTE)
    clear_note_as_before_0013(config, code, value)
    assert NOTE.encode() in database_bytes(config)  # what 0013 is for

    upgrade(config.database_url)  # no key here: the way stays, the note waits to be sealed
    assert current_revision(config.database_url) == SCHEMA_REVISION
    way, _ = row(config, code)
    assert way == "card_seen"
    engine = make_engine(config.database_url)
    with engine.connect() as conn:
        waiting = conn.execute(sa.select(IdentityNoteToSealRow.value)).scalars().all()
    engine.dispose()
    assert waiting == [value]

    storage = make_storage(config)  # the first opening with the data key seals it
    way, sealed = row(config, code)
    assert way == "card_seen" and sealed is not None
    assert open_identity(storage.sealer, code, sealed) == value
    engine = make_engine(config.database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(IdentityNoteToSealRow)).scalar_one() == 0
    engine.dispose()
    raw = database_bytes(config)
    assert not [trace for trace in TRACES if trace in raw]  # zeroed, not left in free space
    assert make_storage(config).dossiers.seal_pending_identity_notes(lambda c, v: b"") == 0  # done once


def test_a_purged_dossier_takes_its_waiting_note_with_it(fresh_station: Station) -> None:
    config = fresh_station.config
    code = assisted(fresh_station)
    clear_note_as_before_0013(config, code, identity_text(IdentityCheck.PAPER_ID, NOTE))
    upgrade(config.database_url)
    engine = make_engine(config.database_url)
    try:
        with engine.begin() as conn:  # delivered: the purge takes only what left the station
            conn.execute(sa.update(OutboxRow).values(sent_at=T0))
        later = T0 + dt.timedelta(days=config.retention.days + 1)
        assert purge_old(config, make_retention(config), lambda: later).dossiers >= 1
        with engine.connect() as conn:
            left = conn.execute(sa.select(sa.func.count()).select_from(IdentityNoteToSealRow)).scalar_one()
    finally:
        engine.dispose()
    assert left == 0  # ON DELETE CASCADE


def test_the_same_migration_and_sealing_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    from kiosk.config import load_config

    config = load_config(
        overrides={"paths.data_dir": str(tmp_path / "data"), "database.url": pg_url}, environ={}
    )
    station = Station(config, FakeClock())
    code = assisted(station)
    value = identity_text(IdentityCheck.KNOWN_PERSON, NOTE)
    clear_note_as_before_0013(config, code, value)
    upgrade(config.database_url)
    assert row(config, code)[0] == "known_person"  # strpos, where SQLite has instr
    storage = make_storage(config)
    way, sealed = row(config, code)
    assert way == "known_person" and sealed is not None
    assert open_identity(storage.sealer, code, sealed) == value
