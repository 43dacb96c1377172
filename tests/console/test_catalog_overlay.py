"""The station head edits the station's own service files from the console: saved only when the
catalog passes `kiosk catalog check`'s checks with the file in place, written atomically,
audited; a bad file or name changes nothing; another role is refused."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk.app.root import make_officer_desk
from kiosk.catalog import check_catalog, load_catalog
from kiosk.config import load_config
from tests.console.conftest import FakeClock, Station, login, seed

BUNDLED = "cap_doi_the_can_cuoc.toml"
ORIGINAL = resources.files("resources.services").joinpath(BUNDLED).read_text("utf-8")
RENAMED = ORIGINAL.replace('vi = "Cấp đổi thẻ căn cước"', 'vi = "Đổi thẻ căn cước (tại xã)"', 1)


@pytest.fixture
def station(tmp_path: Path) -> Station:
    overlay = tmp_path / "station-services"
    overlay.mkdir()
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[catalog]\ndir = "{overlay}"\n', "utf-8")
    config = load_config(path, environ={})
    return Station(config, FakeClock(), seed(config))


def client_for(station: Station) -> TestClient:
    return TestClient(station.app(), base_url="http://127.0.0.1")


def test_a_valid_file_is_saved_and_replaces_the_bundled_service(station: Station) -> None:
    folder = station.config.catalog.dir
    assert folder is not None and RENAMED != ORIGINAL
    with client_for(station) as client:
        csrf = login(client, "head")
        saved = client.post("/head/catalog", data={"csrf": csrf, "name": "doi_the.toml", "text": RENAMED})
        assert saved.status_code == 200 and 'id="saved"' in saved.text and BUNDLED in saved.text
        assert (folder / "doi_the.toml").read_text("utf-8") == RENAMED
        assert list(folder.iterdir()) == [folder / "doi_the.toml"]  # no temporary file left
        assert "doi_the.toml" in client.get("/head/catalog").text
        assert (
            "Đổi thẻ căn cước (tại xã)" in client.get("/head/catalog", params={"file": "doi_the.toml"}).text
        )
    catalog = load_catalog(overlay=folder)  # what the kiosk loads at its next start
    assert catalog.get("1.014063").title.get("vi") == "Đổi thẻ căn cước (tại xã)"
    assert check_catalog(overlay=folder)[1] == []  # `kiosk catalog check` finds nothing wrong
    newest = make_officer_desk(station.config).audit.newest(1)[0]
    assert (newest.actor, newest.action) == ("head", "catalog_save")
    assert newest.detail.startswith("doi_the.toml ") and newest.detail.endswith(
        f"replaces resources/services/{BUNDLED}"
    )


def test_uploaded_file_takes_its_own_name(station: Station) -> None:
    folder = station.config.catalog.dir
    assert folder is not None
    with client_for(station) as client:
        csrf = login(client, "head")
        files = {"upload": ("tai_len.toml", RENAMED.encode(), "application/toml")}
        saved = client.post("/head/catalog", data={"csrf": csrf, "name": "", "text": ""}, files=files)
        assert saved.status_code == 200, saved.text
    assert (folder / "tai_len.toml").read_text("utf-8") == RENAMED


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("hong.toml", 'code = "1.0"\n[title\n', "not valid TOML"),
        ("thieu.toml", 'code = "9.999"\nslug = "x"\nversion = 1\n', "thieu.toml"),
        ("../ngoai.toml", RENAMED, "no folders"),
    ],
    ids=["bad TOML", "incomplete service", "path outside the folder"],
)
def test_a_bad_file_changes_nothing(station: Station, name: str, text: str, said: str) -> None:
    folder = station.config.catalog.dir
    assert folder is not None
    with client_for(station) as client:
        csrf = login(client, "head")
        refused = client.post("/head/catalog", data={"csrf": csrf, "name": name, "text": text})
        assert refused.status_code == 400 and 'id="problems"' in refused.text
        assert said in refused.text
    assert list(folder.iterdir()) == [] and not (folder.parent / "ngoai.toml").exists()
    if said != "no folders":
        newest = make_officer_desk(station.config).audit.newest(1)[0]
        assert (newest.actor, newest.action) == ("head", "catalog_refused")


def test_an_officer_may_not_edit_the_catalog(station: Station) -> None:
    with client_for(station) as client:
        csrf = login(client, "officer")
        refused = client.post("/head/catalog", data={"csrf": csrf, "name": "x.toml", "text": RENAMED})
        assert refused.status_code == 403
    folder = station.config.catalog.dir
    assert folder is not None and list(folder.iterdir()) == []
