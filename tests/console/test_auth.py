"""Login, lockout, sessions (hashed, no fixation, idle logout), CSRF."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

from fastapi.testclient import TestClient

from db.engine import sqlite_file
from kiosk.app.root import make_officer_desk
from tests.console.conftest import PINS, Station, csrf_of, login


def _db(station: Station) -> sqlite3.Connection:
    path = sqlite_file(station.config.database_url)
    assert path is not None
    return sqlite3.connect(path)


def test_pages_need_a_login(client: TestClient) -> None:
    for path in ("/home", "/queue", "/calls", "/head/officers", "/head/audit"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    assert client.get("/calls.json").status_code == 401


def test_login_sets_a_strict_httponly_cookie_whose_hash_only_is_stored(
    station: Station, client: TestClient
) -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"officer_id": "officer", "secret": PINS["officer"], "kind": "pin", "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("kiosk_console="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    with _db(station) as db:
        stored = [row[0] for row in db.execute("SELECT token_hash FROM console_sessions")]
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored
    assert client.get("/queue").status_code == 200


def test_a_wrong_pin_is_refused_and_audited(station: Station, client: TestClient) -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"officer_id": "officer", "secret": "111111", "kind": "pin", "csrf": csrf_of(form.text)},
    )
    assert response.status_code == 401 and "Sai mã cán bộ" in response.text
    assert client.get("/queue", follow_redirects=False).status_code == 303
    newest = make_officer_desk(station.config).audit.newest(1)[0]
    assert (newest.actor, newest.action) == ("officer", "pin_failed")


def test_five_wrong_pins_lock_even_the_right_one(fresh_station: Station) -> None:
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        for _ in range(5):
            form = client.get("/login")
            client.post("/login", data={"officer_id": "tech", "secret": "999999", "csrf": csrf_of(form.text)})
        form = client.get("/login")
        response = client.post(
            "/login", data={"officer_id": "tech", "secret": PINS["tech"], "csrf": csrf_of(form.text)}
        )
        assert response.status_code == 401 and "khóa 15 phút" in response.text
        assert client.get("/home", follow_redirects=False).status_code == 303


def test_login_without_the_forms_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"officer_id": "officer", "secret": PINS["officer"], "csrf": "forged"}
    )
    assert response.status_code == 403
    assert client.get("/queue", follow_redirects=False).status_code == 303


def _session_cookie(response: object) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    cookie = next(h for h in headers if h.startswith("kiosk_console="))
    return str(cookie.split(";")[0].split("=", 1)[1])


def test_a_cookie_planted_before_login_is_not_the_session_after_it(
    station: Station, client: TestClient
) -> None:
    """Session fixation: whatever token the browser had, login makes a new one and ends the old."""
    planted = "attacker-chosen-token"
    form = client.get("/login")
    pre = client.cookies.get("kiosk_console_login")
    client.cookies.clear()
    response = client.post(
        "/login",
        data={"officer_id": "officer", "secret": PINS["officer"], "csrf": csrf_of(form.text)},
        headers={"Cookie": f"kiosk_console={planted}; kiosk_console_login={pre}"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert _session_cookie(response) != planted
    with TestClient(station.app(), base_url="http://127.0.0.1") as attacker:
        attacker.cookies.set("kiosk_console", planted)
        assert attacker.get("/queue", follow_redirects=False).status_code == 303


def test_a_session_token_sent_with_a_new_login_is_ended(station: Station, client: TestClient) -> None:
    login(client, "officer")
    first = client.cookies.get("kiosk_console")
    login(client, "officer")
    assert client.cookies.get("kiosk_console") != first
    with TestClient(station.app(), base_url="http://127.0.0.1") as other:
        other.cookies.set("kiosk_console", first or "")
        assert other.get("/queue", follow_redirects=False).status_code == 303


def test_idle_sessions_end(station: Station, client: TestClient) -> None:
    login(client, "officer")
    station.clock.now += dt.timedelta(minutes=14)
    assert client.get("/queue").status_code == 200  # a request keeps it alive
    station.clock.now += dt.timedelta(minutes=14)
    assert client.get("/queue").status_code == 200
    station.clock.now += dt.timedelta(minutes=16)
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_the_last_request_time_is_written_at_most_once_a_minute(station: Station, client: TestClient) -> None:
    login(client, "officer")
    token = client.cookies.get("kiosk_console") or ""

    def last_seen() -> str:
        with _db(station) as db:
            digest = hashlib.sha256(token.encode()).hexdigest()
            (seen,) = db.execute(
                "SELECT last_seen_at FROM console_sessions WHERE token_hash = ?", (digest,)
            ).fetchone()
        return str(seen)

    at_login = last_seen()
    station.clock.now += dt.timedelta(seconds=50)
    assert client.get("/queue").status_code == 200
    assert last_seen() == at_login  # no write for a page 50 s after the last one written
    station.clock.now += dt.timedelta(seconds=20)
    assert client.get("/queue").status_code == 200
    assert last_seen() > at_login  # 70 s: written
    station.clock.now += dt.timedelta(minutes=14, seconds=50)  # 14 min 50 s after the write: alive
    assert client.get("/queue").status_code == 200
    station.clock.now += dt.timedelta(minutes=15, seconds=1)
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(station: Station, client: TestClient) -> None:
    csrf = login(client, "officer")
    token = client.cookies.get("kiosk_console")
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    with TestClient(station.app(), base_url="http://127.0.0.1") as other:
        other.cookies.set("kiosk_console", token or "")
        assert other.get("/queue", follow_redirects=False).status_code == 303


def test_posts_without_or_with_a_wrong_csrf_token_are_refused(station: Station, client: TestClient) -> None:
    login(client, "officer")
    code = station.codes[0]
    for data in ({}, {"csrf": "wrong"}, {"csrf": ""}):
        response = client.post(
            f"/dossiers/{code}/status", data={**data, "status": "processing"}, follow_redirects=False
        )
        assert response.status_code == 403, data
    assert client.post("/logout", data={"csrf": "wrong"}).status_code == 403
    page = client.get(f"/dossiers/{code}")
    assert "Đã tiếp nhận" in page.text or "Đang xử lý" in page.text


def test_another_sessions_csrf_token_is_refused(station: Station, client: TestClient) -> None:
    with TestClient(station.app(), base_url="http://127.0.0.1") as other:
        theirs = login(other, "head")
    login(client, "officer")
    response = client.post("/logout", data={"csrf": theirs}, follow_redirects=False)
    assert response.status_code == 403


def test_a_disabled_officers_session_ends(fresh_station: Station) -> None:
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        login(client, "officer")
        assert client.get("/queue").status_code == 200
        from kiosk.officers import Actor

        make_officer_desk(fresh_station.config).officers.set_active(Actor.command_line("t"), "officer", False)
        assert client.get("/queue", follow_redirects=False).status_code == 303


def test_pages_are_not_cached_nor_framed(client: TestClient) -> None:
    login(client, "officer")
    response = client.get("/queue")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
