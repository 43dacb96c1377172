"""The queue: filters, search by code, ID number and toneless name through the blind index."""

from __future__ import annotations

import re
import sqlite3

import pytest
from fastapi.testclient import TestClient

from db.engine import sqlite_file
from kiosk.blind_index import fold, words
from kiosk.trackcode import display
from tests.console.conftest import Station, login


def codes_on(html: str) -> set[str]:
    return {m.replace("-", "") for m in re.findall(r'href="/dossiers/([0-9A-Z]+)"', html)}


def test_fold_drops_tone_marks_and_the_stroke_of_d() -> None:
    assert fold("Nguyễn Thị Hằng") == "nguyen thi hang"
    assert words("  ĐẶNG   Đức-Thắng ") == ["dang", "duc", "thang"]


@pytest.mark.parametrize("query", ["nguyen thi hang", "Nguyễn Thị Hằng", "HANG nguyen", "hằng"])
def test_a_toneless_name_finds_the_dossier(station: Station, client: TestClient, query: str) -> None:
    login(client, "officer")
    found = codes_on(client.get("/queue", params={"q": query}).text)
    assert found == {station.codes[0]}


def test_every_word_must_match(station: Station, client: TestClient) -> None:
    login(client, "officer")
    assert codes_on(client.get("/queue", params={"q": "nguyen"}).text) == {station.codes[0], station.codes[2]}
    assert codes_on(client.get("/queue", params={"q": "nguyen duc"}).text) == set()
    assert codes_on(client.get("/queue", params={"q": "nguy"}).text) == set()  # whole words only


def test_search_by_id_number_and_tracking_code(station: Station, client: TestClient) -> None:
    login(client, "officer")
    assert codes_on(client.get("/queue", params={"q": "079085001122"}).text) == {station.codes[1]}
    typed = display(station.codes[2]).lower()
    assert codes_on(client.get("/queue", params={"q": typed}).text) == {station.codes[2]}


@pytest.mark.parametrize(
    "query",
    [
        "' OR '1'='1",
        "%",
        "_",
        "xyz%' OR 1=1 --",
        '"; DROP TABLE dossiers; --',
        "' UNION SELECT payload FROM dossiers --",
    ],
)
def test_sql_injection_in_search_finds_nothing_and_breaks_nothing(
    station: Station, client: TestClient, query: str
) -> None:
    login(client, "officer")
    response = client.get("/queue", params={"q": query})
    assert response.status_code == 200
    assert codes_on(response.text) == set()
    assert codes_on(client.get("/queue").text) >= set(station.codes)  # the table is still there


def test_the_database_holds_no_plain_name_nor_id_number(station: Station) -> None:
    path = sqlite_file(station.config.database_url)
    assert path is not None
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(FULL)")
        rows = db.execute("SELECT name_index, id_index FROM dossiers").fetchall()
    assert all(name.startswith(" ") and name.endswith(" ") and idx for name, idx in rows)
    raw = path.read_bytes()
    for needle in ("Hằng", "Hang", "hang", "Nguyễn", "nguyen", "001190012345"):
        assert needle.encode() not in raw, needle


def test_filters(station: Station, client: TestClient) -> None:
    login(client, "officer")
    assert codes_on(client.get("/queue", params={"service": "1.014063"}).text) == {station.codes[1]}
    assert codes_on(client.get("/queue", params={"since": "2026-11-21"}).text) == set()
    assert set(station.codes) <= codes_on(
        client.get("/queue", params={"since": "2026-11-19", "until": "2026-11-21"}).text
    )
    assert codes_on(client.get("/queue", params={"assisted": "yes"}).text) == set()
    assert codes_on(client.get("/queue", params={"assisted": "no"}).text) >= set(station.codes)
    bad = client.get("/queue", params={"since": "not a date", "status": "'; --", "offset": "-5"})
    assert bad.status_code == 200 and codes_on(bad.text) >= set(station.codes)


def test_a_search_is_audited_without_what_was_searched(station: Station, client: TestClient) -> None:
    from kiosk.app.root import make_officer_desk

    login(client, "officer")
    client.get("/queue", params={"q": "nguyen thi hang"})
    newest = make_officer_desk(station.config).audit.newest(1)[0]
    assert (newest.actor, newest.action) == ("officer", "search")
    assert "nguyen" not in newest.detail


def test_index_rebuild_indexes_dossiers_stored_before(fresh_station: Station) -> None:
    from sqlalchemy import create_engine, text

    from kiosk.app.cli import main

    engine = create_engine(fresh_station.config.database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE dossiers SET name_index = '', id_index = ''"))
    engine.dispose()
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        login(client, "officer")
        assert codes_on(client.get("/queue", params={"q": "nguyen thi hang"}).text) == set()
        config_file = fresh_station.config.data_dir.parent / "kiosk.toml"
        assert main(["--config", str(config_file), "index", "rebuild"]) == 0
        assert codes_on(client.get("/queue", params={"q": "nguyen thi hang"}).text) == {
            fresh_station.codes[0]
        }
