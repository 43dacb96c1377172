"""The monthly report's dossier queries read one index range each (revision 0012_report_indexes):
every column they filter or group by is in the index, so SQLite never looks a row up in the table
(3.0 s → see bench/README_console.md at 1,000,000 dossiers)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from db import migrate
from db.engine import make_engine
from db.stats import SqlStats
from kiosk.stats import Grain, ServiceInfo, Statistics


def test_the_report_reads_dossiers_by_covering_indexes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    sent: list[tuple[str, object]] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: sent.append((a[2], a[3])))
    stats = Statistics(
        SqlStats(engine), [ServiceInfo("1.003677", "Thường trú", 7, False)], ZoneInfo("Asia/Ho_Chi_Minh")
    )
    stats.figures(dt.date(2026, 11, 1), dt.date(2026, 11, 30), Grain.DAY)
    on_dossiers = [(s, p) for s, p in sent if "FROM dossiers" in s]
    assert len(on_dossiers) == 4  # submitted, finished, kiosk time by day and by service
    with engine.connect() as conn:
        for statement, parameters in on_dossiers:
            plan = " ".join(
                str(r) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert "USING COVERING INDEX ix_dossiers_" in plan and "_report" in plan, (statement, plan)
    engine.dispose()
