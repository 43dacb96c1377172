"""The statistics page and its report downloads: the figures of `kiosk report`, audited exports."""

from __future__ import annotations

import csv
import io
import subprocess
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from kiosk.app.root import make_officer_desk
from tests.console.conftest import T0, Station, login

PERIOD = {"first": "2026-11-01", "last": "2026-11-30", "by": "day"}


def test_the_page_shows_the_periods_figures_and_chart(station: Station, client: TestClient) -> None:
    login(client, "officer")
    page = client.get("/stats", params=PERIOD)
    assert page.status_code == 200
    assert "<svg" in page.text and "11/2026" in page.text
    # Three dossiers were seeded on 20/11: the total row says so.
    assert ">3<" in page.text
    assert 'id="report-csv"' not in page.text  # an officer may look, only a station head exports


def test_the_default_period_is_this_month(station: Station, client: TestClient) -> None:
    login(client, "head")
    page = client.get("/stats")
    assert page.status_code == 200 and f"{T0:%Y-%m}-01" in page.text


def test_bad_dates_are_a_message_not_an_error(station: Station, client: TestClient) -> None:
    login(client, "head")
    page = client.get("/stats", params={"first": "30/11/2026"})
    assert page.status_code == 400 and "2026-12-01" in page.text
    backwards = client.get("/stats", params={"first": "2026-11-30", "last": "2026-11-01"})
    assert backwards.status_code == 400


def test_the_csv_report_is_utf8_with_a_bom_and_audited(station: Station, client: TestClient) -> None:
    login(client, "head")
    response = client.get("/stats/report.csv", params=PERIOD)
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any("3" in row for row in rows)
    newest = make_officer_desk(station.config).audit.newest(1)[0]
    assert (newest.actor, newest.action) == ("head", "export_report") and "csv" in newest.detail


def test_the_pdf_report_carries_the_chain_head(station: Station, client: TestClient) -> None:
    login(client, "head")
    response = client.get("/stats/report.pdf", params=PERIOD)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "r.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    head = make_officer_desk(station.config).audit.verify().head.short
    assert head.replace("-", "") in text.replace("-", "").replace("\n", "") or head in text
    assert client.get("/stats/report.xls", params=PERIOD).status_code == 404
