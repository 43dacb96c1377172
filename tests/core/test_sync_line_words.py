"""The officer's health screen names where the station delivers: "máy chủ tỉnh" and its address
only when the target is the province hub; a station without a hub is never told about a province."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.app.officer_health import SYNC_TASK, station_lines
from kiosk.app.root import WorkerLog
from kiosk.config import load_config
from kiosk.worker import Outcome

AT = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)


class Backlog:
    def __init__(self, waiting: int) -> None:
        self.waiting = waiting

    def backlog(self) -> int:
        return self.waiting


def _lines(tmp_path: Path, toml: str, outcome: Outcome | None, waiting: int) -> dict[str, tuple[bool, str]]:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n{toml}', encoding="utf-8")
    config = load_config(path, environ={})
    log = WorkerLog(lambda: AT)
    if outcome is not None:
        log(outcome)

    def absent() -> object:
        raise OSError("not in this test")

    checks = station_lines(config, absent, absent, lambda: Backlog(waiting), log)  # type: ignore[arg-type]
    return {c.name: (c.ok, c.detail) for c in checks if c.name in ("sync", "outbox")}


def test_a_station_delivering_to_the_hub_names_the_hub(tmp_path: Path) -> None:
    toml = '[submission]\ntarget = "hub"\n[hub]\nurl = "https://hub.ca-hanoi.example"\n'
    lines = _lines(tmp_path, toml, Outcome(SYNC_TASK, error=ConnectionError("connection refused")), 3)
    ok, detail = lines["sync"]
    assert not ok and "máy chủ tỉnh https://hub.ca-hanoi.example" in detail and "connection refused" in detail
    assert lines["outbox"] == (True, "3 not sent yet to máy chủ tỉnh https://hub.ca-hanoi.example")


def test_a_station_without_a_hub_is_not_told_about_the_province(tmp_path: Path) -> None:
    lines = _lines(tmp_path, "", Outcome(SYNC_TASK), 0)
    for ok, detail in lines.values():
        assert ok and "tỉnh" not in detail and "hub)" in detail, detail
    assert lines["sync"][1].endswith("this station's own database (no hub)")
    lines = _lines(tmp_path, "", None, 25)  # no pass yet, and a backlog: still its own database
    assert lines["sync"] == (True, "no delivery pass to this station's own database (no hub) yet since start")
    assert not lines["outbox"][0] and "tỉnh" not in lines["outbox"][1]
