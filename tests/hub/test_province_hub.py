"""The province console served by the real hub (`kiosk hub serve` over PostgreSQL): heartbeats and
the red list, accounts scoped to a station or to the province, communes' targets, and officers'
status changes made at a station while offline, applied in the hub's order of arrival."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from db.models import (
    DossierNamePairRow,
    DossierNameTokenRow,
    DossierRow,
    HubChangeRow,
    StationChangeRow,
    StationHeartbeatRow,
)
from hub.client import pull_statuses
from hub.station_tasks import heartbeat_body, send_heartbeat
from kiosk.app.root import (
    build_console,
    heartbeat_pass,
    hub_changes_pass,
    make_desk,
    make_hub_client,
    make_hub_link,
    make_officer_desk,
    make_store,
)
from kiosk.dossier import Dossier
from kiosk.officers import Actor
from kiosk.permissions import Role
from kiosk.ports.target import DeliveryDeferred
from kiosk.province import DeviceState
from kiosk.trackcode import new_code
from tests.console.conftest import login
from tests.console.test_queue import codes_on
from tests.hub.conftest import FaultProxy, HubServer, Station, enrol, make_station
from tests.hub.test_hub import _deliver

T0 = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)
PIN, PASSWORD = "482915", "mật khẩu của tỉnh 2026"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _submit(station: Station, service: str = "khai_bao_tam_vang") -> str:
    code = new_code()
    make_store(station.config).submit(
        Dossier(
            tracking_code=code,
            service_code=service,
            service_version=1,
            station_id=station.station_id,
            submitted_at=dt.datetime.now(dt.UTC),
            fields={"reason": "Đi công tác"},
            holder={"name": "Nguyễn Văn An", "id_number": "001099012345"},
            consented_at=dt.datetime.now(dt.UTC),
        )
    )
    return code


def _officer(
    hub: HubServer, monkeypatch: pytest.MonkeyPatch, officer_id: str, role: str, *scope: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PIN}\n{PASSWORD}\n"))
    assert hub.cli("officer-add", officer_id, "--name", f"Đồng chí {officer_id}", "--role", role, *scope) == 0


def _console(hub: HubServer, officer_id: str) -> httpx.Client:
    client = httpx.Client(base_url=hub.url, timeout=10, follow_redirects=True)
    form = client.get("/login")
    csrf = CSRF.search(form.text)
    assert csrf is not None
    answer = client.post(
        "/login",
        data={"officer_id": officer_id, "secret": PASSWORD, "kind": "password", "csrf": csrf.group(1)},
    )
    assert answer.status_code == 200 and "Đăng xuất" in answer.text, answer.text[:500]
    return client


def _csrf(client: httpx.Client) -> str:
    found = CSRF.search(client.get("/home").text)
    assert found is not None
    return found.group(1)


class Province:
    def __init__(self, hub: HubServer, a: Station, b: Station, codes: dict[str, list[str]]) -> None:
        self.hub, self.a, self.b, self.codes = hub, a, b, codes


@pytest.fixture(scope="module")
def province_officers(hub: HubServer) -> Iterator[None]:
    monkeypatch = pytest.MonkeyPatch()
    try:
        _officer(hub, monkeypatch, "tinh", "officer", "--whole-province")
        _officer(hub, monkeypatch, "lanhdao", "station_head", "--whole-province")
        yield
    finally:
        monkeypatch.undo()


@pytest.fixture
def province(
    hub: HubServer,
    province_officers: None,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Province:
    """Two fresh stations delivering to the hub, and an officer of the first one at the hub."""
    tag = new_code()[:4]
    folder = tmp_path_factory.mktemp("province")
    a = make_station(folder / "a", f"PA{tag}", hub.url)
    b = make_station(folder / "b", f"PB{tag}", hub.url)
    codes: dict[str, list[str]] = {}
    for station in (a, b):
        enrol(hub, station, capsys)
        codes[station.station_id] = [_submit(station), _submit(station, "dang_ky_tam_tru")]
        assert _deliver(station).sent == 2
    _officer(hub, monkeypatch, f"cb{tag.lower()}", "officer", "--station", a.station_id)
    return Province(hub, a, b, codes)


def test_heartbeats_and_the_red_list(province: Province) -> None:
    hub, a, b = province.hub, province.a, province.b
    answer = heartbeat_pass(a.config, lambda: make_store(a.config))()  # the station's own devices
    assert "received_at" in answer
    client = make_hub_client(b.config)
    paper_out = {"printer": DeviceState(False, "paper_out", "hết giấy"), "outbox": DeviceState(True, "ok")}
    send_heartbeat(client, heartbeat_body(b.station_id, dt.datetime.now(dt.UTC), "0.1.0", 3, paper_out))
    with hub.engine().connect() as conn:
        rows = {r.station_id: r for r in conn.execute(sa.select(StationHeartbeatRow))}
    assert rows[a.station_id].paper_out is False and rows[a.station_id].version
    assert '"printer"' in rows[a.station_id].devices  # the pdf printer answered for itself
    assert rows[b.station_id].paper_out is True and rows[b.station_id].backlog == 3

    officer = _console(hub, "tinh")
    page = officer.get("/province").text
    red = page[page.index('id="red-list"') : page.index('id="stations"')]
    assert b.station_id in red and "Máy in hết giấy" in red
    assert a.station_id not in red
    stations = page[page.index('id="stations-table"') :]
    assert a.station_id in stations and b.station_id in stations

    # Silent for two hours: the hub's own clock says when it last heard from the station.
    with hub.engine().begin() as conn:
        conn.execute(
            sa.update(StationHeartbeatRow)
            .where(StationHeartbeatRow.station_id == a.station_id)
            .values(received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2, minutes=5))
        )
    page = officer.get("/province").text
    red = page[page.index('id="red-list"') : page.index('id="stations"')]
    row = red[red.index(a.station_id) :]
    assert "Mất liên lạc 2 giờ" in row[: row.index("</tr>")]

    # A station speaking for another is refused, and nothing is written for the other.
    body = heartbeat_body(a.station_id, dt.datetime.now(dt.UTC), "9.9", 0, {})
    with pytest.raises(Exception, match="posing_as_another"):
        send_heartbeat(client, body)
    with hub.engine().connect() as conn:
        version = conn.scalar(
            sa.select(StationHeartbeatRow.version).where(StationHeartbeatRow.station_id == a.station_id)
        )
    assert version != "9.9"


def test_an_officer_of_one_station_sees_only_its_dossiers(province: Province) -> None:
    hub, a, b = province.hub, province.a, province.b
    mine, theirs = province.codes[a.station_id], province.codes[b.station_id]
    scoped = _console(hub, f"cb{a.station_id[2:].lower()}")
    queue = scoped.get("/queue").text
    assert all(code[:5] in queue for code in mine)
    assert not any(code[:5] in queue for code in theirs)
    assert scoped.get(f"/dossiers/{mine[0]}").status_code == 200
    assert scoped.get(f"/dossiers/{theirs[0]}").status_code == 404  # not even "exists"
    searched = scoped.get(f"/queue?q={theirs[0]}").text  # the box keeps what was typed
    assert f"/dossiers/{theirs[0]}" not in searched and "Không có hồ sơ nào" in searched
    for page in ("/province", f"/province/stations/{b.station_id}", "/head/officers", "/stats"):
        assert scoped.get(page).status_code == 403, page
    assert "Toàn tỉnh" not in scoped.get("/home").text

    whole = _console(hub, "tinh")
    home = whole.get("/home").text
    assert 'href="/province"' in home and 'href="/stats"' not in home  # the hub's figures: /province
    queue = whole.get("/queue").text
    assert all(code[:5] in queue for code in mine + theirs)
    station_page = whole.get(f"/province/stations/{b.station_id}").text
    assert all(code[:5] in station_page for code in theirs)
    assert not any(code[:5] in station_page for code in mine)
    assert whole.get(f"/dossiers/{theirs[0]}").status_code == 200


def test_a_province_head_sets_a_communes_target(province: Province) -> None:
    hub, a = province.hub, province.a
    commune = f"Xã {a.station_id}"
    month = dt.datetime.now().astimezone().strftime("%Y-%m")
    head = _console(hub, "lanhdao")
    answer = head.post(
        "/province/targets", data={"csrf": _csrf(head), "period": month, "commune": commune, "target": "4"}
    )
    assert answer.status_code == 200
    row = answer.text[answer.text.index(f'data-commune="{commune}"') :]
    cells = re.findall(r"<td>([^<]*)</td>", row[: row.index("</tr>")])
    assert cells[-3:] == ["2", "4", "50 %"]  # two dossiers this month of a target of four
    bad = head.post(
        "/province/targets", data={"csrf": _csrf(head), "period": month, "commune": commune, "target": "-3"}
    )
    assert bad.status_code == 400 and "Chưa lưu chỉ tiêu" in bad.text
    officer = _console(hub, "tinh")  # an officer of the province sees targets, a head sets them
    refused = officer.post(
        "/province/targets", data={"csrf": _csrf(officer), "period": month, "commune": commune, "target": "9"}
    )
    assert refused.status_code == 403
    assert 'id="target-form"' not in officer.get("/province").text


def test_offline_changes_are_applied_in_the_hubs_order_of_arrival(
    hub: HubServer,
    province_officers: None,
    proxy: FaultProxy,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    station = make_station(tmp_path_factory.mktemp("offline"), f"PO{new_code()[:4]}", proxy.url)
    enrol(hub, station, capsys)
    x, y = _submit(station), _submit(station)
    assert _deliver(station).sent == 2
    config = station.config
    make_officer_desk(config).officers.add(
        Actor.command_line("test"), "canbo", "Lê Thị Mai", Role.OFFICER, PIN
    )
    officer = Actor("canbo", Role.OFFICER)
    desk = make_desk(config)

    proxy.mode = "refuse"  # the link is down: the station's officer goes on working
    desk.change_status(officer, x, "processing")
    desk.change_status(officer, y, "processing")
    desk.change_status(officer, y, "done")
    z = _submit(station)  # received while offline: not at the hub yet
    desk.change_status(officer, z, "processing")
    forward = hub_changes_pass(config)
    with pytest.raises(DeliveryDeferred):
        forward()
    # Meanwhile an officer at the hub rejects X: that change reaches the hub first.
    assert hub.cli("set-status", x, "rejected", "--note", "Thiếu giấy tờ", "--by", "tinh") == 0

    proxy.mode = "pass"
    report = forward()  # Z's change waits for Z, still in the outbox
    assert (report.applied, report.refused, report.waiting) == (2, 1, 1)
    assert _deliver(station).sent == 1
    assert forward().applied == 1
    assert forward().applied == 0  # nothing is sent twice

    with hub.engine().connect() as conn:
        rows = conn.execute(
            sa.select(
                HubChangeRow.tracking_code, HubChangeRow.status, HubChangeRow.outcome, HubChangeRow.reason
            )
            .where(HubChangeRow.station_id == station.station_id)
            .order_by(HubChangeRow.id)
        ).all()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (x, "processing", "refused"),
        (y, "processing", "applied"),
        (y, "done", "applied"),
        (z, "processing", "applied"),
    ]
    assert "rejected" in rows[0][3]

    # The station keeps the refusal with its reason and takes the hub's status back.
    engine = sa.create_engine(config.database_url)
    with engine.connect() as conn:
        kept = conn.execute(sa.select(StationChangeRow.tracking_code, StationChangeRow.reason).where(
            StationChangeRow.outcome == "refused")).all()  # fmt: skip
    engine.dispose()
    assert [k[0] for k in kept] == [x] and "rejected" in kept[0][1]
    pull_statuses(make_hub_client(config), make_hub_link(config), dt.datetime.now(dt.UTC))
    store = make_store(config)
    assert (store.get(x).status, store.get(y).status) == ("rejected", "done")  # type: ignore[union-attr]

    # The station's console shows its officers what the hub decided.
    with TestClient(build_console(config), base_url="http://127.0.0.1") as console:
        login(console, "canbo", PIN)
        page = console.get("/hub/changes").text
    assert "Không còn thay đổi nào chờ gửi" in page
    refused_row = page[page.index(f"/dossiers/{x}") :]
    refused_row = refused_row[: refused_row.index("</tr>")]
    # In plain Vietnamese; the hub's own words stay in the tooltip for the technician.
    assert ">Bị từ chối: Hồ sơ đã ở trạng thái «Từ chối» nên không đổi trạng thái được nữa<" in refused_row
    assert 'title="the dossier is rejected: its status no longer changes"' in refused_row
    assert page.count("Đã áp dụng") == 3
    assert "Không có hồ sơ nào bị tỉnh từ chối" in page

    # The province console shows the refused change with its reason.
    page = _console(hub, "tinh").get("/province/changes?outcome=refused").text
    assert x[:5] in page and "Bị từ chối" in page


def _submit_for(station: Station, full_name: str, id_number: str) -> str:
    code = new_code()
    make_store(station.config).submit(
        Dossier(
            tracking_code=code,
            service_code="khai_bao_tam_vang",
            service_version=1,
            station_id=station.station_id,
            submitted_at=dt.datetime.now(dt.UTC),
            fields={"reason": "Thăm người thân"},
            holder={"full_name": full_name, "id_number": id_number},
            consented_at=dt.datetime.now(dt.UTC),
        )
    )
    return code


def test_the_province_finds_a_delivered_dossier_by_name(province: Province) -> None:
    """The hub indexes what it accepts through the signed upload, with its own index key: the
    province console finds it by the holder's name without tone marks, and by the ID number."""
    hub, a, b = province.hub, province.a, province.b
    binh = _submit_for(a, "Trần Văn Bình", "001099077001")
    mai = _submit_for(b, "Lê Thị Mai", "001099077002")
    assert _deliver(a).sent == 1 and _deliver(b).sent == 1
    with hub.engine().connect() as conn:
        hub_tokens = set(
            conn.execute(
                sa.select(DossierNameTokenRow.token)
                .join(DossierRow, DossierRow.id == DossierNameTokenRow.dossier_id)
                .where(DossierRow.tracking_code == binh)
            ).scalars()
        )
        pairs = conn.scalar(
            sa.select(sa.func.count())
            .select_from(DossierNamePairRow)
            .join(DossierRow, DossierRow.id == DossierNamePairRow.dossier_id)
            .where(DossierRow.tracking_code == binh)
        )
    assert len(hub_tokens) == 3 and pairs == 3  # three words, three pairs
    engine = sa.create_engine(a.config.database_url)
    with engine.connect() as conn:
        station_tokens = set(conn.execute(sa.select(DossierNameTokenRow.token)).scalars())
    engine.dispose()
    assert not hub_tokens & station_tokens  # keyed with the hub's key, not the station's

    whole = _console(hub, "tinh")
    assert codes_on(whole.get("/queue", params={"q": "tran van binh"}).text) == {binh}
    assert codes_on(whole.get("/queue", params={"q": "Bình Trần"}).text) == {binh}
    assert codes_on(whole.get("/queue", params={"q": "001099077002"}).text) == {mai}
    assert codes_on(whole.get("/queue", params={"q": "tran thi mai"}).text) == set()
    scoped = _console(hub, f"cb{a.station_id[2:].lower()}")  # an officer of station A only
    assert codes_on(scoped.get("/queue", params={"q": "le thi mai"}).text) == set()
    assert codes_on(scoped.get("/queue", params={"q": "tran van binh"}).text) == {binh}


def test_a_change_of_a_dossier_the_hub_refused_does_not_wait_for_it(
    hub: HubServer,
    province_officers: None,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The hub refused the dossier itself (4xx: kept in the outbox with the reason, tried again
    every few hours). An officer's change of it is refused with that reason, shown on the
    station's console, and the changes behind it go on."""
    station = make_station(tmp_path_factory.mktemp("refused"), f"PF{new_code()[:4]}", hub.url)
    enrol(hub, station, capsys)
    config = station.config
    kept = _submit(station)
    refused_code = new_code()
    make_store(config).submit(  # stored under the station's old id: the hub says "posing as another"
        Dossier(
            tracking_code=refused_code,
            service_code="khai_bao_tam_vang",
            service_version=1,
            station_id="PFOLD",
            submitted_at=dt.datetime.now(dt.UTC),
            fields={"reason": "Đi công tác"},
            holder={"full_name": "Phạm Văn Cường", "id_number": "001099012399"},
            consented_at=dt.datetime.now(dt.UTC),
        )
    )
    delivered = _deliver(station)
    assert (delivered.sent, delivered.failed) == (1, 1)
    make_officer_desk(config).officers.add(
        Actor.command_line("test"), "canbo", "Lê Thị Mai", Role.OFFICER, PIN
    )
    officer = Actor("canbo", Role.OFFICER)
    desk = make_desk(config)
    desk.change_status(officer, refused_code, "processing")  # first in the queue
    desk.change_status(officer, kept, "processing")

    report = hub_changes_pass(config)()
    assert (report.applied, report.refused, report.waiting) == (1, 1, 0)
    engine = sa.create_engine(config.database_url)
    with engine.connect() as conn:
        answers = dict(conn.execute(sa.select(StationChangeRow.tracking_code, StationChangeRow.reason)).all())
    engine.dispose()
    assert "the hub refused the dossier itself" in answers[refused_code]
    assert "posing_as_another" in answers[refused_code]
    assert answers[kept] == ""
    assert hub_changes_pass(config)().applied == 0  # nothing waits, nothing is sent twice

    with TestClient(build_console(config), base_url="http://127.0.0.1") as console:
        login(console, "canbo", PIN)
        page = console.get("/hub/changes").text
    assert "Không còn thay đổi nào chờ gửi" in page
    row = page[page.index(f"/dossiers/{refused_code}") :]
    assert (
        ">Bị từ chối: Tỉnh đã từ chối nhận chính hồ sơ này (hồ sơ mang mã của trạm khác: báo cán bộ kỹ "
        "thuật kiểm tra mã trạm)<"
    ) in row[: row.index("</tr>")]
    # The dossier the hub refused to take is listed for the officer, with the reason in plain words.
    refused = page[page.index('id="refused-table"') :]
    refused = refused[refused.index(f"/dossiers/{refused_code}") :]
    refused = refused[: refused.index("</tr>")]
    assert ">Hồ sơ mang mã của trạm khác: báo cán bộ kỹ thuật kiểm tra mã trạm<" in refused
    assert "posing_as_another" in refused  # the hub's words, in the tooltip
    assert f"/dossiers/{kept}" not in page[page.index('id="refused-table"') :]
