"""The dossier page, status changes (visible to the citizen), filing, payments, exports."""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from console import labels
from kiosk.app.cli import main
from kiosk.app.root import make_officer_desk
from kiosk.trackcode import check_char
from tests.console.conftest import Station, login


def config_file(station: Station) -> str:
    return str(station.config.data_dir.parent / "kiosk.toml")


def newest_actions(station: Station, n: int) -> list[tuple[str, str, str]]:
    return [(r.actor, r.action, r.detail) for r in make_officer_desk(station.config).audit.newest(n)]


def test_the_page_shows_card_data_answers_and_the_chip_check_and_is_audited(
    station: Station, client: TestClient
) -> None:
    login(client, "officer")
    code = station.codes[0]
    page = client.get(f"/dossiers/{code}").text
    assert "Nguyễn Thị Hằng" in page and "001190012345" in page
    assert "Hợp lệ" in page  # passive authentication
    assert "lý do 0" in page
    assert ("officer", "view_dossier", code) in newest_actions(station, 1)


def test_status_changes_reach_the_citizens_lookup(
    fresh_station: Station, capsys: pytest.CaptureFixture[str]
) -> None:
    code = fresh_station.codes[0]
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        csrf = login(client, "officer")
        missing = client.post(f"/dossiers/{code}/status", data={"csrf": csrf, "status": "needs_info"})
        assert missing.status_code == 400 and "note for the citizen" in missing.text  # needs a note
        response = client.post(
            f"/dossiers/{code}/status",
            data={
                "csrf": csrf,
                "status": "needs_info",
                "note_for_citizen": "Mang theo sổ hộ khẩu cũ",
                "note_internal": "x",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert main(["--config", config_file(fresh_station), "status", code, "--json"]) == 0
        looked_up = json.loads(capsys.readouterr().out)
        assert looked_up["status"] == "needs_info" and looked_up["note"] == "Mang theo sổ hộ khẩu cũ"
        page = client.get(f"/dossiers/{code}").text
        assert "Cần bổ sung" in page and "Mang theo sổ hộ khẩu cũ" in page
        assert ("officer", "status_change", f"{code} received -> needs_info") in newest_actions(
            fresh_station, 3
        )
        for status in ("processing", "done"):
            client.post(
                f"/dossiers/{code}/status", data={"csrf": csrf, "status": status, "note_for_citizen": ""}
            )
        assert main(["--config", config_file(fresh_station), "status", code, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["status"] == "done"
        again = client.post(f"/dossiers/{code}/status", data={"csrf": csrf, "status": "processing"})
        assert again.status_code == 400 and "no longer changes" in again.text
        page = client.get(f"/dossiers/{code}").text
        assert page.count("Đổi trạng thái") == 3  # three events in the history, no form any more


def test_an_unknown_status_is_refused(station: Station, client: TestClient) -> None:
    csrf = login(client, "officer")
    response = client.post(f"/dossiers/{station.codes[2]}/status", data={"csrf": csrf, "status": "'; DROP"})
    assert response.status_code == 400


def test_filing_in_the_national_system(fresh_station: Station) -> None:
    code = fresh_station.codes[0]
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        csrf = login(client, "officer")
        bad = client.post(
            f"/dossiers/{code}/filed", data={"csrf": csrf, "national_number": "X", "minutes": "abc"}
        )
        assert bad.status_code == 400
        client.post(
            f"/dossiers/{code}/filed", data={"csrf": csrf, "national_number": "G01.123.456", "minutes": "7"}
        )
        page = client.get(f"/dossiers/{code}").text
        assert "G01.123.456" in page and "(7 phút)" in page
        assert client.get("/queue").text.count("G01.123.456") == 1


def test_cash_payment_with_a_receipt_number_once(fresh_station: Station) -> None:
    code = fresh_station.codes[1]  # the service with a fee
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        csrf = login(client, "officer")
        assert "Chưa nộp" in client.get(f"/dossiers/{code}").text
        response = client.post(
            f"/dossiers/{code}/payment",
            data={"csrf": csrf, "method": "cash", "receipt_number": "BL-0001"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        page = client.get(f"/dossiers/{code}").text
        assert "Đã nộp" in page and "BL-0001" in page
        twice = client.post(
            f"/dossiers/{code}/payment", data={"csrf": csrf, "method": "cash", "receipt_number": "BL-2"}
        )
        assert twice.status_code == 400
        free = client.post(
            f"/dossiers/{fresh_station.codes[0]}/payment",
            data={"csrf": csrf, "method": "cash", "receipt_number": "BL-3"},
        )
        assert free.status_code == 400 and "no fee" in free.text
    receipts = list(fresh_station.config.receipts_dir.glob("*.pdf"))
    assert len(receipts) == 1
    text = "".join(page.extract_text() for page in PdfReader(receipts[0]).pages)
    assert "BL-0001" in text and "50.000" in text


def test_filing_help_and_exports_are_audited(station: Station, client: TestClient) -> None:
    login(client, "officer")
    code = station.codes[0]
    filing = client.get(f"/dossiers/{code}/filing").text
    assert filing.index("Họ và tên") < filing.index("Số định danh cá nhân")
    assert 'value="Nguyễn Thị Hằng"' in filing and "Sao chép" in filing
    exported = client.get(f"/dossiers/{code}/export.json").json()
    assert exported["holder"]["full_name"] == "Nguyễn Thị Hằng"
    assert [f["id"] for f in exported["fields"]][:2] == ["full_name", "id_number"]
    pdf = client.get(f"/dossiers/{code}/export.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Nguyễn Thị Hằng" in text
    actions = newest_actions(station, 3)
    assert [a[1] for a in actions] == ["export_dossier"] * 3
    assert {a[2].split(" ", 1)[1] for a in actions} == {"filing view", "json", "pdf"}


def test_an_unknown_or_malformed_code_is_a_404(client: TestClient) -> None:
    login(client, "officer")
    assert client.get("/dossiers/AAAAAAAAAA").status_code == 404
    unknown = "7K3QXM9T2" + check_char("7K3QXM9T2")  # well-formed, not stored
    for tail in ("", "/filing", "/export.json", "/export.pdf"):
        assert client.get(f"/dossiers/{unknown}{tail}").status_code == 404, tail
    assert client.get("/dossiers/..%2F..%2Fetc").status_code == 404


def test_a_vietqr_payment_is_recorded_as_reported_without_a_printed_receipt(fresh_station: Station) -> None:
    code = fresh_station.codes[1]  # the service with a fee
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        csrf = login(client, "officer")
        response = client.post(
            f"/dossiers/{code}/payment",
            data={"csrf": csrf, "method": "vietqr", "receipt_number": "FT26337001234"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        page = client.get(f"/dossiers/{code}").text
        assert "Đã nộp" in page and "FT26337001234" in page and "Chuyển khoản VietQR" in page
        wrong = client.post(
            f"/dossiers/{fresh_station.codes[2]}/payment",
            data={"csrf": csrf, "method": "momo", "receipt_number": "X1"},
        )
        assert wrong.status_code == 400  # no other way: nothing stored
    assert not list(fresh_station.config.receipts_dir.glob("*.pdf"))  # the bank's record, not ours
    assert ("officer", "payment", f"{code} vietqr 50000 FT26337001234") in newest_actions(fresh_station, 5)


@pytest.mark.parametrize(
    ("outcome", "shown"),
    [("genuine", "Chip thật"), ("failed", "có thể là chip sao chép"), ("not_checked", "Chưa kiểm tra")],
)
def test_the_chip_authentication_outcome_is_shown_in_words(
    fresh_station: Station, outcome: str, shown: str
) -> None:
    from kiosk.app.root import make_store
    from kiosk.dossier import Dossier
    from kiosk.trackcode import new_code
    from tests.console.conftest import T0

    code = new_code()
    holder = {
        "full_name": "Lò Văn Páo",
        "id_number": "011190004322",
        "passive_auth": "valid",
        "chip_auth": outcome,
    }
    make_store(fresh_station.config).submit(Dossier(code, "1.003677", 1, "demo-station", T0, {}, holder))
    with TestClient(fresh_station.app(), base_url="http://127.0.0.1") as client:
        login(client, "officer")
        page = client.get(f"/dossiers/{code}").text
    assert f"<th>Chip thật (chống sao chép)</th><td>{labels.CHIP_AUTH_LABELS[outcome]}</td>" in page
    assert shown in labels.CHIP_AUTH_LABELS[outcome]
    assert "chip_auth" not in page and f"<td>{outcome}</td>" not in page  # never the raw value
