"""Every route for every role: allowed ones answer, the others are refused with 403 and audited."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kiosk.app.root import make_officer_desk
from kiosk.permissions import Action, may
from tests.console.conftest import ROLE_OF, Station, login

CODE = "{code}"
# (method, path, action needed; None: any signed-in officer)
ROUTES: list[tuple[str, str, Action | None]] = [
    ("GET", "/home", None),
    ("GET", "/queue", Action.CHANGE_STATUS),
    ("GET", "/dossiers/{code}", Action.VIEW_PERSONAL_DATA),
    ("GET", "/dossiers/{code}/photo", Action.VIEW_PERSONAL_DATA),
    ("POST", "/dossiers/{code}/status", Action.CHANGE_STATUS),
    ("POST", "/dossiers/{code}/filed", Action.CHANGE_STATUS),
    ("POST", "/dossiers/{code}/payment", Action.CONFIRM_PAYMENT),
    ("GET", "/dossiers/{code}/filing", Action.EXPORT_DOSSIER),
    ("GET", "/dossiers/{code}/export.json", Action.EXPORT_DOSSIER),
    ("GET", "/dossiers/{code}/export.pdf", Action.EXPORT_DOSSIER),
    ("GET", "/calls", Action.ANSWER_CALL),
    ("GET", "/calls.json", Action.ANSWER_CALL),
    ("POST", "/calls/{call_id}/answer", Action.ANSWER_CALL),
    ("GET", "/stats", Action.VIEW_STATISTICS),
    ("GET", "/stats/report.{kind}", Action.EXPORT_REPORT),
    ("GET", "/head/officers", Action.MANAGE_OFFICERS),
    ("POST", "/head/officers/add", Action.MANAGE_OFFICERS),
    ("POST", "/head/officers/{officer_id}/active", Action.MANAGE_OFFICERS),
    ("POST", "/head/officers/{officer_id}/pin", Action.MANAGE_OFFICERS),
    ("POST", "/head/officers/{officer_id}/card", Action.MANAGE_OFFICERS),
    ("GET", "/head/settings", Action.EDIT_SETTINGS),
    ("POST", "/head/settings", Action.EDIT_SETTINGS),
    ("POST", "/head/targets", Action.EDIT_SETTINGS),
    ("GET", "/head/catalog", Action.EDIT_SETTINGS),
    ("POST", "/head/catalog", Action.EDIT_SETTINGS),
    ("GET", "/head/audit", Action.VIEW_AUDIT),
    ("GET", "/head/audit.csv", Action.VIEW_AUDIT),
    ("POST", "/logout", None),
]
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/")}


def test_the_table_covers_every_route() -> None:
    from console.routes import calls, dossiers, head, login, queue, stats

    routes = {
        (method, route.path)
        for module in (calls, dossiers, head, login, queue, stats)
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert routes - PUBLIC == {(m, p) for m, p, _ in ROUTES}


@pytest.mark.parametrize("who", sorted(ROLE_OF))
@pytest.mark.parametrize(("method", "path", "action"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_by_role(
    station: Station, client: TestClient, who: str, method: str, path: str, action: Action | None
) -> None:
    csrf = login(client, who)
    url = path.format(code=station.codes[2], call_id=999999, officer_id="nobody", kind="csv")
    if method == "GET":
        response = client.get(url, follow_redirects=False)
    else:  # harmless bodies: each route's own checks refuse them after the role check
        response = client.post(url, data={"csrf": csrf, "status": "x", "pin": "1"}, follow_redirects=False)
    allowed = action is None or may(ROLE_OF[who], action)
    if allowed:
        assert response.status_code != 403, response.text
    else:
        assert response.status_code == 403
        assert "không được" in response.text or response.json() == {"error": 403}
        newest = make_officer_desk(station.config).audit.newest(1)[0]
        assert (newest.actor, newest.action) == (who, "refused") and action is not None
        assert action.value in newest.detail


def test_the_menu_shows_only_what_the_role_may_open(station: Station, client: TestClient) -> None:
    login(client, "tech")
    page = client.get("/home").text
    assert 'href="/queue"' not in page and 'href="/head/audit"' not in page
    login(client, "officer")
    page = client.get("/home").text
    assert 'href="/queue"' in page and 'href="/calls"' in page and 'href="/head/officers"' not in page
