"""`kiosk index rebuild` fills the name-token and pair tables (revisions 0008, 0012) for dossiers that
have none, and repairs them where they differ from the stored index."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text

from db.models import DossierNameTokenRow
from kiosk.app.cli import main
from tests.console.conftest import Station, login
from tests.console.test_queue import codes_on


def test_index_rebuild_fills_the_token_table(fresh_station: Station) -> None:
    engine = create_engine(fresh_station.config.database_url)
    with engine.begin() as conn:  # as stored before the console's index existed
        conn.execute(text("UPDATE dossiers SET name_index = '', id_index = ''"))
        conn.execute(text("DELETE FROM dossier_name_tokens"))
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        login(client, "officer")
        assert codes_on(client.get("/queue", params={"q": "nguyen"}).text) == set()
        config_file = fresh_station.config.data_dir.parent / "kiosk.toml"
        assert main(["--config", str(config_file), "index", "rebuild"]) == 0
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(DossierNameTokenRow)) == 9  # 3 names, 3 words
        assert codes_on(client.get("/queue", params={"q": "nguyen"}).text) == {
            fresh_station.codes[0],
            fresh_station.codes[2],
        }
        assert main(["--config", str(config_file), "index", "rebuild"]) == 0  # again: nothing doubled
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(DossierNameTokenRow)) == 9
    engine.dispose()


def test_index_rebuild_repairs_rows_deleted_by_hand(fresh_station: Station) -> None:
    """The stored index (`name_index`) is right but its token and pair rows were deleted or
    changed by hand: the search misses those dossiers until `kiosk index rebuild` writes them."""
    engine = create_engine(fresh_station.config.database_url)
    with engine.connect() as conn:
        before = {
            table: sorted(conn.execute(text(f"SELECT * FROM {table}")).all())
            for table in ("dossier_name_tokens", "dossier_name_pairs")
        }
    assert len(before["dossier_name_pairs"]) == 9  # 3 names of 3 words: 3 pairs each
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM dossier_name_tokens"))
        conn.execute(text("DELETE FROM dossier_name_pairs WHERE dossier_id = (SELECT min(id) FROM dossiers)"))
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        login(client, "officer")
        assert codes_on(client.get("/queue", params={"q": "nguyen"}).text) == set()
        config_file = fresh_station.config.data_dir.parent / "kiosk.toml"
        assert main(["--config", str(config_file), "index", "rebuild"]) == 0
        with engine.connect() as conn:
            after = {table: sorted(conn.execute(text(f"SELECT * FROM {table}")).all()) for table in before}
        assert after == before
        assert codes_on(client.get("/queue", params={"q": "nguyen"}).text) == {
            fresh_station.codes[0],
            fresh_station.codes[2],
        }
    engine.dispose()
