"""The card photo with the dossier: stored sealed (no JPEG in the database file), shown on the
console's dossier page to a role that may see personal data (audited as a view of it), refused
to one that may not, and purged with the dossier."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from db.engine import make_engine
from db.models import DossierPhotoRow, OutboxRow
from devices.card.emulated.face import LARGE, make_face_jpeg
from kiosk.app.root import build_console, make_officer_desk, make_retention, make_store, purge_old
from kiosk.dossier import Dossier
from kiosk.trackcode import new_code
from tests.console.conftest import T0, Station, login

FACE, _, _ = make_face_jpeg("Nguyễn Thị Hằng", LARGE)


def submit_with_photo(station: Station, photo: bytes | None = FACE) -> str:
    code = new_code()
    holder = {"full_name": "Lò Thị Mai", "id_number": "011190004321", "passive_auth": "valid"}
    dossier = Dossier(code, "1.003677", 1, "demo-station", T0, {"reason": "đi làm"}, holder, photo=photo)
    make_store(station.config).submit(dossier)
    return code


def photos(station: Station) -> int:
    engine = make_engine(station.config.database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(DossierPhotoRow)).scalar_one())
    finally:
        engine.dispose()


def database_bytes(station: Station) -> bytes:
    path = Path(station.config.database_url.removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_the_photo_is_stored_sealed(fresh_station: Station) -> None:
    submit_with_photo(fresh_station)
    assert photos(fresh_station) == 1
    raw = database_bytes(fresh_station)
    assert FACE.startswith(b"\xff\xd8\xff")
    assert FACE[:16] not in raw and b"JFIF" not in raw  # the JPEG's magic and header: not in clear
    assert FACE[len(FACE) // 2 : len(FACE) // 2 + 32] not in raw
    assert base64.b64encode(FACE[:48]) not in raw  # nor the base64 text the seal holds


def test_the_console_shows_it_to_an_officer_and_audits_the_view(fresh_station: Station) -> None:
    code = submit_with_photo(fresh_station)
    bare = submit_with_photo(fresh_station, photo=None)
    with TestClient(
        build_console(fresh_station.config, clock=fresh_station.clock), base_url="http://127.0.0.1"
    ) as client:
        login(client, "officer")
        page = client.get(f"/dossiers/{code}").text
        assert f'<img id="photo" src="/dossiers/{code}/photo"' in page
        shown = client.get(f"/dossiers/{code}/photo")
        assert shown.status_code == 200 and shown.content == FACE
        assert shown.headers["content-type"] == "image/jpeg"
        assert shown.headers["cache-control"] == "no-store"
        newest = make_officer_desk(fresh_station.config).audit.newest(1)[0]
        assert (newest.actor, newest.action, newest.detail) == ("officer", "view_photo", code)

        assert 'id="no-photo"' in client.get(f"/dossiers/{bare}").text
        assert client.get(f"/dossiers/{bare}/photo").status_code == 404


def test_a_role_without_personal_data_is_refused(fresh_station: Station) -> None:
    code = submit_with_photo(fresh_station)
    with TestClient(
        build_console(fresh_station.config, clock=fresh_station.clock), base_url="http://127.0.0.1"
    ) as client:
        login(client, "tech")
        refused = client.get(f"/dossiers/{code}/photo")
        assert refused.status_code == 403 and FACE[:16] not in refused.content
        newest = make_officer_desk(fresh_station.config).audit.newest(1)[0]
        assert (newest.actor, newest.action) == ("tech", "refused")
        assert "view_personal_data" in newest.detail


def test_the_photo_is_purged_with_its_dossier(fresh_station: Station) -> None:
    submit_with_photo(fresh_station)
    engine = make_engine(fresh_station.config.database_url)
    try:
        with engine.begin() as conn:  # delivered: the purge takes only what left the station
            conn.execute(update(OutboxRow).values(sent_at=T0))
    finally:
        engine.dispose()
    later = T0 + dt.timedelta(days=fresh_station.config.retention.days + 1)
    report = purge_old(fresh_station.config, make_retention(fresh_station.config), lambda: later)
    assert report.dossiers >= 1
    assert photos(fresh_station) == 0
