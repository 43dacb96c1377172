"""A station with a database, keys, officers and dossiers, and its console as a TestClient."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette

from kiosk.app.root import build_console, make_officer_desk, make_signer, make_storage, make_store
from kiosk.config import Config, load_config
from kiosk.dossier import Dossier
from kiosk.officers import Actor
from kiosk.permissions import Role

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
PINS = {"head": "482915", "officer": "735102", "tech": "640273"}
ROLE_OF = {"head": Role.STATION_HEAD, "officer": Role.OFFICER, "tech": Role.TECHNICIAN}

PEOPLE = (
    ("Nguyễn Thị Hằng", "001190012345", "1.003677"),
    ("Trần Văn Đức", "079085001122", "1.014063"),
    ("Nguyễn Văn An", "031200009876", "1.003677"),
)


@dataclass
class FakeClock:
    now: dt.datetime = T0

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Station:
    config: Config
    clock: FakeClock
    codes: list[str] = field(default_factory=list)
    _app: Starlette | None = None

    def app(self) -> Starlette:
        """The console (built once: a console serves many sessions)."""
        if self._app is None:
            self._app = build_console(self.config, clock=self.clock)
        return self._app


def write_station(folder: Path) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{folder / "data"}"\n', "utf-8")
    return load_config(path, environ={})


def seed(config: Config) -> list[str]:
    from kiosk.trackcode import new_code

    storage = make_storage(config)
    make_signer(config, storage)
    store = make_store(config, storage)
    codes = []
    for i, (name, id_number, service) in enumerate(PEOPLE):
        code = new_code()
        fee = 50000 if service == "1.014063" else 0
        store.submit(
            Dossier(
                code, service, 1, "demo-station", T0 + dt.timedelta(hours=i),
                fields={"reason": f"lý do {i}"},
                holder={"full_name": name, "id_number": id_number, "passive_auth": "valid"},
                fee_amount=fee,
            )
        )  # fmt: skip
        codes.append(code)
    desk = make_officer_desk(config)
    for officer_id, role in ROLE_OF.items():
        desk.officers.add(
            Actor.command_line("test"), officer_id, f"Cán bộ {officer_id}", role, PINS[officer_id]
        )
    return codes


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, list[str]]:
    config = write_station(tmp_path_factory.mktemp("station"))
    return config, seed(config)


@pytest.fixture(scope="module")
def shared_station(seeded: tuple[Config, list[str]]) -> Station:
    config, codes = seeded
    return Station(config, FakeClock(), codes)


@pytest.fixture
def station(shared_station: Station) -> Station:
    shared_station.clock.now = T0
    return shared_station


@pytest.fixture
def fresh_station(tmp_path: Path) -> Station:
    config = write_station(tmp_path / "station")
    return Station(config, FakeClock(), seed(config))


@pytest.fixture
def client(station: Station) -> Iterator[TestClient]:
    with TestClient(station.app(), base_url="http://127.0.0.1") as test_client:
        yield test_client


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def login(client: TestClient, officer_id: str, secret: str | None = None) -> str:
    """Signs in; returns the session's CSRF token."""
    form = client.get("/login")
    response = client.post(
        "/login",
        data={
            "officer_id": officer_id,
            "secret": secret or PINS[officer_id],
            "kind": "pin",
            "csrf": csrf_of(form.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/home").text)
