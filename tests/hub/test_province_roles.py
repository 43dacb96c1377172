"""The console at the province hub: every route for every account (three roles, each scoped to one
station or to the whole province, and nobody signed in), its cookies and its idle logout. The
console runs in-process (`build_hub_app`) over the real hub's PostgreSQL database and keys, with
a dossier delivered by a real station through the signed API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from hub.serve import open_hub
from kiosk.app.cli import main
from kiosk.app.root import build_hub_app, make_hub_officers
from kiosk.officers import Actor
from kiosk.permissions import Role
from tests.console.conftest import csrf_of
from tests.hub.conftest import HubServer, make_station
from tests.hub.test_hub import _deliver
from tests.hub.test_province_hub import _submit

PIN = "604381"
# The accounts, in the order of the table's columns: role and scope (one station / the province).
ACCOUNTS: dict[str, tuple[Role, bool]] = {
    "cbtram": (Role.OFFICER, True),
    "tptram": (Role.STATION_HEAD, True),
    "kttram": (Role.TECHNICIAN, True),
    "cbtinh": (Role.OFFICER, False),
    "tptinh": (Role.STATION_HEAD, False),
    "kttinh": (Role.TECHNICIAN, False),
}
ANONYMOUS = "-"
# What each account gets, one letter per column of ACCOUNTS then nobody signed in:
# A answered (the page, a redirect after the work, or the route's own refusal of a harmless
# body), 3 refused by role (403, audited), N no such page at the hub (404), L sent to the login.
TABLE: list[tuple[str, str, str]] = [
    ("GET", "/home", "AAAAAA L"),
    ("GET", "/queue", "AA3AA3 L"),
    ("GET", "/dossiers/{code}", "AA3AA3 L"),
    ("GET", "/dossiers/{code}/photo", "AA3AA3 L"),
    ("POST", "/dossiers/{code}/status", "AA3AA3 L"),
    ("POST", "/dossiers/{code}/filed", "AA3AA3 L"),
    ("POST", "/dossiers/{code}/payment", "AA3AA3 L"),
    ("GET", "/dossiers/{code}/filing", "AA3AA3 L"),
    ("GET", "/dossiers/{code}/export.json", "AA3AA3 L"),
    ("GET", "/dossiers/{code}/export.pdf", "AA3AA3 L"),
    # No kiosk calls an officer at the hub: the pages are not there at all.
    ("GET", "/calls", "NNNNNN N"),
    ("GET", "/calls.json", "NNNNNN N"),
    ("POST", "/calls/{call_id}/answer", "NNNNNN N"),
    # Statistics at the hub are the province pages; whole-database pages refuse scoped accounts.
    ("GET", "/stats", "333AA3 L"),
    ("GET", "/stats/report.{kind}", "3333A3 L"),
    ("GET", "/head/officers", "3333A3 L"),
    ("POST", "/head/officers/add", "3333A3 L"),
    ("POST", "/head/officers/{officer_id}/active", "3333A3 L"),
    ("POST", "/head/officers/{officer_id}/pin", "3333A3 L"),
    ("POST", "/head/officers/{officer_id}/card", "3333A3 L"),
    ("GET", "/head/settings", "3333A3 L"),
    ("POST", "/head/settings", "3333A3 L"),
    ("POST", "/head/targets", "3333A3 L"),
    ("GET", "/head/catalog", "3333A3 L"),
    ("POST", "/head/catalog", "3333A3 L"),
    ("GET", "/head/audit", "3333A3 L"),
    ("GET", "/head/audit.csv", "3333A3 L"),
    ("GET", "/province", "333AA3 L"),
    ("GET", "/province/stations/{station_id}", "333AA3 L"),
    ("POST", "/province/targets", "3333A3 L"),
    ("GET", "/province/changes", "333AA3 L"),
    ("POST", "/logout", "LLLLLL L"),  # back to the login form, the session ended (checked)
]
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/")}


@dataclass
class HubConsole:
    hub: HubServer
    station_id: str
    code: str


@pytest.fixture(scope="module")
def hub_console(hub: HubServer, tmp_path_factory: pytest.TempPathFactory) -> HubConsole:
    """A station's dossier delivered to the hub, and the six accounts."""
    station = make_station(tmp_path_factory.mktemp("roles"), "PR01", hub.url)
    parts = open_hub(hub.db_url, hub.keys)
    code = parts.hub.new_code(station.station_id, "Hà Nội", "Xã Phú Roles", "Công an xã Phú Roles")
    parts.engine.dispose()
    assert station.cli("hub", "enrol", "--hub", hub.url, code) == 0
    tracking = _submit(station)
    assert _deliver(station).sent == 1
    officers = make_hub_officers(hub.db_url, hub.keys)
    for officer_id, (role, scoped) in ACCOUNTS.items():
        officers.add(
            Actor.command_line("test"),
            officer_id,
            f"Đồng chí {officer_id}",
            role,
            PIN,
            station_id=station.station_id if scoped else None,
        )
    return HubConsole(hub, station.station_id, tracking)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def _client(console: HubConsole, clock: Clock | None = None, **options: object) -> TestClient:
    app = build_hub_app(
        console.hub.db_url,
        console.hub.keys,
        "Hà Nội",
        clock or Clock(),
        **options,  # type: ignore[arg-type]
    )
    return TestClient(app, base_url="http://127.0.0.1")


def _login(client: TestClient, officer_id: str) -> str:
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"officer_id": officer_id, "secret": PIN, "kind": "pin", "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/home").text)


def test_the_table_covers_every_route_of_the_hubs_console() -> None:
    from console.routes import calls, dossiers, head, login, province, queue, stats

    routes = {
        (method, route.path)
        for module in (calls, dossiers, head, login, queue, stats, province)
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert routes - PUBLIC == {(m, p) for m, p, _ in TABLE}
    assert all(len(row) == len(ACCOUNTS) + 2 for _m, _p, row in TABLE)


def _answer(client: TestClient, console: HubConsole, method: str, path: str, csrf: str) -> str:
    url = path.format(
        code=console.code, call_id=999999, officer_id="nobody", kind="csv", station_id=console.station_id
    )
    if method == "GET":
        response = client.get(url, follow_redirects=False)
    else:  # harmless bodies: each route's own checks refuse them after the role check
        response = client.post(
            url, data={"csrf": csrf, "status": "x", "pin": "1", "target": "-1"}, follow_redirects=False
        )
    if response.status_code == 403:
        return "3"
    if response.status_code == 404 and "Not Found" in response.text:  # no route, not "no dossier"
        return "N"
    if response.status_code == 303 and response.headers["location"] == "/login":
        return "L"
    if response.status_code == 401 and response.json() == {"error": "not signed in"}:
        return "L"
    return "A"


@pytest.mark.parametrize("who", [*ACCOUNTS, ANONYMOUS])
def test_every_route_for_every_account_at_the_hub(hub_console: HubConsole, who: str) -> None:
    column = [*ACCOUNTS, "", ANONYMOUS].index(who)
    audit = open_hub(hub_console.hub.db_url, hub_console.hub.keys).audit
    got: dict[tuple[str, str], str] = {}
    with _client(hub_console, secure_cookies=False) as client:
        csrf = _login(client, who) if who != ANONYMOUS else ""
        for method, path, _row in TABLE:  # /logout is the table's last row
            got[(method, path)] = _answer(client, hub_console, method, path, csrf)
            if got[(method, path)] == "3":
                newest = audit.newest(1)[0]
                assert (newest.actor, newest.action) == (who, "refused"), (method, path)
        assert _answer(client, hub_console, "GET", "/home", "") == "L"  # signed out
    wanted = {(m, p): row[column] for m, p, row in TABLE}
    wrong = {route: (wanted[route], got[route]) for route in wanted if got[route] != wanted[route]}
    assert not wrong, f"{who}: (wanted, got) {wrong}"


def test_no_officer_calls_at_the_hub(hub_console: HubConsole) -> None:
    with _client(hub_console, secure_cookies=False) as client:
        _login(client, "tptinh")
        home = client.get("/home").text
    assert "Gọi cán bộ" not in home and 'href="/calls"' not in home
    assert 'id="calls-bar"' not in home  # no poll of /calls.json either
    assert 'href="/province"' in home and 'href="/queue"' in home


def test_the_hubs_cookies_are_secure_unless_told_plain(hub_console: HubConsole) -> None:
    """Behind the TLS proxy (the default) the browser sends the session back over HTTPS only."""
    with _client(hub_console) as client:
        form = client.get("/login")
        assert "secure" in form.headers["set-cookie"].lower()
        answer = client.post(
            "/login",
            data={"officer_id": "cbtinh", "secret": PIN, "kind": "pin", "csrf": csrf_of(form.text)},
            # by hand: a cookie jar keeps a Secure cookie from a plain-http request, as a browser does
            headers={"cookie": "; ".join(f"{name}={value}" for name, value in form.cookies.items())},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        session = [c for c in answer.headers.get_list("set-cookie") if c.startswith("kiosk_console=")]
        assert session and all("secure" in c.lower() and "httponly" in c.lower() for c in session)
    with _client(hub_console, secure_cookies=False) as client:
        assert "secure" not in client.get("/login").headers["set-cookie"].lower()


def test_a_hub_session_ends_after_the_idle_time(hub_console: HubConsole) -> None:
    clock = Clock()
    with _client(hub_console, clock, secure_cookies=False, idle_logout=dt.timedelta(minutes=5)) as client:
        _login(client, "cbtinh")
        clock.now += dt.timedelta(minutes=4)
        assert client.get("/queue", follow_redirects=False).status_code == 200  # a request: still here
        clock.now += dt.timedelta(minutes=4, seconds=50)
        assert client.get("/queue", follow_redirects=False).status_code == 200
        clock.now += dt.timedelta(minutes=5, seconds=1)
        gone = client.get("/queue", follow_redirects=False)
        assert (gone.status_code, gone.headers.get("location")) == (303, "/login")
    newest = open_hub(hub_console.hub.db_url, hub_console.hub.keys).audit.newest(1)[0]
    assert (newest.actor, newest.action, newest.detail) == ("cbtinh", "logout", "console: idle")


def test_hub_serve_takes_its_console_options(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[dict[str, object]] = []
    monkeypatch.setattr("kiosk.app.root.build_hub_app", lambda *a, **options: built.append(options))
    stacks: list[str] = []
    monkeypatch.setattr("hub.serve.serve", lambda app, listen, stack: stacks.append(stack))
    assert main(["hub", "serve", "--url", "u", "--keys", "k"]) == 0
    options = ["--cookies", "plain", "--idle-logout-minutes", "30", "--key-cache-seconds", "0.5"]
    assert main(["hub", "serve", "--url", "u", "--keys", "k", *options, "--http-stack", "plain"]) == 0
    assert [(o["secure_cookies"], o["idle_logout"], o["key_cache_seconds"]) for o in built] == [
        (True, dt.timedelta(minutes=15), 1.0),
        (False, dt.timedelta(minutes=30), 0.5),
    ]
    assert stacks == ["fast", "plain"]
    for bad in ("0", "481", "ten"):
        with pytest.raises(SystemExit):
            main(["hub", "serve", "--url", "u", "--keys", "k", "--idle-logout-minutes", bad])
    for bad in ("-1", "6", "soon"):
        with pytest.raises(SystemExit):
            main(["hub", "serve", "--url", "u", "--keys", "k", "--key-cache-seconds", bad])


def test_the_hub_answers_the_proxys_liveness_probe(hub: HubServer) -> None:
    """`kiosk hub serve` (the console app) answers nginx's unsigned probe, as the API app does."""
    import httpx

    answer = httpx.get(hub.url + "/livez", timeout=10)
    assert (answer.status_code, answer.text) == (200, "ok")


@pytest.mark.parametrize(
    ("env", "bad"), [("KIOSK_HUB_COOKIES", "sekure"), ("KIOSK_HUB_HTTP_STACK", "fastest")]
)
def test_a_misspelt_hub_environment_value_is_an_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: str, bad: str
) -> None:
    """argparse checks `choices` against the command line only: KIOSK_HUB_COOKIES=sekure served
    the console with plain cookies."""
    monkeypatch.setattr("kiosk.app.root.build_hub_app", lambda *a, **options: pytest.fail("built"))
    monkeypatch.setenv(env, bad)
    with pytest.raises(SystemExit):
        main(["hub", "serve", "--url", "u", "--keys", "k"])
    assert env in capsys.readouterr().err
