"""`kiosk report` end to end: a seeded station database, the CSV read back as UTF-8 with its BOM,
the one-page PDF's text (pdftotext) holding the figures and the audit chain head, the report as an
audit row, a cut of the newest audit rows caught with the head printed on the report, and the same
report over PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy.orm import Session

from db import migrate
from db.engine import make_engine
from db.models import AuditRow, DossierRow, TargetRow
from kiosk.app.cli import main
from kiosk.app.root import make_officer_desk
from kiosk.config import load_config
from kiosk.report import COLUMNS, TARGET_COLUMNS

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TAM_TRU = "1.004194"  # Đăng ký tạm trú: 3 working days in the catalog
LUU_TRU = "2.001159"  # Thông báo lưu trú: no processing days
STATION = "Công an phường Ba Đình"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def seed(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    rows = [
        (TAM_TRU, local(2026, 12, 1, 9), "CB001", "done", local(2026, 12, 3, 9), 240),  # 2 wd: on time
        (TAM_TRU, local(2026, 12, 4, 9), None, "done", local(2026, 12, 10, 9), 360),  # Fri -> Thu: 4 wd, late
        (TAM_TRU, local(2026, 12, 15, 9), None, "received", None, 480),
        (LUU_TRU, local(2026, 12, 16, 9), None, "done", local(2026, 12, 16, 10), 60),
        (TAM_TRU, local(2026, 11, 30, 9), None, "received", None, 100),  # November: not in the report
    ]
    try:
        with Session(engine) as session, session.begin():
            for i, (service, at, officer, status, finished, seconds) in enumerate(rows):
                session.add(
                    DossierRow(
                        tracking_code=f"R{i:09d}",
                        service_code=service,
                        service_version=1,
                        station_id="HN-BD-01",
                        status=status,
                        submitted_at=at,
                        updated_at=at,
                        payload=b"sealed",
                        assisted_by=officer,
                        finished_at=finished,
                        session_seconds=seconds,
                    )
                )
            session.add(TargetRow(period="2026-12", metric="dossiers", service_code="", target=5))
            session.add(TargetRow(period="2026-12", metric="finished", service_code=TAM_TRU, target=3))
    finally:
        engine.dispose()


def write_config(tmp_path: Path, url: str = "") -> Path:
    path = tmp_path / "kiosk.toml"
    database = f'[database]\nurl = "{url}"\n' if url else ""
    path.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n'
        f'[station]\nid = "HN-BD-01"\nname = "{STATION}"\n{database}',
        "utf-8",
    )
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = write_config(tmp_path)
    seed(load_config(path, environ={}).database_url)
    return path


def report(config_path: Path, out: Path, fmt: str, *extra: str) -> int:
    period = ["--from", "2026-12-01", "--to", "31/12/2026"]
    return main(["--config", str(config_path), "report", *period, "--format", fmt, "--out", str(out), *extra])


def head_now(config_path: Path) -> str:
    return make_officer_desk(load_config(config_path, environ={})).audit.verify().head.short


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_report(config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bao-cao.csv"
    assert report(config_path, out, "csv") == 0
    rows = read_csv(out)
    assert rows[0] == ["Báo cáo thống kê từ 01/12/2026 đến 31/12/2026"]
    assert rows[1] == ["Đơn vị", STATION]
    assert rows[4] == ["Đầu chuỗi nhật ký", head_now(config_path)]
    table = rows[rows.index(list(COLUMNS)) + 1 :]
    whole = {r[1]: dict(zip(COLUMNS, r, strict=True)) for r in table if r and r[0] == "Cả kỳ"}
    everything, tam_tru, luu_tru = whole[""], whole[TAM_TRU], whole[LUU_TRU]
    assert everything["Tiếp nhận"] == "4" and everything["Có cán bộ hỗ trợ"] == "1"
    assert everything["Tự làm"] == "3" and everything["Đã giải quyết"] == "3"
    assert (everything["Đúng hạn"], everything["Tỷ lệ đúng hạn"]) == ("1", "50,00%")
    # 60, 240, 360, 480 s: median 300 s, p90 at position 2.7 -> 360 + 0.7 * 120
    assert everything["Thời gian tại kiosk, trung vị (giây)"] == "300"
    assert everything["Thời gian tại kiosk, p90 (giây)"] == "444"
    assert tam_tru["Dịch vụ"] == "Đăng ký tạm trú" and tam_tru["Tiếp nhận"] == "3"
    assert (luu_tru["Đúng hạn"], luu_tru["Tỷ lệ đúng hạn"]) == ("không áp dụng", "không áp dụng")
    days = [r for r in table if r and r[0] == "2026-12-04" and r[1] == ""]
    assert days and days[0][3] == "1"  # daily rows for a month's report
    targets = rows[rows.index(list(TARGET_COLUMNS)) + 1 :]
    assert ["2026-12", "Hồ sơ tiếp nhận", "", "4", "5", "80,00%", "4 / 5 — 80,00%"] in targets
    assert [
        "2026-12",
        "Hồ sơ đã giải quyết — Đăng ký tạm trú",
        TAM_TRU,
        "2",
        "3",
        "66,67%",
        "2 / 3 — 66,67%",
    ] in targets
    assert f"{out}: 4 dossier(s) submitted, 3 finished" in capsys.readouterr().out
    newest = make_officer_desk(load_config(config_path, environ={})).audit.newest(1)[0]
    assert newest.action == "export_report" and newest.actor.startswith("cli:")
    assert "2026-12-01..2026-12-31 csv" in newest.detail


def test_by_month_rows(config_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "thang.csv"
    assert report(config_path, out, "csv", "--by", "month") == 0
    periods = {r[0] for r in read_csv(out)[7:] if r and r[0].startswith("2026")}
    assert periods == {"2026-12"}


def pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    return subprocess.run(
        [pdftotext, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_pdf_report_holds_the_figures_and_the_chain_head(config_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.pdf"
    assert report(config_path, out, "pdf") == 0
    assert len(PdfReader(out).pages) == 1
    text = pdf_text(out)
    head = head_now(config_path)
    for expected in (
        STATION,
        "Báo cáo thống kê từ 01/12/2026 đến 31/12/2026",
        "Đăng ký tạm trú",
        "Thông báo lưu trú",
        "4 / 5 — 80,00%",
        "2 / 3 — 66,67%",
        "1 / 2 — 50,00%",  # on time of the finished dossiers with a deadline
        "không áp dụng",
        "5 phút 00 giây",  # median 300 s
        f"Đầu chuỗi nhật ký: {head}",
    ):
        assert expected in text, expected

    # Cutting the newest audit rows leaves a valid shorter chain; the head on the report shows it.
    assert main(["--config", str(config_path), "audit", "verify", "--head", head]) == 0
    engine = make_engine(load_config(config_path, environ={}).database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.delete(AuditRow).where(AuditRow.id == int(head[1:].split("-")[0])))
    finally:
        engine.dispose()
    assert main(["--config", str(config_path), "audit", "verify"]) == 0  # shorter, but intact
    assert main(["--config", str(config_path), "audit", "verify", "--head", head]) == 1


def test_bad_dates_are_one_line(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.csv"
    args = ["--config", str(config_path), "report", "--format", "csv", "--out", str(out)]
    assert main([*args, "--from", "2026-12-31", "--to", "2026-12-01"]) == 1
    assert "ends (2026-12-01) before it starts" in capsys.readouterr().err
    assert main([*args, "--from", "31-12-2026", "--to", "2026-12-01"]) == 1
    assert "is not a day" in capsys.readouterr().err
    assert not out.exists()


def test_report_over_postgresql(pg_url: str, tmp_path: Path) -> None:
    url = pg_url
    seed(url)
    config_path = write_config(tmp_path, url)
    out = tmp_path / "hub.csv"
    assert report(config_path, out, "csv") == 0
    rows = read_csv(out)
    whole = next(r for r in rows if r and r[0] == "Cả kỳ" and r[1] == "")
    assert whole[3:9] == ["4", "3", "1", "3", "1", "50,00%"]
    assert rows[4][1] == head_now(config_path)
