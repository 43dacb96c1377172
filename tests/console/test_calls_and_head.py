"""Live calls (the JSON the page polls, answering), and the station head's pages."""

from __future__ import annotations

import csv
import datetime as dt
import io

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from kiosk.app.root import make_officer_desk
from tests.console.conftest import T0, Station, login


def ring(station: Station, kiosk: str, screen: str, waited: int, at: dt.datetime) -> None:
    """A call as a kiosk stores it (`officer_calls`; the kiosk side is another module's)."""
    engine = create_engine(station.config.database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO officer_calls (kiosk_id, screen, waited_seconds, called_at) "
                "VALUES (:k, :s, :w, :at)"
            ),
            {"k": kiosk, "s": screen, "w": waited, "at": at.replace(tzinfo=None)},
        )
    engine.dispose()


def test_calls_arrive_in_the_json_and_are_answered_once(fresh_station: Station) -> None:
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        csrf = login(client, "officer")
        assert client.get("/calls.json").json() == {"calls": []}
        ring(fresh_station, "kiosk-2", "review", 95, T0)
        fresh_station.clock.now = T0 + dt.timedelta(seconds=30)
        [call] = client.get("/calls.json").json()["calls"]
        assert (call["kiosk"], call["screen"], call["waited_seconds"]) == ("kiosk-2", "review", 125)
        assert "kiosk-2" in client.get("/calls").text
        assert (
            client.post(
                f"/calls/{call['id']}/answer", data={"csrf": csrf}, follow_redirects=False
            ).status_code
            == 303
        )
        assert client.get("/calls.json").json() == {"calls": []}
        client.post(f"/calls/{call['id']}/answer", data={"csrf": csrf})
        answered = [
            r for r in make_officer_desk(fresh_station.config).audit.newest(5) if r.action == "call_answered"
        ]
        assert len(answered) == 1 and answered[0].actor == "officer"


def test_the_head_adds_disables_and_resets_officers(fresh_station: Station) -> None:
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        csrf = login(client, "head")
        bad = client.post(
            "/head/officers/add",
            data={"csrf": csrf, "officer_id": "new", "name": "A", "role": "officer", "pin": "111111"},
        )
        assert bad.status_code == 400 and "too easy" in bad.text
        client.post(
            "/head/officers/add",
            data={
                "csrf": csrf,
                "officer_id": "lan",
                "name": "Lê Thị Lan",
                "role": "officer",
                "pin": "582047",
            },
        )
        assert "Lê Thị Lan" in client.get("/head/officers").text
        with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as lan:
            login(lan, "lan", "582047")
            client.post("/head/officers/lan/active", data={"csrf": csrf, "active": "0"})
            assert lan.get("/queue", follow_redirects=False).status_code == 303
        client.post("/head/officers/lan/active", data={"csrf": csrf, "active": "1"})
        client.post("/head/officers/lan/pin", data={"csrf": csrf, "pin": "903716"})
        with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as lan:
            login(lan, "lan", "903716")
        own = client.post("/head/officers/head/active", data={"csrf": csrf, "active": "0"})
        assert own.status_code == 400


def test_the_head_registers_and_removes_an_officers_own_card(fresh_station: Station) -> None:
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        csrf = login(client, "head")
        bad = client.post("/head/officers/officer/card", data={"csrf": csrf, "card_id": "12345"})
        assert bad.status_code == 400 and "12 digits" in bad.text
        done = client.post(
            "/head/officers/officer/card",
            data={"csrf": csrf, "card_id": "048303004567"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert "Đã đăng ký" in client.get("/head/officers").text
        taken = client.post("/head/officers/tech/card", data={"csrf": csrf, "card_id": "048303004567"})
        assert taken.status_code == 400 and "another officer" in taken.text
        client.post("/head/officers/officer/card", data={"csrf": csrf, "remove": "1"})
        officer = make_officer_desk(fresh_station.config).officers.get("officer")
        assert officer is not None and not officer.has_card
    rows = [(r.actor, r.detail) for r in make_officer_desk(fresh_station.config).audit.newest(10)]
    assert ("head", "officer removed") in rows and ("head", "officer set") in rows
    assert not any("048303004567" in detail for _actor, detail in rows)


def test_settings_and_targets(fresh_station: Station) -> None:
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        csrf = login(client, "head")
        client.post(
            "/head/settings", data={"csrf": csrf, "station_name": "Công an xã Tân Phú", "help_text": "Quầy 2"}
        )
        page = client.get("/head/settings").text
        assert "Công an xã Tân Phú" in page.split("</header>")[0]  # the header uses it
        assert (
            client.post(
                "/head/targets", data={"csrf": csrf, "period": "2026-13", "metric": "dossiers", "target": "5"}
            ).status_code
            == 400
        )
        client.post(
            "/head/targets", data={"csrf": csrf, "period": "2026-12", "metric": "online", "target": "300"}
        )
        client.post(
            "/head/targets", data={"csrf": csrf, "period": "2026-12", "metric": "online", "target": "320"}
        )
        page = client.get("/head/settings").text
        assert "320" in page and ">300<" not in page


def test_the_audit_log_is_viewed_verified_and_exported(fresh_station: Station) -> None:
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        login(client, "head")
        page = client.get("/head/audit", params={"verify": "1"}).text
        assert 'id="verified"' in page
        exported = client.get("/head/audit.csv")
        assert exported.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert rows[0] == ["seq", "at", "actor", "action", "detail", "link"]
        assert rows[-1][0] == "chain head" and rows[-1][1].startswith("#")
        engine = create_engine(fresh_station.config.database_url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET detail = 'rewritten' WHERE id = 2"))
        engine.dispose()
        page = client.get("/head/audit", params={"verify": "1"}).text
        assert 'id="broken"' in page and "row 2" in page
